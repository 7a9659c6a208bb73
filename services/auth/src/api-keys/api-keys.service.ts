import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyView, AuthRequest, AUTH_SUBJECTS, Principal } from '@mosaic/contracts';
import { RpcError } from '@mosaic/messaging';
import { ApiKey, findApiKeyByPrefix, MikroORM, withTenant } from '@mosaic/persistence';
import { apiKeyMatchesHash, ApiKeyScope, generateApiKey, isSecurityException, parseApiKey } from '@mosaic/security';
import { AuditService } from '../audit/audit.service';
import { client } from '../identity/identity.service';
import { ORM } from '../persistence.provider';

/** `last_used_at` is written at most this often per key, off the hot path of every request. */
const LAST_USED_RESOLUTION_MS = 60_000;
const INVALID_KEY = new RpcError(401, 'invalid_api_key', 'the API key is invalid, expired or revoked');

const toView = (key: ApiKey): ApiKeyView => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  scopes: key.scopes as ApiKeyScope[],
  expires_at: key.expiresAt?.toISOString() ?? null,
  last_used_at: key.lastUsedAt?.toISOString() ?? null,
  created_at: key.createdAt.toISOString(),
});

@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(ORM) private readonly orm: MikroORM,
    private readonly audit: AuditService,
  ) {}

  /** Creates a key; the full key is in this answer only (only its hash and prefix are stored). */
  async create(rpc: AuthRequest<typeof AUTH_SUBJECTS.createApiKey>): Promise<ApiKeyView & { key: string }> {
    const { principal, request } = rpc;
    if (request.scopes.includes('admin') && principal.role !== 'admin') {
      throw new RpcError(403, 'forbidden', 'only tenant admins may create keys with the admin scope');
    }
    const expiresAt = request.expires_at ? new Date(request.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new RpcError(400, 'validation_error', 'expires_at must be in the future');
    const generated = generateApiKey();
    const key = await withTenant(this.orm, principal.tenant_id, async (em) =>
      em.create(ApiKey, {
        tenant: principal.tenant_id,
        user: principal.user_id,
        name: request.name,
        prefix: generated.prefix,
        keyHash: generated.hash,
        scopes: [...new Set(request.scopes)],
        expiresAt,
      }),
    );
    await this.audit.record({ tenantId: principal.tenant_id, userId: principal.user_id, action: 'api_key.create', outcome: 'success', target: key.id, details: { name: key.name, prefix: key.prefix, scopes: key.scopes }, ...client(rpc.client) });
    return { ...toView(key), key: generated.key };
  }

  /** The caller's own live keys. */
  async list(principal: Principal): Promise<ApiKeyView[]> {
    const keys = await withTenant(this.orm, principal.tenant_id, (em) =>
      em.find(ApiKey, { user: principal.user_id, revokedAt: null }, { orderBy: { createdAt: 'desc' } }),
    );
    return keys.map(toView);
  }

  /** Revokes one of the caller's keys; another user's key id is a 404 like an unknown one. */
  async revoke(rpc: AuthRequest<typeof AUTH_SUBJECTS.revokeApiKey>): Promise<{ message: string }> {
    const { principal, key_id: keyId } = rpc;
    const uuid = /^[0-9a-f-]{36}$/i.test(keyId);
    const key = uuid
      ? await withTenant(this.orm, principal.tenant_id, async (em) => {
          const k = await em.findOne(ApiKey, { id: keyId, user: principal.user_id, revokedAt: null });
          if (k) k.revokedAt = new Date();
          return k;
        })
      : null;
    if (!key) throw new RpcError(404, 'not_found', 'API key not found');
    await this.audit.record({ tenantId: principal.tenant_id, userId: principal.user_id, action: 'api_key.revoke', outcome: 'success', target: key.id, details: { prefix: key.prefix }, ...client(rpc.client) });
    return { message: 'API key revoked' };
  }

  /** Resolves a presented key to its principal, or 401. */
  async verify(candidate: string): Promise<Principal> {
    let parsed;
    try {
      parsed = parseApiKey(candidate);
    } catch (error) {
      if (isSecurityException(error)) throw INVALID_KEY;
      throw error;
    }
    const found = await findApiKeyByPrefix(this.orm, parsed.prefix);
    const now = Date.now();
    if (!found || !apiKeyMatchesHash(candidate, found.keyHash) || found.revokedAt || (found.expiresAt && found.expiresAt.getTime() <= now)) {
      throw INVALID_KEY;
    }
    const principal = await withTenant(this.orm, found.tenantId, async (em) => {
      const key = await em.findOneOrFail(ApiKey, found.id, { populate: ['user'] });
      if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) key.lastUsedAt = new Date(now);
      return {
        tenant_id: found.tenantId,
        user_id: found.userId,
        role: key.user.getEntity().role,
        kind: 'api_key' as const,
        scopes: key.scopes as ApiKeyScope[],
        credential_id: key.id,
      };
    });
    return principal;
  }
}
