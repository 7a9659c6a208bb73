export * from './entities';
export { createOrm, ormConfig, type OrmOptions } from './orm';
export { TENANT_SETTING, withTenant } from './tenant-context';
export {
  findApiKeyByPrefix,
  findLoginByEmail,
  tenantsWithStaleCredentials,
  tenantsWithStaleMcpServerHeaders,
  type ApiKeyLookup,
  type LoginLookup,
} from './pre-auth-lookups';
export { migrationStatus, runMigrations, type MigrationOptions, type MigrationStatus } from './migrator';
export { MIGRATIONS } from './migrations';
export { PersistenceError, PersistenceErrorCode } from './persistence.error';
// Re-exported so services type their code against the same MikroORM this library configures.
export { EntityManager, LockMode, MikroORM, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
export * from './history/history.store';
