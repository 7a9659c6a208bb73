import { defineConfig, MikroORM, Options } from '@mikro-orm/postgresql';
import { ENTITIES } from './entities';

export interface OrmOptions {
  /**
   * Postgres connection URL. Services pass `APP_DATABASE_URL` (the `mosaic_app` role, bound by
   * row-level security); only migrations use the owner's `DATABASE_URL`.
   */
  url: string;
  /** Connection pool bounds; default 0..10. */
  pool?: { min?: number; max?: number };
  /** Shown in `pg_stat_activity.application_name`, e.g. the service name. */
  applicationName?: string;
}

/** The MikroORM configuration every Mosaic connection uses; `extra` is merged last. */
export function ormConfig(options: OrmOptions, extra: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl: options.url,
    entities: ENTITIES,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    // Every unit of work needs its own forked EntityManager (`withTenant` does that), so
    // nothing can run on a shared identity map, or outside a tenant's transaction by accident.
    allowGlobalContext: false,
    // The schema belongs to the migrations; never create, compare or sync it from here.
    ensureDatabase: false,
    ensureIndexes: false,
    debug: false,
    pool: { min: options.pool?.min ?? 0, max: options.pool?.max ?? 10 },
    driverOptions: { connection: { application_name: options.applicationName ?? 'mosaic' } },
    ...extra,
  });
}

/**
 * Connects MikroORM to Postgres. Close it with `orm.close()` on shutdown. All data access goes
 * through `withTenant` (or the pre-authentication lookups); see the README.
 */
export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormConfig(options));
}
