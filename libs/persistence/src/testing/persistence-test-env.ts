// Shared by this library's integration specs (not exported from the package).
import { randomUUID } from 'node:crypto';
import { requireInfraEnv } from '@mosaic/testing';
import { MikroORM } from '@mikro-orm/postgresql';
import { Tenant, User } from '../entities';
import { runMigrations } from '../migrator';
import { createOrm, OrmOptions } from '../orm';
import { withTenant } from '../tenant-context';

export interface PersistenceTestEnv {
  /** The owner role (`mosaic`): migrations. */
  ownerUrl: string;
  /** The application role (`mosaic_app`): everything else. */
  appUrl: string;
}

/**
 * The test profile's Postgres URLs. The owner role has no CREATEDB, so specs share the
 * `mosaic` database: they create their own tenants (random ids, slugs and emails), never
 * assume the tables are otherwise empty, and delete their tenants afterwards.
 */
export function requirePersistenceEnv(env: NodeJS.ProcessEnv = process.env): PersistenceTestEnv {
  const { DATABASE_URL } = requireInfraEnv(env);
  const appUrl = env.APP_DATABASE_URL;
  if (!appUrl) {
    throw new Error(
      'persistence integration tests need APP_DATABASE_URL (the mosaic_app role). ' +
        'Run `bash scripts/infra.sh start --profile test && set -a && . .mosaic/infra/test/env && set +a` ' +
        '(infra.sh provisions the role and writes the URL).',
    );
  }
  return { ownerUrl: DATABASE_URL, appUrl };
}

/** Migrates the shared test database, then connects as the application role. */
export async function migratedAppOrm(options: Partial<OrmOptions> = {}): Promise<MikroORM> {
  const { ownerUrl, appUrl } = requirePersistenceEnv();
  await runMigrations({ url: ownerUrl });
  return createOrm({ url: appUrl, applicationName: 'persistence-tests', ...options });
}

export interface SignedUpTenant {
  tenant: Tenant;
  admin: User;
}

/** A fresh tenant and its admin, created the way sign-up does: inside the new tenant's own context. */
export async function signUpTenant(orm: MikroORM, label = 'test'): Promise<SignedUpTenant> {
  const tenantId = randomUUID();
  const unique = tenantId.slice(0, 8);
  return withTenant(orm, tenantId, async (em) => {
    const tenant = em.create(Tenant, { id: tenantId, name: `${label} ${unique}`, slug: `${label}-${unique}` });
    const admin = em.create(User, {
      tenant: tenant,
      email: `admin-${unique}@${label}.example`,
      name: `Admin ${unique}`,
      passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$test$${unique}`,
      role: 'admin',
    });
    return { tenant, admin };
  });
}

/** Deletes tenants (their rows go with them: every foreign key cascades), each in its own context. */
export async function deleteTenants(orm: MikroORM, tenantIds: string[]): Promise<void> {
  for (const tenantId of tenantIds) {
    await withTenant(orm, tenantId, (em) => em.nativeDelete(Tenant, { id: tenantId }));
  }
}
