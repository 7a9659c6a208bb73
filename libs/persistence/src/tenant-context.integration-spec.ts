import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { ApiKey, AuditLog, Tenant, User } from './entities';
import { PersistenceError, PersistenceErrorCode } from './persistence.error';
import { TENANT_SETTING, withTenant } from './tenant-context';
import { deleteTenants, migratedAppOrm, signUpTenant } from './testing/persistence-test-env';

jest.setTimeout(30_000);

interface ConnectionState {
  pid: number;
  setting: string | null;
  users: number;
}

describe(withTenant.name, () => {
  let orm: MikroORM;
  const tenantIds: string[] = [];

  beforeAll(async () => {
    // One connection, so every transaction below provably runs on the same pooled session.
    orm = await migratedAppOrm({ pool: { min: 1, max: 1 } });
  });

  afterAll(async () => {
    if (orm) {
      await deleteTenants(orm, tenantIds);
      await orm.close(true);
    }
  });

  /** The pooled connection as the next request would find it, outside any tenant context. */
  async function connectionState(): Promise<ConnectionState> {
    const [row] = await orm.em
      .fork()
      .execute<ConnectionState[]>(
        `select pg_backend_pid() as pid, current_setting('${TENANT_SETTING}', true) as setting, (select count(*)::int from users) as users`,
      );
    return row;
  }

  it('should create a tenant and its admin together when signing up', async () => {
    const { tenant, admin } = await signUpTenant(orm, 'ctx-signup');
    tenantIds.push(tenant.id);

    const seen = await withTenant(orm, tenant.id, async (em) => ({
      tenant: await em.findOneOrFail(Tenant, tenant.id),
      users: await em.find(User, {}, { populate: ['passwordHash'] }),
    }));
    expect(seen.tenant.slug).toBe(tenant.slug);
    expect(seen.users).toHaveLength(1);
    expect(seen.users[0]).toMatchObject({ id: admin.id, email: admin.email, role: 'admin', failedLoginCount: 0, lockedUntil: null });
    expect(seen.users[0].tenant.id).toBe(tenant.id);
    expect(seen.users[0].passwordHash).toBe(admin.passwordHash);
  });

  it('should leave no tenant behind when the admin of a sign-up cannot be created', async () => {
    const existing = await signUpTenant(orm, 'ctx-taken');
    tenantIds.push(existing.tenant.id);
    const tenantId = randomUUID();

    const signUp = withTenant(orm, tenantId, async (em) => {
      em.create(Tenant, { id: tenantId, name: 'Second', slug: `ctx-second-${tenantId.slice(0, 8)}` });
      // The email is taken (case-insensitively), in another tenant.
      em.create(User, { tenant: tenantId, email: existing.admin.email.toUpperCase(), name: 'Dup', passwordHash: 'x', role: 'admin' });
    });

    await expect(signUp).rejects.toThrow(/users_email_unique/);
    const tenants = await withTenant(orm, tenantId, (em) => em.count(Tenant, {}));
    expect(tenants).toBe(0);
  });

  it('should not carry the tenant into the next transaction on the same connection', async () => {
    const { tenant } = await signUpTenant(orm, 'ctx-leak');
    tenantIds.push(tenant.id);

    const inside = await withTenant(orm, tenant.id, (em) =>
      em.execute<ConnectionState[]>(
        `select pg_backend_pid() as pid, current_setting('${TENANT_SETTING}', true) as setting, (select count(*)::int from users) as users`,
      ),
    );
    const after = await connectionState();

    expect(inside[0]).toEqual({ pid: after.pid, setting: tenant.id, users: 1 });
    expect(after.setting ?? '').toBe('');
    expect(after.users).toBe(0);
  });

  it('should not carry the tenant past a transaction that failed', async () => {
    const { tenant } = await signUpTenant(orm, 'ctx-fail');
    tenantIds.push(tenant.id);

    const failing = withTenant(orm, tenant.id, async (em) => {
      await em.execute('select 1 / 0');
    });

    await expect(failing).rejects.toThrow(/division by zero/);
    const after = await connectionState();
    expect(after.setting ?? '').toBe('');
    expect(after.users).toBe(0);
  });

  it('should roll back everything when fn throws', async () => {
    const { tenant } = await signUpTenant(orm, 'ctx-rollback');
    tenantIds.push(tenant.id);

    const failing = withTenant(orm, tenant.id, async (em) => {
      em.create(AuditLog, { tenant: tenant.id, action: 'test.rollback', outcome: 'success' });
      await em.flush();
      throw new Error('changed my mind');
    });

    await expect(failing).rejects.toThrow('changed my mind');
    await expect(withTenant(orm, tenant.id, (em) => em.count(AuditLog, { action: 'test.rollback' }))).resolves.toBe(0);
  });

  it('should round-trip every column type through the entities', async () => {
    const { tenant, admin } = await signUpTenant(orm, 'ctx-types');
    tenantIds.push(tenant.id);
    const expiresAt = new Date('2030-01-02T03:04:05.678Z');

    const keyId = await withTenant(orm, tenant.id, async (em) => {
      const t = await em.findOneOrFail(Tenant, tenant.id);
      t.tokenBudget = 5_000_000_000; // beyond int4
      t.rateLimitPerMinute = 30;
      const key = em.create(ApiKey, {
        tenant: tenant.id,
        user: admin.id,
        name: 'types',
        prefix: `mk_${randomUUID().slice(0, 12)}`,
        keyHash: 'a'.repeat(64),
        scopes: ['query', 'sources:read', 'with,comma', 'with "quotes"'],
        expiresAt,
      });
      em.create(AuditLog, { tenant: tenant.id, userId: admin.id, action: 'test.types', outcome: 'success', details: { nested: { n: 1 }, list: [1, 'two'] } });
      return key.id;
    });

    const read = await withTenant(orm, tenant.id, async (em) => ({
      tenant: await em.findOneOrFail(Tenant, tenant.id),
      key: await em.findOneOrFail(ApiKey, keyId),
      audit: await em.findOneOrFail(AuditLog, { action: 'test.types' }),
    }));
    expect(read.tenant).toMatchObject({ tokenBudget: 5_000_000_000, rateLimitPerMinute: 30, rateLimitPerHour: null });
    expect(read.key.scopes).toEqual(['query', 'sources:read', 'with,comma', 'with "quotes"']);
    expect(read.key.expiresAt).toEqual(expiresAt);
    expect(read.key.keyHash).toBe('a'.repeat(64));
    expect(read.key.revokedAt).toBeNull();
    expect(read.audit.details).toEqual({ nested: { n: 1 }, list: [1, 'two'] });
    expect(read.audit.createdAt).toBeInstanceOf(Date);
  });

  it('should reject a tenant id that is not a UUID before touching the database', async () => {
    const fn = jest.fn();

    const error = await withTenant(orm, "' or true --", fn).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PersistenceError);
    expect((error as PersistenceError).code).toBe(PersistenceErrorCode.InvalidTenantId);
    expect(fn).not.toHaveBeenCalled();
  });
});
