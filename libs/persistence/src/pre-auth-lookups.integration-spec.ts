import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { ApiKey, User } from './entities';
import { findApiKeyByPrefix, findLoginByEmail } from './pre-auth-lookups';
import { withTenant } from './tenant-context';
import { deleteTenants, migratedAppOrm, signUpTenant, SignedUpTenant } from './testing/persistence-test-env';

jest.setTimeout(30_000);

describe('pre-authentication lookups', () => {
  let orm: MikroORM;
  let signedUp: SignedUpTenant;

  beforeAll(async () => {
    orm = await migratedAppOrm();
    signedUp = await signUpTenant(orm, 'lookup');
  });

  afterAll(async () => {
    if (orm) {
      if (signedUp) await deleteTenants(orm, [signedUp.tenant.id]);
      await orm.close(true);
    }
  });

  describe(findLoginByEmail.name, () => {
    it('should find the user and its tenant without tenant context, ignoring case', async () => {
      const { tenant, admin } = signedUp;

      const login = await findLoginByEmail(orm, admin.email.toUpperCase());

      expect(login).toEqual({
        userId: admin.id,
        tenantId: tenant.id,
        passwordHash: admin.passwordHash,
        role: 'admin',
        failedLoginCount: 0,
        lockedUntil: null,
      });
    });

    it('should return what the tenant last recorded about failed logins', async () => {
      const { tenant, admin } = signedUp;
      const lockedUntil = new Date(Date.now() + 15 * 60_000);
      await withTenant(orm, tenant.id, (em) => em.nativeUpdate(User, { id: admin.id }, { failedLoginCount: 5, lockedUntil }));

      const login = await findLoginByEmail(orm, admin.email);

      expect(login).toMatchObject({ failedLoginCount: 5, lockedUntil });
      await withTenant(orm, tenant.id, (em) => em.nativeUpdate(User, { id: admin.id }, { failedLoginCount: 0, lockedUntil: null }));
    });

    it('should return null for an unknown email', async () => {
      await expect(findLoginByEmail(orm, `nobody-${randomUUID()}@lookup.example`)).resolves.toBeNull();
    });

    it('should be the only way to the user without tenant context', async () => {
      const direct = await orm.em.fork().execute('select * from users where lower(email) = lower(?)', [signedUp.admin.email]);

      expect(direct).toEqual([]);
      await expect(findLoginByEmail(orm, signedUp.admin.email)).resolves.not.toBeNull();
    });
  });

  describe(findApiKeyByPrefix.name, () => {
    it('should find the key by prefix without tenant context', async () => {
      const { tenant, admin } = signedUp;
      const prefix = `mk_${randomUUID().slice(0, 12)}`;
      const keyHash = randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
      const expiresAt = new Date('2031-05-06T07:08:09.000Z');
      const keyId = await withTenant(orm, tenant.id, async (em) => {
        const key = em.create(ApiKey, { tenant: tenant.id, user: admin.id, name: 'lookup', prefix, keyHash, scopes: ['query', 'sources:read'], expiresAt });
        return key.id;
      });

      const found = await findApiKeyByPrefix(orm, prefix);

      expect(found).toEqual({ id: keyId, tenantId: tenant.id, userId: admin.id, keyHash, scopes: ['query', 'sources:read'], expiresAt, revokedAt: null });
      const direct = await orm.em.fork().execute('select * from api_keys where prefix = ?', [prefix]);
      expect(direct).toEqual([]);
    });

    it('should return a revoked key with its revocation time, for the caller to refuse', async () => {
      const { tenant, admin } = signedUp;
      const prefix = `mk_${randomUUID().slice(0, 12)}`;
      const revokedAt = new Date('2026-11-01T00:00:00.000Z');
      await withTenant(orm, tenant.id, async (em) => {
        em.create(ApiKey, { tenant: tenant.id, user: admin.id, name: 'revoked', prefix, keyHash: 'b'.repeat(64), revokedAt });
      });

      const found = await findApiKeyByPrefix(orm, prefix);

      expect(found).toMatchObject({ revokedAt, scopes: [], expiresAt: null });
    });

    it('should return null for an unknown prefix', async () => {
      await expect(findApiKeyByPrefix(orm, `mk_${randomUUID()}`)).resolves.toBeNull();
    });
  });
});
