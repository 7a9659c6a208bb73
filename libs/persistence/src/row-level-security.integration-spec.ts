import { randomUUID } from 'node:crypto';
import { MikroORM, QueryResult } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { ApiKey, AuditLog, Credential, McpServerEntity, Session, Tenant, User } from './entities';
import { withTenant } from './tenant-context';
import { deleteTenants, migratedAppOrm, requirePersistenceEnv, signUpTenant } from './testing/persistence-test-env';

jest.setTimeout(30_000);

/** Each table with the column row-level security keys it on. */
const TABLES: { table: string; key: string }[] = [
  { table: 'tenants', key: 'id' },
  { table: 'users', key: 'tenant_id' },
  { table: 'sessions', key: 'tenant_id' },
  { table: 'api_keys', key: 'tenant_id' },
  { table: 'credentials', key: 'tenant_id' },
  { table: 'audit_logs', key: 'tenant_id' },
  { table: 'mcp_servers', key: 'tenant_id' },
  { table: 'conversations', key: 'tenant_id' },
  { table: 'query_runs', key: 'tenant_id' },
  { table: 'messages', key: 'tenant_id' },
];

interface SeededTenant {
  tenantId: string;
  userId: string;
  /** The id of this tenant's one row in each table. */
  ids: Record<string, string>;
}

/** A tenant with one row in every table. */
async function seedTenant(orm: MikroORM, label: string): Promise<SeededTenant> {
  const { tenant, admin } = await signUpTenant(orm, label);
  return withTenant(orm, tenant.id, async (em) => {
    const session = em.create(Session, { id: randomUUID(), tenant: tenant.id, user: admin.id, expiresAt: new Date(Date.now() + 3_600_000) });
    const apiKey = em.create(ApiKey, {
      tenant: tenant.id,
      user: admin.id,
      name: 'ci',
      prefix: `mk_${randomUUID().slice(0, 12)}`,
      keyHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
      scopes: ['query'],
    });
    const credential = em.create(Credential, { tenant: tenant.id, user: admin.id, datasource: 'postgres', envelope: 'sealed', keyId: 'k1' });
    const audit = em.create(AuditLog, { tenant: tenant.id, userId: admin.id, action: 'auth.signup', outcome: 'success' });
    const mcpServer = em.create(McpServerEntity, { tenant: tenant.id, name: 'wiki', description: 'wiki', transport: 'http', url: 'https://wiki.example', createdBy: admin.id });
    await em.flush();
    const conversationId = randomUUID();
    const queryId = randomUUID();
    const now = new Date();
    await em.execute('insert into conversations (id, tenant_id, user_id, datasource, title, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)', [conversationId, tenant.id, admin.id, 'files', 'hello', now, now]);
    await em.execute('insert into query_runs (id, tenant_id, user_id, kind, conversation_id, question, status, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)', [queryId, tenant.id, admin.id, 'chat', conversationId, 'hello', 'running', now]);
    await em.execute('insert into messages (id, tenant_id, conversation_id, query_id, role, content, created_at) values (?, ?, ?, ?, ?, ?, ?)', [`${queryId}:user`, tenant.id, conversationId, queryId, 'user', 'hello', now]);
    return {
      tenantId: tenant.id,
      userId: admin.id,
      ids: { tenants: tenant.id, users: admin.id, sessions: session.id, api_keys: apiKey.id, credentials: credential.id, audit_logs: audit.id, mcp_servers: mcpServer.id, conversations: conversationId, query_runs: queryId, messages: `${queryId}:user` },
    };
  });
}

describe('row-level security', () => {
  const { appUrl } = requirePersistenceEnv();
  let orm: MikroORM;
  let a: SeededTenant;
  let b: SeededTenant;

  beforeAll(async () => {
    orm = await migratedAppOrm();
    a = await seedTenant(orm, 'rls-a');
    b = await seedTenant(orm, 'rls-b');
  });

  afterAll(async () => {
    if (orm) {
      await deleteTenants(orm, [a?.tenantId, b?.tenantId].filter((id): id is string => Boolean(id)));
      await orm.close(true);
    }
  });

  describe('the application role', () => {
    let app: Client;

    beforeAll(async () => {
      app = new Client({ connectionString: appUrl });
      await app.connect();
    });

    afterAll(async () => {
      await app?.end();
    });

    it('should own no table and bypass nothing', async () => {
      const role = await app.query('select current_user as name, rolsuper, rolbypassrls from pg_roles where rolname = current_user');
      const owners = await app.query<{ tableowner: string }>(`select tableowner from pg_tables where schemaname = 'public' and tablename = any($1)`, [
        TABLES.map((t) => t.table),
      ]);

      expect(role.rows).toEqual([{ name: 'mosaic_app', rolsuper: false, rolbypassrls: false }]);
      expect(owners.rows).toHaveLength(TABLES.length);
      expect(owners.rows.filter((r) => r.tableowner === 'mosaic_app')).toEqual([]);
    });

    it.each([
      'alter table users disable row level security',
      'alter table users no force row level security',
      'alter table tenants add column x int',
      'drop policy tenant_isolation on users',
      'drop table audit_logs',
      'truncate users',
      'create table escape_hatch (id int)',
      'set role mosaic',
    ])('should be refused: %s', async (sql) => {
      await expect(app.query(sql)).rejects.toThrow(/must be owner|permission denied/);
    });
  });

  describe('with tenant A set', () => {
    it.each(TABLES)("should see only tenant A's rows of $table, even without a WHERE clause", async ({ table, key }) => {
      const rows = await withTenant(orm, a.tenantId, (em) => em.execute<{ id: string; tenant: string }[]>(`select id, ${key} as tenant from ${table}`));

      expect(rows.map((r) => r.tenant)).toEqual(rows.map(() => a.tenantId));
      expect(rows.map((r) => r.id)).toContain(a.ids[table]);
      expect(rows.map((r) => r.id)).not.toContain(b.ids[table]);
    });

    it("should not find tenant B's rows through the entity API, even by primary key", async () => {
      const found = await withTenant(orm, a.tenantId, async (em) => ({
        tenant: await em.findOne(Tenant, b.tenantId),
        user: await em.findOne(User, b.userId),
        users: await em.find(User, {}),
        sessions: await em.count(Session, { tenant: b.tenantId }),
      }));

      expect(found.tenant).toBeNull();
      expect(found.user).toBeNull();
      expect(found.users.map((u) => u.tenant.id)).toEqual(found.users.map(() => a.tenantId));
      expect(found.sessions).toBe(0);
    });

    it.each(TABLES)("should update and delete none of tenant B's rows of $table", async ({ table, key }) => {
      const affected = await withTenant(orm, a.tenantId, async (em) => {
        const updated = await em.execute<QueryResult>(`update ${table} set ${key} = ${key} where id = ?`, [b.ids[table]], 'run');
        const deleted = await em.execute<QueryResult>(`delete from ${table} where ${key} = ?`, [b.tenantId], 'run');
        return [updated.affectedRows, deleted.affectedRows];
      });

      expect(affected).toEqual([0, 0]);
      const stillThere = await withTenant(orm, b.tenantId, (em) => em.execute(`select id from ${table} where id = ?`, [b.ids[table]]));
      expect(stillThere).toHaveLength(1);
    });

    it("should leave tenant B's user unchanged when updating it through the entity API", async () => {
      const count = await withTenant(orm, a.tenantId, (em) => em.nativeUpdate(User, { id: b.userId }, { name: 'taken over' }));

      expect(count).toBe(0);
      const user = await withTenant(orm, b.tenantId, (em) => em.findOneOrFail(User, b.userId));
      expect(user.name).not.toBe('taken over');
    });

    it("should refuse to insert a row with tenant B's id", async () => {
      const insertUser = withTenant(orm, a.tenantId, async (em) => {
        em.create(User, { tenant: b.tenantId, email: `intruder-${randomUUID()}@rls.example`, name: 'x', passwordHash: 'x', role: 'admin' });
      });
      const insertAudit = withTenant(orm, a.tenantId, (em) =>
        em.execute(`insert into audit_logs (tenant_id, action, outcome) values (?, 'forged', 'success')`, [b.tenantId]),
      );
      const insertTenant = withTenant(orm, a.tenantId, (em) => em.execute(`insert into tenants (id, name, slug) values (?, 'x', ?)`, [randomUUID(), `x-${randomUUID()}`]));

      await expect(insertUser).rejects.toThrow(/violates row-level security policy for table "users"/);
      await expect(insertAudit).rejects.toThrow(/violates row-level security policy for table "audit_logs"/);
      await expect(insertTenant).rejects.toThrow(/violates row-level security policy for table "tenants"/);
    });

    it("should refuse to move one of its rows to tenant B", async () => {
      const move = withTenant(orm, a.tenantId, (em) => em.execute(`update audit_logs set tenant_id = ? where id = ?`, [b.tenantId, a.ids.audit_logs]));

      await expect(move).rejects.toThrow(/violates row-level security policy for table "audit_logs"/);
    });

    it("should refuse a session of tenant A for tenant B's user", async () => {
      // Foreign-key checks bypass row-level security; the (tenant_id, user_id) key still stops this.
      const session = withTenant(orm, a.tenantId, async (em) => {
        em.create(Session, { id: randomUUID(), tenant: a.tenantId, user: b.userId, expiresAt: new Date() });
      });

      await expect(session).rejects.toThrow(/sessions_user_fk/);
    });
  });

  describe('with no tenant set', () => {
    it.each(TABLES)('should see no row of $table', async ({ table }) => {
      const rows = await orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from ${table}`);

      expect(rows).toEqual([{ n: 0 }]);
    });

    it('should see no row when the setting is empty', async () => {
      const rows = await orm.em.fork().transactional(async (em) => {
        await em.execute(`select set_config('mosaic.tenant_id', '', true)`);
        return em.execute<{ n: number }[]>('select count(*)::int as n from users');
      });

      expect(rows).toEqual([{ n: 0 }]);
    });

    it('should refuse to insert, even with a real tenant id', async () => {
      const insert = orm.em.fork().execute(`insert into audit_logs (tenant_id, action, outcome) values (?, 'forged', 'success')`, [a.tenantId]);

      await expect(insert).rejects.toThrow(/violates row-level security policy/);
    });
  });
});
