import { MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { MIGRATIONS } from './migrations';
import { ormConfig } from './orm';
import { PersistenceError, PersistenceErrorCode } from './persistence.error';

/** Session-level advisory lock that serializes concurrent runs (replicas starting, parallel tests). */
const MIGRATION_LOCK_KEY = 7_466_927_301_054_213n;

export interface MigrationOptions {
  /** The owner role's URL (`DATABASE_URL`): migrations create and own every object. */
  url: string;
  /** Defaults to `MIGRATIONS`, the real list; tests pass their own. */
  migrations?: MigrationObject[];
}

export interface MigrationStatus {
  executed: string[];
  pending: string[];
}

async function withMigrator<T>(options: MigrationOptions, fn: (migrator: Migrator) => Promise<T>): Promise<T> {
  const orm = await MikroORM.init(
    ormConfig(
      { url: options.url, pool: { min: 0, max: 2 }, applicationName: 'mosaic-migrate' },
      {
        extensions: [Migrator],
        migrations: {
          migrationsList: options.migrations ?? MIGRATIONS,
          tableName: 'mikro_orm_migrations',
          // One transaction for the whole run: a failing migration leaves nothing behind.
          transactional: true,
          allOrNothing: true,
          // Would need a superuser (session_replication_role); our migrations never need it.
          disableForeignKeys: false,
          // No schema snapshots or generated files: migrations are written by hand.
          snapshot: false,
          silent: true,
        },
      },
    ),
  );
  try {
    return await fn(orm.getMigrator() as Migrator);
  } finally {
    await orm.close(true);
  }
}

/**
 * Applies every pending migration, in order, in one transaction, and returns the names of those
 * it applied (empty when the database was up to date). Concurrent calls wait for each other.
 * Throws `PersistenceError(MigrationFailed)` when one fails; nothing of the run is then applied.
 */
export async function runMigrations(options: MigrationOptions): Promise<string[]> {
  const lock = new Client({ connectionString: options.url, application_name: 'mosaic-migrate-lock' });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    return await withMigrator(options, async (migrator) => {
      try {
        const applied = await migrator.up();
        return applied.map((m) => m.name);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new PersistenceError(PersistenceErrorCode.MigrationFailed, `migration failed, nothing was applied: ${reason}`, { cause: error });
      }
    });
  } finally {
    // Ending the session releases the advisory lock.
    await lock.end();
  }
}

/** Which migrations the database has recorded as applied, and which are still pending. */
export async function migrationStatus(options: MigrationOptions): Promise<MigrationStatus> {
  return withMigrator(options, async (migrator) => ({
    executed: (await migrator.getExecutedMigrations()).map((m) => m.name),
    pending: (await migrator.getPendingMigrations()).map((m) => m.name),
  }));
}
