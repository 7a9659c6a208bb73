import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  ApproveMcpServerRpcSchema,
  CreateMcpServerRpcSchema,
  DiscoveredTool,
  McpServerIdRpcSchema,
  Principal,
  PrincipalRpcSchema,
  ReportDriftRpcSchema,
  ResolveMcpServerRpcSchema,
} from '@mosaic/contracts';
import { RpcError } from '@mosaic/messaging';
import { createLogger } from '@mosaic/observability';
import { AuditLog, createOrm, McpServerEntity, MikroORM, runMigrations, Tenant, User, withTenant } from '@mosaic/persistence';
import { CredentialVault, generateVaultKey, VaultKeyRing } from '@mosaic/security';
import { requireInfraEnv } from '@mosaic/testing';
import { AuditService } from '../audit/audit.service';
import { rotateVaultKeys } from '../credentials/vault-rotation';
import { McpServersService } from './mcp-servers.service';

jest.setTimeout(30_000);

interface TestTenant {
  tenantId: string;
  admin: Principal;
  member: Principal;
}

const principal = (tenantId: string, userId: string, role: 'admin' | 'member', scopes: Principal['scopes']): Principal => ({
  tenant_id: tenantId,
  user_id: userId,
  role,
  kind: 'session',
  scopes,
  credential_id: randomUUID(),
});

/** A fresh tenant with an admin and a member, created the way sign-up does (in its own context). */
async function signUpTenant(orm: MikroORM, label: string): Promise<TestTenant> {
  const tenantId = randomUUID();
  const unique = tenantId.slice(0, 8);
  const [adminId, memberId] = await withTenant(orm, tenantId, async (em) => {
    const tenant = em.create(Tenant, { id: tenantId, name: `${label} ${unique}`, slug: `${label}-${unique}` });
    const user = (role: 'admin' | 'member') =>
      em.create(User, { tenant, email: `${role}-${unique}@${label}.example`, name: `${role} ${unique}`, passwordHash: 'x', role });
    return [user('admin').id, user('member').id];
  });
  return {
    tenantId,
    admin: principal(tenantId, adminId, 'admin', ['query', 'admin']),
    member: principal(tenantId, memberId, 'member', ['query']),
  };
}

const tool = (name: string, description = `${name} things`): DiscoveredTool => ({
  name,
  description,
  input_schema: { type: 'object', properties: { query: { type: 'string' } } },
  read_only: true,
  hash: createHash('sha256').update(`${name}:${description}`).digest('hex'),
});

/** The RpcError a call failed with, as `{status, code}`; fails the test when it did not fail. */
async function rejection(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RpcError)) throw new Error(`expected an RpcError, got ${error === undefined ? 'success' : String(error)}`);
  return { status: error.status, code: error.code };
}

describe(McpServersService.name, () => {
  const { DATABASE_URL } = requireInfraEnv();
  const appUrl = process.env.APP_DATABASE_URL;
  if (!appUrl) throw new Error('this spec needs APP_DATABASE_URL (the mosaic_app role): `set -a && . .mosaic/infra/test/env && set +a`');
  const logger = createLogger('auth-mcp-servers-test', 'silent');
  const k1 = generateVaultKey('k1');
  const k2 = generateVaultKey('k2');
  let orm: MikroORM;
  let sut: McpServersService;
  let a: TestTenant;
  let b: TestTenant;
  const extraTenants: string[] = [];
  /** Unique per test: secrets we then look for where they must not be. */
  let token: string;

  const serviceWith = (keys: string) => new McpServersService(orm, logger, new CredentialVault(VaultKeyRing.fromEnv(keys)), new AuditService(orm, logger));
  const rpc = { client: { ip: '203.0.113.7', user_agent: 'jest' } };
  const create = (who: Principal, request: Record<string, unknown>, tools: DiscoveredTool[] = [tool('search'), tool('create_page')]) =>
    sut.create(CreateMcpServerRpcSchema.parse({ principal: who, ...rpc, request, tools }));
  const httpServer = (name: string, headers?: Record<string, string>) => ({
    transport: 'http',
    name,
    description: 'The company wiki',
    url: 'https://wiki.example.com/mcp',
    ...(headers ? { headers } : {}),
  });
  const byId = (who: Principal, id: string) => McpServerIdRpcSchema.parse({ principal: who, ...rpc, id });
  const resolve = (tenantId: string, source: string, service = sut) => service.resolve(ResolveMcpServerRpcSchema.parse({ tenant_id: tenantId, source }));
  const auditOf = (tenantId: string, target: string) =>
    withTenant(orm, tenantId, (em) => em.find(AuditLog, { target }, { orderBy: { createdAt: 'asc' } }));
  const name = () => `wiki-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    await runMigrations({ url: DATABASE_URL });
    orm = await createOrm({ url: appUrl, applicationName: 'auth-mcp-servers-tests' });
    sut = serviceWith(k1);
    a = await signUpTenant(orm, 'mcp-a');
    b = await signUpTenant(orm, 'mcp-b');
  });

  beforeEach(() => {
    token = `tok-${randomUUID()}`;
  });

  afterAll(async () => {
    if (!orm) return;
    for (const tenantId of [a?.tenantId, b?.tenantId, ...extraTenants].filter((id): id is string => Boolean(id))) {
      await withTenant(orm, tenantId, (em) => em.nativeDelete(Tenant, { id: tenantId }));
    }
    await orm.close(true);
  });

  describe('registration', () => {
    it('should create, list, get and delete a server when an admin registers one', async () => {
      const serverName = name();

      const created = await create(a.admin, httpServer(serverName, { Authorization: `Bearer ${token}`, 'X-Team': 'blue' }));

      expect(created).toMatchObject({
        source: `mcp-${serverName}`,
        name: serverName,
        description: 'The company wiki',
        transport: 'http',
        url: 'https://wiki.example.com/mcp',
        command: null,
        header_names: ['Authorization', 'X-Team'],
      });
      expect(created.tools).toEqual([
        { name: 'search', description: 'search things', read_only: true, hash: tool('search').hash, status: 'approved' },
        { name: 'create_page', description: 'create_page things', read_only: true, hash: tool('create_page').hash, status: 'approved' },
      ]);
      expect(new Date(created.created_at).toISOString()).toBe(created.created_at);
      expect((await sut.list(PrincipalRpcSchema.parse({ principal: a.member, ...rpc }))).map((s) => s.id)).toContain(created.id);
      expect(await sut.get(byId(a.member, created.id))).toEqual(created);
      // Only `mcp-<name>` names a registered server.
      expect(await rejection(resolve(a.tenantId, `gh-${serverName}`))).toEqual({ status: 404, code: 'not_found' });

      await expect(sut.delete(byId(a.admin, created.id))).resolves.toEqual({ message: `MCP server ${serverName} deleted` });

      expect(await rejection(sut.get(byId(a.admin, created.id)))).toEqual({ status: 404, code: 'not_found' });
      expect((await sut.list(PrincipalRpcSchema.parse({ principal: a.admin, ...rpc }))).map((s) => s.id)).not.toContain(created.id);
      expect(await rejection(resolve(a.tenantId, `mcp-${serverName}`))).toEqual({ status: 404, code: 'not_found' });
      expect((await auditOf(a.tenantId, created.id)).map((e) => [e.action, e.userId, e.ip])).toEqual([
        ['mcp_server.create', a.admin.user_id, '203.0.113.7'],
        ['mcp_server.delete', a.admin.user_id, '203.0.113.7'],
      ]);
    });

    it('should store a stdio server with its command and no headers', async () => {
      const created = await create(a.admin, { transport: 'stdio', name: name(), description: 'Local notes', command: 'notes' });

      expect(created).toMatchObject({ transport: 'stdio', url: null, command: 'notes', header_names: [] });
      expect((await resolve(a.tenantId, created.source)).spec).toEqual({ transport: 'stdio', command: 'notes' });
    });

    it('should answer 409 name_taken when the tenant already has a server of that name, also when registrations race', async () => {
      const serverName = name();
      await create(a.admin, httpServer(serverName));

      expect(await rejection(create(a.admin, httpServer(serverName)))).toEqual({ status: 409, code: 'name_taken' });
      // Another tenant may use the same name.
      await expect(create(b.admin, httpServer(serverName))).resolves.toMatchObject({ name: serverName });

      const racing = name();
      const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => create(a.admin, httpServer(racing))));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
        expect(o.reason).toBeInstanceOf(RpcError);
        expect((o.reason as RpcError).code).toBe('name_taken');
      }
    });

    it('should answer 403 and change nothing when a member, or an admin without the admin scope, creates, approves or deletes', async () => {
      const existing = await create(a.admin, httpServer(name()));
      const adminWithQueryKey: Principal = { ...a.admin, kind: 'api_key', scopes: ['query'] };
      const serverName = name();

      for (const who of [a.member, adminWithQueryKey]) {
        expect(await rejection(create(who, httpServer(serverName)))).toEqual({ status: 403, code: 'forbidden' });
        expect(await rejection(sut.delete(byId(who, existing.id)))).toEqual({ status: 403, code: 'forbidden' });
        expect(
          await rejection(sut.approve(ApproveMcpServerRpcSchema.parse({ principal: who, ...rpc, id: existing.id, tools: [tool('evil')] }))),
        ).toEqual({ status: 403, code: 'forbidden' });
      }

      const names = (await sut.list(PrincipalRpcSchema.parse({ principal: a.member, ...rpc }))).map((s) => s.name);
      expect(names).not.toContain(serverName);
      expect(await sut.get(byId(a.member, existing.id))).toEqual(existing);
    });
  });

  describe('tenant isolation', () => {
    it("should answer 404 for another tenant's server on get, delete, approve, resolve and drift, and leave it unchanged", async () => {
      const theirs = await create(a.admin, httpServer(name(), { Authorization: token }));

      expect(await rejection(sut.get(byId(b.admin, theirs.id)))).toEqual({ status: 404, code: 'not_found' });
      expect(await rejection(sut.delete(byId(b.admin, theirs.id)))).toEqual({ status: 404, code: 'not_found' });
      expect(
        await rejection(sut.approve(ApproveMcpServerRpcSchema.parse({ principal: b.admin, ...rpc, id: theirs.id, tools: [tool('evil')] }))),
      ).toEqual({ status: 404, code: 'not_found' });
      expect(await rejection(resolve(b.tenantId, theirs.source))).toEqual({ status: 404, code: 'not_found' });
      expect(
        await rejection(sut.reportDrift(ReportDriftRpcSchema.parse({ tenant_id: b.tenantId, id: theirs.id, changed: ['search'], added: [] }))),
      ).toEqual({ status: 404, code: 'not_found' });
      // Exactly the answer for an id that never existed.
      expect(await rejection(sut.get(byId(b.admin, randomUUID())))).toEqual({ status: 404, code: 'not_found' });

      expect(await sut.get(byId(a.admin, theirs.id))).toEqual(theirs);
      expect((await sut.list(PrincipalRpcSchema.parse({ principal: b.admin, ...rpc }))).map((s) => s.id)).not.toContain(theirs.id);
    });

    it('should show the application role no row of mcp_servers without a tenant context', async () => {
      await create(a.admin, httpServer(name()));
      const app = new Client({ connectionString: appUrl });
      await app.connect();
      try {
        const inContext = await withTenant(orm, a.tenantId, (em) => em.count(McpServerEntity, {}));
        const raw = await app.query<{ n: number }>('select count(*)::int as n from mcp_servers');
        const forged = app.query(
          `insert into mcp_servers (tenant_id, name, description, transport, url) values ($1, 'forged', 'x', 'http', 'https://x.example')`,
          [a.tenantId],
        );

        expect(inContext).toBeGreaterThan(0);
        expect(raw.rows).toEqual([{ n: 0 }]);
        await expect(forged).rejects.toThrow(/violates row-level security policy for table "mcp_servers"/);
      } finally {
        await app.end();
      }
    });
  });

  describe('header values', () => {
    it('should return header values decrypted from resolve and nowhere else', async () => {
      const serverName = name();
      const created = await create(a.admin, httpServer(serverName, { Authorization: `Bearer ${token}`, 'X-Api-Key': `${token}-2` }));
      const approved = await sut.approve(ApproveMcpServerRpcSchema.parse({ principal: a.admin, ...rpc, id: created.id, tools: [tool('search')] }));
      const listed = await sut.list(PrincipalRpcSchema.parse({ principal: a.admin, ...rpc }));
      const got = await sut.get(byId(a.member, created.id));
      const audit = await auditOf(a.tenantId, created.id);

      for (const shown of [created, approved, listed, got, audit]) expect(JSON.stringify(shown)).not.toContain(token);
      expect(audit.find((e) => e.action === 'mcp_server.create')?.details).toMatchObject({ header_names: ['Authorization', 'X-Api-Key'] });

      const resolved = await resolve(a.tenantId, `mcp-${serverName}`);
      expect(resolved).toMatchObject({ id: created.id, source: `mcp-${serverName}`, name: serverName, description: 'The company wiki' });
      expect(resolved.spec).toEqual({
        transport: 'http',
        url: 'https://wiki.example.com/mcp',
        headers: { Authorization: `Bearer ${token}`, 'X-Api-Key': `${token}-2` },
      });
    });

    it('should store only ciphertext, under the active key id', async () => {
      const created = await create(a.admin, httpServer(name(), { Authorization: `Bearer ${token}` }));

      const [row] = await withTenant(orm, a.tenantId, (em) =>
        em.execute<{ headers_envelope: string; key_id: string; header_names: string[] }[]>(
          'select headers_envelope, key_id, header_names from mcp_servers where id = ?',
          [created.id],
        ),
      );

      expect(row.key_id).toBe('k1');
      expect(row.header_names).toEqual(['Authorization']);
      expect(JSON.parse(row.headers_envelope)).toMatchObject({ v: 1, kid: 'k1' });
      expect(row.headers_envelope).not.toContain(token);
      expect(row.headers_envelope).not.toContain(Buffer.from(token).toString('base64').slice(0, 24));
    });

    it('should store no envelope when a server has no headers', async () => {
      const created = await create(a.admin, httpServer(name()));

      const row = await withTenant(orm, a.tenantId, (em) => em.findOneOrFail(McpServerEntity, created.id));
      expect([row.headersEnvelope, row.keyId]).toEqual([null, null]);
      expect((await resolve(a.tenantId, created.source)).spec).toEqual({ transport: 'http', url: 'https://wiki.example.com/mcp', headers: {} });
    });

    it('should answer 409 instead of headers when the envelope was moved to another server or the URL changed', async () => {
      const victim = await create(a.admin, httpServer(name(), { Authorization: token }));
      const moved = await create(a.admin, httpServer(name(), { Authorization: 'other' }));
      const redirected = await create(a.admin, httpServer(name(), { Authorization: token }));
      await withTenant(orm, a.tenantId, async (em) => {
        await em.execute(`update mcp_servers set headers_envelope = (select headers_envelope from mcp_servers where id = ?) where id = ?`, [
          victim.id,
          moved.id,
        ]);
        await em.execute(`update mcp_servers set url = 'https://attacker.example/mcp' where id = ?`, [redirected.id]);
      });

      expect(await rejection(resolve(a.tenantId, moved.source))).toEqual({ status: 409, code: 'mcp_server_unreadable' });
      expect(await rejection(resolve(a.tenantId, redirected.source))).toEqual({ status: 409, code: 'mcp_server_unreadable' });
      expect((await resolve(a.tenantId, victim.source)).spec).toMatchObject({ headers: { Authorization: token } });
    });

    it('should re-encrypt header envelopes under the new key when vault keys rotate, and count those that do not decrypt', async () => {
      // A tenant of its own, so the report counts exactly this test's rows.
      const c = await signUpTenant(orm, 'mcp-rot');
      extraTenants.push(c.tenantId);
      const created = await create(c.admin, httpServer(name(), { Authorization: token }));
      const tampered = await create(c.admin, httpServer(name(), { Authorization: token }));
      await create(c.admin, httpServer(name()));
      await withTenant(orm, c.tenantId, (em) => em.execute(`update mcp_servers set url = 'https://attacker.example/mcp' where id = ?`, [tampered.id]));
      const before = await withTenant(orm, c.tenantId, (em) => em.findOneOrFail(McpServerEntity, created.id));
      const rotating = new CredentialVault(VaultKeyRing.fromEnv(`${k2},${k1}`));

      // Only this test's tenant: the database is shared with other specs.
      const report = await rotateVaultKeys(orm, rotating, 'k2', [c.tenantId]);
      const again = await rotateVaultKeys(orm, rotating, 'k2', [c.tenantId]);

      expect(report).toEqual({ tenants: 1, credentials: 0, mcpServers: 1, unreadable: 1 });
      expect(again).toEqual({ tenants: 1, credentials: 0, mcpServers: 0, unreadable: 1 });
      const after = await withTenant(orm, c.tenantId, (em) => em.find(McpServerEntity, { id: [created.id, tampered.id] }));
      const rotated = after.find((r) => r.id === created.id)!;
      expect(rotated.keyId).toBe('k2');
      expect(rotated.headersEnvelope).not.toBe(before.headersEnvelope);
      expect(rotated.updatedAt.toISOString()).toBe(before.updatedAt.toISOString());
      expect(after.find((r) => r.id === tampered.id)?.keyId).toBe('k1');
      // The old key is gone from the ring; the headers still resolve.
      expect((await resolve(c.tenantId, created.source, serviceWith(k2))).spec).toMatchObject({ headers: { Authorization: token } });
      expect(await rejection(resolve(c.tenantId, created.source, serviceWith(k1)))).toEqual({ status: 409, code: 'mcp_server_unreadable' });
    });
  });

  describe('tool pins', () => {
    it('should disable changed tools and add new ones once when drift is reported, and enable all again on approval', async () => {
      const created = await create(a.admin, httpServer(name()), [tool('search'), tool('create_page')]);
      const drift = ReportDriftRpcSchema.parse({
        tenant_id: a.tenantId,
        id: created.id,
        changed: ['search', 'not_pinned'],
        added: [tool('delete_everything')],
      });

      await expect(sut.reportDrift(drift)).resolves.toEqual({ changed: 2 });
      await expect(sut.reportDrift(drift)).resolves.toEqual({ changed: 0 });

      const drifted = await resolve(a.tenantId, created.source);
      expect(drifted.tools.map((t) => [t.name, t.status])).toEqual([
        ['search', 'changed'],
        ['create_page', 'approved'],
        ['delete_everything', 'new'],
      ]);
      expect(drifted.tools[2].input_schema).toEqual(tool('delete_everything').input_schema);
      expect((await sut.get(byId(a.member, created.id))).tools.map((t) => t.status)).toEqual(['changed', 'approved', 'new']);
      const driftAudit = (await auditOf(a.tenantId, created.id)).filter((e) => e.action === 'mcp_server.drift');
      expect(driftAudit.map((e) => [e.userId, e.details])).toEqual([[null, { name: created.name, changed: ['search'], added: ['delete_everything'] }]]);

      const rediscovered = [tool('search', 'search things, now better'), tool('create_page'), tool('delete_everything')];
      const approved = await sut.approve(ApproveMcpServerRpcSchema.parse({ principal: a.admin, ...rpc, id: created.id, tools: rediscovered }));

      expect(approved.tools.map((t) => [t.name, t.status, t.hash])).toEqual(rediscovered.map((t) => [t.name, 'approved', t.hash]));
      expect((await resolve(a.tenantId, created.source)).tools.every((t) => t.status === 'approved')).toBe(true);
      const approveAudit = (await auditOf(a.tenantId, created.id)).filter((e) => e.action === 'mcp_server.approve');
      expect(approveAudit.map((e) => e.details)).toEqual([{ name: created.name, tools: ['search', 'create_page', 'delete_everything'] }]);
    });

    it('should lose no mark when drift reports race', async () => {
      const created = await create(a.admin, httpServer(name()), [tool('one'), tool('two'), tool('three')]);
      const report = (changed: string[], added: DiscoveredTool[]) =>
        sut.reportDrift(ReportDriftRpcSchema.parse({ tenant_id: a.tenantId, id: created.id, changed, added }));

      const results = await Promise.all([report(['one'], [tool('four')]), report(['two'], [tool('five')]), report(['three'], [tool('four')])]);

      const tools = (await resolve(a.tenantId, created.source)).tools;
      expect(tools.map((t) => [t.name, t.status]).sort()).toEqual([
        ['five', 'new'],
        ['four', 'new'],
        ['one', 'changed'],
        ['three', 'changed'],
        ['two', 'changed'],
      ]);
      expect(results.reduce((sum, r) => sum + r.changed, 0)).toBe(5);
    });
  });

  describe('storage', () => {
    it('should keep the registration with no creator when the admin who made it is deleted', async () => {
      const userId = await withTenant(orm, a.tenantId, async (em) =>
        em.create(User, { tenant: a.tenantId, email: `leaver-${randomUUID()}@mcp-a.example`, name: 'Leaver', passwordHash: 'x', role: 'admin' }).id,
      );
      const created = await create(principal(a.tenantId, userId, 'admin', ['admin']), httpServer(name()));

      await withTenant(orm, a.tenantId, (em) => em.nativeDelete(User, { id: userId }));

      const row = await withTenant(orm, a.tenantId, (em) => em.findOneOrFail(McpServerEntity, created.id));
      expect(row.createdBy).toBeNull();
      expect(row.tenant.id).toBe(a.tenantId);
    });
  });
});
