import { Inject, Injectable } from '@nestjs/common';
import { AuthRequest, AUTH_SUBJECTS, CredentialStatus, Principal } from '@mosaic/contracts';
import { getConnector } from '@mosaic/connectors';
import { RpcError } from '@mosaic/messaging';
import { Logger } from '@mosaic/observability';
import { Credential, MikroORM, withTenant } from '@mosaic/persistence';
import { LOGGER } from '@mosaic/runtime';
import { CredentialVault, isSecurityException } from '@mosaic/security';
import { AuditService } from '../audit/audit.service';
import { client } from '../identity/identity.service';
import { ORM } from '../persistence.provider';

/**
 * The credential vault: each user's credentials per datasource, encrypted with AES-256-GCM
 * bound to tenant, user and datasource. Plaintext leaves only through `resolve`, which only
 * worker identities may call; it never reaches logs, responses or events.
 */
@Injectable()
export class CredentialsService {
  constructor(
    @Inject(ORM) private readonly orm: MikroORM,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly vault: CredentialVault,
    private readonly audit: AuditService,
  ) {}

  async save(rpc: AuthRequest<typeof AUTH_SUBJECTS.saveCredentials>): Promise<{ message: string }> {
    const { principal, request } = rpc;
    const connector = getConnector(request.datasource);
    if (!connector) throw new RpcError(400, 'unknown_source', `unknown datasource: ${request.datasource}`);
    const known = new Set(connector.credentialFields.map((f) => f.name));
    const unknown = Object.keys(request.credentials).filter((k) => !known.has(k));
    const missing = connector.credentialFields.filter((f) => f.required && !request.credentials[f.name]).map((f) => f.name);
    if (unknown.length || missing.length) {
      const problems = [
        ...(unknown.length ? [`unknown field(s): ${unknown.join(', ')}`] : []),
        ...(missing.length ? [`missing required field(s): ${missing.join(', ')}`] : []),
      ];
      throw new RpcError(400, 'validation_error', `${problems.join('; ')} (fields of ${request.datasource}: ${[...known].join(', ') || 'none'})`);
    }
    const context = { tenantId: principal.tenant_id, userId: principal.user_id, datasource: request.datasource };
    const envelope = this.vault.encrypt(request.credentials, context);
    // The envelope names its key; the column lets rotation find rows still under an old key.
    const keyId = (JSON.parse(envelope) as { kid: string }).kid;
    await withTenant(this.orm, principal.tenant_id, async (em) => {
      const existing = await em.findOne(Credential, { user: principal.user_id, datasource: request.datasource });
      if (existing) {
        existing.envelope = envelope;
        existing.keyId = keyId;
        existing.updatedAt = new Date();
      } else {
        em.create(Credential, { tenant: principal.tenant_id, user: principal.user_id, datasource: request.datasource, envelope, keyId });
      }
    });
    await this.audit.record({
      tenantId: principal.tenant_id,
      userId: principal.user_id,
      action: 'credential.save',
      outcome: 'success',
      target: request.datasource,
      details: { fields: Object.keys(request.credentials).sort() },
      ...client(rpc.client),
    });
    return { message: 'Credentials saved' };
  }

  async status(principal: Principal, datasource: string): Promise<CredentialStatus> {
    const row = await withTenant(this.orm, principal.tenant_id, (em) => em.findOne(Credential, { user: principal.user_id, datasource }));
    return { datasource, configured: Boolean(row), updated_at: row?.updatedAt.toISOString() ?? null };
  }

  async list(principal: Principal): Promise<CredentialStatus[]> {
    const rows = await withTenant(this.orm, principal.tenant_id, (em) => em.find(Credential, { user: principal.user_id }, { orderBy: { datasource: 'asc' } }));
    return rows.map((r) => ({ datasource: r.datasource, configured: true, updated_at: r.updatedAt.toISOString() }));
  }

  async delete(rpc: AuthRequest<typeof AUTH_SUBJECTS.deleteCredentials>): Promise<{ message: string }> {
    const { principal, datasource } = rpc;
    const deleted = await withTenant(this.orm, principal.tenant_id, (em) =>
      em.nativeDelete(Credential, { user: principal.user_id, datasource }),
    );
    if (!deleted) throw new RpcError(404, 'not_found', `no credentials stored for ${datasource}`);
    await this.audit.record({ tenantId: principal.tenant_id, userId: principal.user_id, action: 'credential.delete', outcome: 'success', target: datasource, ...client(rpc.client) });
    return { message: 'Credentials deleted' };
  }

  /** Decrypts one user's credentials for a worker; 404 when the user stored none. */
  async resolve(rpc: AuthRequest<typeof AUTH_SUBJECTS.resolveCredentials>): Promise<{ credentials: Record<string, string> }> {
    const row = await withTenant(this.orm, rpc.tenant_id, (em) => em.findOne(Credential, { user: rpc.user_id, datasource: rpc.datasource }));
    if (!row) throw new RpcError(404, 'not_found', `no credentials stored for ${rpc.datasource}`);
    try {
      const credentials = this.vault.decrypt(row.envelope, { tenantId: rpc.tenant_id, userId: rpc.user_id, datasource: rpc.datasource });
      return { credentials };
    } catch (error) {
      if (!isSecurityException(error)) throw error;
      // A row that does not decrypt under its own tenant/user/datasource was tampered with or moved.
      this.logger.error({ code: error.code, tenant_id: rpc.tenant_id, user_id: rpc.user_id, datasource: rpc.datasource }, 'stored credentials do not decrypt');
      throw new RpcError(409, 'credentials_unreadable', `stored credentials for ${rpc.datasource} cannot be decrypted; save them again`);
    }
  }
}
