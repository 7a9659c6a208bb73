import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AuthRequest, AUTH_SUBJECTS, Principal, sessionRevokedKey, UserView } from '@mosaic/contracts';
import { RpcError } from '@mosaic/messaging';
import { Logger } from '@mosaic/observability';
import { findLoginByEmail, MikroORM, Session, Tenant, User, withTenant } from '@mosaic/persistence';
import { CONFIG, LOGGER } from '@mosaic/runtime';
import { hashPassword, TokenSigner, validatePassword, verifyAgainstDummy, verifyPassword } from '@mosaic/security';
import { AuditService } from '../audit/audit.service';
import { AuthConfig } from '../config';
import { ORM, REDIS } from '../persistence.provider';

/** The one answer for an unknown email and a wrong password alike. */
const INVALID_CREDENTIALS = new RpcError(401, 'invalid_credentials', 'invalid email or password');

export const toUserView = (user: User): UserView => ({
  id: user.id,
  tenant_id: user.tenant.id,
  email: user.email,
  name: user.name,
  role: user.role,
  last_login: user.lastLogin?.toISOString() ?? null,
  previous_login: user.previousLogin?.toISOString() ?? null,
  created_at: user.createdAt.toISOString(),
});

@Injectable()
export class IdentityService {
  constructor(
    @Inject(ORM) private readonly orm: MikroORM,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: AuthConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly signer: TokenSigner,
    private readonly audit: AuditService,
  ) {}

  /** Creates a tenant with the new user as its admin. */
  async signup(request: AuthRequest<typeof AUTH_SUBJECTS.signup>): Promise<UserView> {
    const problems = validatePassword(request.password);
    if (problems.length) throw new RpcError(400, 'weak_password', problems.map((p) => p.message).join('; '));
    if (await findLoginByEmail(this.orm, request.email)) {
      throw new RpcError(409, 'email_taken', 'an account with this email already exists');
    }
    const passwordHash = await hashPassword(request.password);
    const tenantId = randomUUID();
    const slug = `${slugify(request.tenant_name ?? request.name)}-${tenantId.slice(0, 8)}`;
    try {
      const user = await withTenant(this.orm, tenantId, async (em) => {
        em.create(Tenant, { id: tenantId, name: request.tenant_name ?? `${request.name}'s workspace`, slug });
        return em.create(User, { tenant: tenantId, email: request.email, name: request.name, passwordHash, role: 'admin' });
      });
      await this.audit.record({ tenantId, userId: user.id, action: 'user.signup', outcome: 'success', target: user.id, ...client(request.client) });
      return toUserView(user);
    } catch (error) {
      // Two sign-ups racing for one email: the unique index decides.
      if ((error as { code?: string }).code === '23505') throw new RpcError(409, 'email_taken', 'an account with this email already exists');
      throw error;
    }
  }

  /** A tenant admin adds a user to their own tenant. */
  async createUser(rpc: AuthRequest<typeof AUTH_SUBJECTS.createUser>): Promise<UserView> {
    const { principal, request } = rpc;
    if (principal.role !== 'admin' || !principal.scopes.includes('admin')) throw new RpcError(403, 'forbidden', 'only tenant admins may add users');
    const problems = validatePassword(request.password);
    if (problems.length) throw new RpcError(400, 'weak_password', problems.map((p) => p.message).join('; '));
    if (await findLoginByEmail(this.orm, request.email)) throw new RpcError(409, 'email_taken', 'an account with this email already exists');
    const passwordHash = await hashPassword(request.password);
    try {
      const user = await withTenant(this.orm, principal.tenant_id, async (em) =>
        em.create(User, { tenant: principal.tenant_id, email: request.email, name: request.name, passwordHash, role: request.role }),
      );
      await this.audit.record({ tenantId: principal.tenant_id, userId: principal.user_id, action: 'user.create', outcome: 'success', target: user.id, details: { role: user.role }, ...client(rpc.client) });
      return toUserView(user);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new RpcError(409, 'email_taken', 'an account with this email already exists');
      throw error;
    }
  }

  async listUsers(principal: Principal): Promise<UserView[]> {
    if (principal.role !== 'admin' || !principal.scopes.includes('admin')) throw new RpcError(403, 'forbidden', 'only tenant admins may list users');
    const users = await withTenant(this.orm, principal.tenant_id, (em) => em.find(User, {}, { orderBy: { createdAt: 'asc' } }));
    return users.map(toUserView);
  }

  async login(request: AuthRequest<typeof AUTH_SUBJECTS.login>): Promise<{ token: string; expires_at: string; user: UserView }> {
    const found = await findLoginByEmail(this.orm, request.email);
    if (!found) {
      await verifyAgainstDummy(request.password);
      this.logger.info({ event: 'login_failed', reason: 'unknown_email' }, 'login failed');
      throw INVALID_CREDENTIALS;
    }
    const now = new Date();
    if (found.lockedUntil && found.lockedUntil > now) {
      // Spend the same time as a real check, and tell the client when to come back.
      await verifyAgainstDummy(request.password);
      const retryAfter = Math.ceil((found.lockedUntil.getTime() - now.getTime()) / 1000);
      await this.audit.record({ tenantId: found.tenantId, userId: found.userId, action: 'user.login', outcome: 'failure', details: { reason: 'locked' }, ...client(request.client) });
      throw new RpcError(429, 'account_locked', `too many failed logins; try again in ${retryAfter} s`, retryAfter);
    }
    const valid = await verifyPassword(found.passwordHash, request.password);
    if (!valid) {
      await this.recordFailure(found.tenantId, found.userId, found.failedLoginCount + 1, request.client);
      throw INVALID_CREDENTIALS;
    }

    const jti = randomUUID();
    const ttl = this.config.SESSION_TTL_SECONDS;
    const expiresAt = new Date(now.getTime() + ttl * 1000);
    const user = await withTenant(this.orm, found.tenantId, async (em) => {
      const u = await em.findOneOrFail(User, found.userId);
      u.previousLogin = u.lastLogin;
      u.lastLogin = now;
      u.failedLoginCount = 0;
      u.lockedUntil = null;
      em.create(Session, { id: jti, tenant: found.tenantId, user: found.userId, expiresAt, ip: request.client.ip ?? null, userAgent: request.client.user_agent ?? null });
      return u;
    });
    const token = await this.signer.sign(
      { sub: user.id, tid: found.tenantId, role: user.role, jti },
      { issuer: this.config.JWT_ISSUER, audience: this.config.JWT_AUDIENCE, ttlSeconds: ttl },
    );
    await this.audit.record({ tenantId: found.tenantId, userId: user.id, action: 'user.login', outcome: 'success', target: jti, ...client(request.client) });
    return { token, expires_at: expiresAt.toISOString(), user: toUserView(user) };
  }

  private async recordFailure(tenantId: string, userId: string, failures: number, info: { ip?: string; user_agent?: string }): Promise<void> {
    const { LOCKOUT_THRESHOLD: threshold, LOCKOUT_BASE_SECONDS: base, LOCKOUT_MAX_SECONDS: max } = this.config;
    const lockSeconds = failures >= threshold ? Math.min(max, base * 2 ** (failures - threshold)) : 0;
    await withTenant(this.orm, tenantId, async (em) => {
      const user = await em.findOneOrFail(User, userId);
      user.failedLoginCount = failures;
      if (lockSeconds) user.lockedUntil = new Date(Date.now() + lockSeconds * 1000);
    });
    await this.audit.record({ tenantId, userId, action: 'user.login', outcome: 'failure', details: { reason: 'wrong_password', failures }, ...client(info) });
    if (lockSeconds) {
      await this.audit.record({ tenantId, userId, action: 'user.lockout', outcome: 'success', details: { seconds: lockSeconds, failures }, ...client(info) });
    }
  }

  /** Revokes the session: stored, and announced to gateways through Redis. */
  async logout(principal: Principal, info: { ip?: string; user_agent?: string }): Promise<{ message: string }> {
    if (principal.kind !== 'session') throw new RpcError(400, 'not_a_session', 'only a session can log out; revoke API keys with DELETE /api/keys/{id}');
    const session = await withTenant(this.orm, principal.tenant_id, async (em) => {
      const s = await em.findOne(Session, { id: principal.credential_id, user: principal.user_id });
      if (s && !s.revokedAt) s.revokedAt = new Date();
      return s;
    });
    if (session) {
      const ttl = Math.max(1, Math.ceil((session.expiresAt.getTime() - Date.now()) / 1000));
      await this.redis.set(sessionRevokedKey(session.id), '1', 'EX', ttl);
    }
    await this.audit.record({ tenantId: principal.tenant_id, userId: principal.user_id, action: 'user.logout', outcome: 'success', target: principal.credential_id, ...client(info) });
    return { message: 'Logged out successfully' };
  }

  async me(principal: Principal): Promise<UserView> {
    const user = await withTenant(this.orm, principal.tenant_id, (em) => em.findOne(User, principal.user_id));
    if (!user) throw new RpcError(404, 'not_found', 'user not found');
    return toUserView(user);
  }

  jwks() {
    return this.signer.jwks();
  }
}

export const client = (info: { ip?: string; user_agent?: string }) => ({ ip: info.ip, userAgent: info.user_agent });

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'tenant';
}
