import { randomUUID } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';
import { Client } from 'pg';
import { MIGRATIONS } from './migrations';
import { migrationStatus, runMigrations } from './migrator';
import { PersistenceError, PersistenceErrorCode } from './persistence.error';
import { requirePersistenceEnv } from './testing/persistence-test-env';

jest.setTimeout(30_000);

const TABLES = ['tenants', 'users', 'sessions', 'api_keys', 'credentials', 'audit_logs', 'mcp_servers', 'conversations', 'query_runs', 'messages'];

describe('runMigrations', () => {
  const { ownerUrl, appUrl } = requirePersistenceEnv();
  let owner: Client;

  beforeAll(async () => {
    owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
  });

  afterAll(async () => {
    await owner?.end();
  });

  it('should leave every listed migration applied and none pending when run', async () => {
    const applied = await runMigrations({ url: ownerUrl });
    const status = await migrationStatus({ url: ownerUrl });

    expect(status.pending).toEqual([]);
    expect(status.executed).toEqual(MIGRATIONS.map((m) => m.name));
    // Whatever this run applied must have been pending before it (a fresh database applies all).
    for (const name of applied) expect(MIGRATIONS.map((m) => m.name)).toContain(name);
  });

  it('should apply nothing when run again', async () => {
    await runMigrations({ url: ownerUrl });

    await expect(runMigrations({ url: ownerUrl })).resolves.toEqual([]);
    await expect(runMigrations({ url: ownerUrl })).resolves.toEqual([]);
  });

  it('should apply a pending migration exactly once when runs are concurrent', async () => {
    const table = `persistence_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const name = `Migration29990101000000_${table}`;
    class CreatesTable extends Migration {
      override up(): void {
        this.addSql(`create table ${table} (id int)`);
      }
    }
    const migrations = [...MIGRATIONS, { name, class: CreatesTable }];
    try {
      const runs = await Promise.all([1, 2, 3].map(() => runMigrations({ url: ownerUrl, migrations })));

      expect(runs.flat()).toEqual([name]);
    } finally {
      await owner.query(`drop table if exists ${table}`);
      await owner.query('delete from mikro_orm_migrations where name = $1', [name]);
    }
  });

  it('should create every table owned by the migrating role, with row-level security enabled and forced', async () => {
    await runMigrations({ url: ownerUrl });

    const { rows } = await owner.query<{ relname: string; owner: string; enabled: boolean; forced: boolean }>(
      `select c.relname, pg_get_userbyid(c.relowner) as owner, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relname = any($1) order by c.relname`,
      [TABLES],
    );
    expect(rows.map((r) => r.relname).sort()).toEqual([...TABLES].sort());
    for (const row of rows) {
      expect(row).toEqual({ relname: row.relname, owner: new URL(ownerUrl).username, enabled: true, forced: true });
    }
  });

  it('should create the lookups and rotation listings as SECURITY DEFINER functions only the application role may execute', async () => {
    const { rows } = await owner.query<{ proname: string; secdef: boolean; config: string[]; app: boolean; public: boolean }>(
      `select p.proname, p.prosecdef as secdef, p.proconfig as config,
              has_function_privilege('mosaic_app', p.oid, 'execute') as app,
              exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                       where a.grantee = 0 and a.privilege_type = 'EXECUTE') as public
         from pg_proc p
        where p.proname in ('mosaic_find_login', 'mosaic_find_api_key', 'mosaic_tenants_with_stale_credentials', 'mosaic_tenants_with_stale_mcp_server_headers')
        order by p.proname`,
    );
    expect(rows).toEqual([
      { proname: 'mosaic_find_api_key', secdef: true, config: ['search_path=public, pg_temp'], app: true, public: false },
      { proname: 'mosaic_find_login', secdef: true, config: ['search_path=public, pg_temp'], app: true, public: false },
      { proname: 'mosaic_tenants_with_stale_credentials', secdef: true, config: ['search_path=public, pg_temp'], app: true, public: false },
      { proname: 'mosaic_tenants_with_stale_mcp_server_headers', secdef: true, config: ['search_path=public, pg_temp'], app: true, public: false },
    ]);
  });

  it('should fail with MigrationFailed when the role may not create objects', async () => {
    // The application role owns nothing and may create nothing in the schema.
    const error = await runMigrations({ url: appUrl }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PersistenceError);
    expect((error as PersistenceError).code).toBe(PersistenceErrorCode.MigrationFailed);
    expect((error as Error).message).toMatch(/permission denied/);
  });

  it('should apply nothing of a run when a later migration in it fails', async () => {
    const table = `persistence_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    class CreatesTable extends Migration {
      override up(): void {
        this.addSql(`create table ${table} (id int)`);
      }
    }
    class Fails extends Migration {
      override up(): void {
        this.addSql(`select 1 / 0`);
      }
    }
    const migrations = [
      ...MIGRATIONS,
      { name: `Migration29990101000000_${table}_creates`, class: CreatesTable },
      { name: `Migration29990101000001_${table}_fails`, class: Fails },
    ];

    const error = await runMigrations({ url: ownerUrl, migrations }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PersistenceError);
    expect((error as Error).message).toMatch(/division by zero/);
    const { rows } = await owner.query('select to_regclass($1) as oid', [table]);
    expect(rows[0].oid).toBeNull();
    const status = await migrationStatus({ url: ownerUrl, migrations });
    expect(status.executed).toEqual(MIGRATIONS.map((m) => m.name));
    expect(status.pending).toHaveLength(2);
  });
});
