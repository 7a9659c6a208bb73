import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createConnection } from 'mysql2/promise';
import { Client as PgClient, Pool } from 'pg';
import { ToolCaller } from '../connector';
import { createMySqlPool } from '../mysql/mysql-pool';
import { createMySqlMcpServer } from '../mysql/mysql-mcp.server';
import { parseMySqlUrl } from '../mysql/mysql-mcp.config';
import { mysqlConnector } from '../mysql/mysql.connector';
import { createPostgresMcpServer } from '../postgres/postgres-mcp.server';
import { postgresConnector } from '../postgres/postgres.connector';

jest.setTimeout(30_000);

const SAMPLE_SQL_DIR = path.resolve(__dirname, '../../../../sample/workspace/sql');

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with the test infra env (\`set -a; . .mosaic/infra/test/env; set +a\`)`);
  return value;
}

/** A ToolCaller over a real SQL MCP server in this process. */
async function caller(server: McpServer): Promise<{ call: ToolCaller; close: () => Promise<void> }> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'sql-digest-spec', version: '0.0.0' });
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  const call: ToolCaller = async (tool, args) => {
    const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    return { ok: result.isError !== true, text, structured: result.structuredContent as Record<string, unknown> | undefined };
  };
  return { call, close: async () => void (await client.close(), await server.close()) };
}

describe('postgresConnector.digestStrategy (sample database, read-only server)', () => {
  let pool: Pool;
  let sut: { call: ToolCaller; close: () => Promise<void> };

  beforeAll(async () => {
    const owner = new PgClient({ connectionString: requiredEnv('SAMPLE_DATABASE_URL') });
    await owner.connect();
    try {
      for (const file of readdirSync(SAMPLE_SQL_DIR).filter((f) => f.endsWith('.sql')).sort()) await owner.query(readFileSync(path.join(SAMPLE_SQL_DIR, file), 'utf8'));
    } finally {
      await owner.end();
    }
    pool = new Pool({ connectionString: requiredEnv('SAMPLE_READER_DATABASE_URL'), max: 2 });
    sut = await caller(createPostgresMcpServer({ pool, statementTimeoutMs: 5_000, maxRows: 200 }) as unknown as McpServer);
  });

  afterAll(async () => {
    await sut?.close();
    await pool?.end();
  });

  it('should cite the rows created within the window across tables, newest first, and nothing outside it', async () => {
    const result = await postgresConnector.digestStrategy!({ since: '2026-03-09T09:00:00Z', until: '2026-03-09T11:00:00Z' }, sut.call, {});

    // orders 61 (11:40) and 56 (08:52), tickets 40 (11:15) and 37 (04:00) lie outside the window.
    expect(result.items.map((i) => i.id)).toEqual([
      'support_tickets:39',
      'orders:60',
      'orders:59',
      'orders:58',
      'support_tickets:38',
      'orders:57',
    ]);
    expect(result.items[0]).toMatchObject({ title: 'New row in support_tickets', tool: 'execute_query' });
    expect(result.items[0]!.content).toMatch(/subject: API returning 500 errors on shipment sync/);
  });

  it('should say so when no row changed in the window', async () => {
    const result = await postgresConnector.digestStrategy!({ since: '2020-01-01T00:00:00Z', until: '2020-01-02T00:00:00Z' }, sut.call, {});
    expect(result.items).toEqual([]);
    expect(result.summary).toMatch(/^No row of the \d+ table\(s\) with a time column changed in the window\.$/);
  });
});

describe('mysqlConnector.digestStrategy (real MariaDB, read-only server)', () => {
  const database = `mosaic_spec_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let admin: Awaited<ReturnType<typeof createConnection>>;
  let pool: ReturnType<typeof createMySqlPool>;
  let sut: { call: ToolCaller; close: () => Promise<void> };

  beforeAll(async () => {
    const adminUrl = parseMySqlUrl(requiredEnv('MYSQL_ADMIN_URL'));
    const readerUrl = parseMySqlUrl(requiredEnv('MYSQL_URL'));
    if (typeof adminUrl === 'string' || typeof readerUrl === 'string') throw new Error('bad MySQL URL');
    const bootstrap = await createConnection({ ...adminUrl, database: undefined });
    await bootstrap.query(`CREATE DATABASE \`${database}\``);
    await bootstrap.end();
    admin = await createConnection({ ...adminUrl, database });
    await admin.query("SET time_zone = '+00:00'");
    await admin.query('CREATE TABLE incidents (id INT PRIMARY KEY, title VARCHAR(100), created_at DATETIME(3) NOT NULL)');
    await admin.query('CREATE TABLE teams (id INT PRIMARY KEY, name VARCHAR(100))');
    await admin.query(
      "INSERT INTO incidents VALUES (1, 'Before the window', '2026-03-09 08:59:59.000'), (2, 'Checkout errors', '2026-03-09 09:30:00.000'), (3, 'Login outage', '2026-03-09 10:45:00.000'), (4, 'After the window', '2026-03-09 11:00:00.001')",
    );
    await admin.query("INSERT INTO teams VALUES (1, 'Payments')");
    pool = createMySqlPool({ ...readerUrl, database });
    sut = await caller(createMySqlMcpServer({ pool, statementTimeoutMs: 5_000, maxRows: 200 }) as unknown as McpServer);
  });

  afterAll(async () => {
    await sut?.close();
    await pool?.end();
    await admin?.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin?.end();
  });

  it('should cite the rows created within the window, newest first, skipping tables without a time column', async () => {
    const result = await mysqlConnector.digestStrategy!({ since: '2026-03-09T09:00:00Z', until: '2026-03-09T11:00:00Z' }, sut.call, {});
    expect(result.items.map((i) => [i.id, i.title])).toEqual([
      ['incidents:3', 'New row in incidents'],
      ['incidents:2', 'New row in incidents'],
    ]);
    expect(result.summary).toBe('2 new or changed row(s) in 1 table(s) of the 1 with a time column.');
  });
});
