import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { Client as PgClient, Pool } from 'pg';
import type { TableDescription } from './postgres-catalog';
import { createPostgresMcpServer, type PostgresMcpServerOptions } from './postgres-mcp.server';
import type { SearchResult } from './postgres-search';

const SAMPLE_SQL_DIR = path.resolve(__dirname, '../../../../sample/workspace/sql');

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. These tests need a real Postgres with the sample database: run ` +
        '`bash scripts/infra.sh start --profile test && eval "$(bash scripts/infra.sh env --profile test --export)"`, ' +
        'which sets SAMPLE_DATABASE_URL (owner role, loads sample/workspace/sql) and ' +
        'SAMPLE_READER_DATABASE_URL (read-only role the MCP server connects as).',
    );
  }
  return value;
}

async function loadSampleWorkspace(ownerUrl: string): Promise<void> {
  const owner = new PgClient({ connectionString: ownerUrl });
  await owner.connect();
  try {
    for (const file of readdirSync(SAMPLE_SQL_DIR).filter((name) => name.endsWith('.sql')).sort()) {
      await owner.query(readFileSync(path.join(SAMPLE_SQL_DIR, file), 'utf8'));
    }
  } finally {
    await owner.end();
  }
}

interface Harness {
  client: Client;
  close(): Promise<void>;
}

async function connect(options: PostgresMcpServerOptions): Promise<Harness> {
  const server = createPostgresMcpServer(options);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'postgres-mcp-spec', version: '0.0.0' });
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function structured<T>(result: CallToolResult): T {
  if (result.isError) throw new Error(`unexpected tool error: ${JSON.stringify(result.content)}`);
  // The text content and structuredContent carry the same object.
  const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
  expect(JSON.parse(text)).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

function errorOf(result: CallToolResult): { code: string; message: string } {
  expect(result.isError).toBe(true);
  return (result.structuredContent as { error: { code: string; message: string } }).error;
}

describe('Postgres MCP server', () => {
  let ownerUrl: string;
  let readerPool: Pool;
  let ownerPool: Pool;
  let sut: Harness;
  let tight: Harness;

  beforeAll(async () => {
    ownerUrl = requiredEnv('SAMPLE_DATABASE_URL');
    const readerUrl = requiredEnv('SAMPLE_READER_DATABASE_URL');
    await loadSampleWorkspace(ownerUrl);
    readerPool = new Pool({ connectionString: readerUrl, max: 4 });
    ownerPool = new Pool({ connectionString: ownerUrl, max: 2 });
    sut = await connect({ pool: readerPool, statementTimeoutMs: 5_000, maxRows: 200 });
    tight = await connect({ pool: readerPool, statementTimeoutMs: 200, maxRows: 10 });
  });

  afterAll(async () => {
    await sut?.close();
    await tight?.close();
    await readerPool?.end();
    await ownerPool?.end();
  });

  async function ownerCount(table: string): Promise<number> {
    const { rows } = await ownerPool.query<{ count: string }>(`SELECT count(*) FROM ${table}`);
    return Number(rows[0]?.count);
  }

  it('should offer the four tools, all marked read-only', async () => {
    const { tools } = await sut.client.listTools();

    expect(tools.map((tool) => tool.name).sort()).toEqual(['describe_table', 'execute_query', 'list_tables', 'search']);
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
    expect(tools.find((tool) => tool.name === 'execute_query')?.inputSchema.required).toEqual(['sql']);
  });

  describe('list_tables', () => {
    it('should list the sample tables with row estimates and comments', async () => {
      const result = structured<{ schema: string; tables: Array<{ name: string; row_estimate: number | null; comment: string | null }> }>(
        await call(sut.client, 'list_tables', {}),
      );

      expect(result.schema).toBe('public');
      expect(result.tables.map((table) => table.name)).toEqual(expect.arrayContaining(['customers', 'orders', 'support_tickets']));
      const customers = result.tables.find((table) => table.name === 'customers');
      expect(customers?.row_estimate).toBe(25);
      expect(customers?.comment).toMatch(/customer accounts/);
    });
  });

  describe('describe_table', () => {
    it('should show columns, primary key and the foreign key to customers', async () => {
      const table = structured<TableDescription>(await call(sut.client, 'describe_table', { table: 'support_tickets' }));

      expect(table.primary_key).toEqual(['id']);
      expect(table.foreign_keys).toEqual([
        expect.objectContaining({ columns: ['customer_id'], references: { schema: 'public', table: 'customers', columns: ['id'] } }),
      ]);
      expect(table.columns.find((column) => column.name === 'assignee')).toEqual(
        expect.objectContaining({ type: 'text', nullable: true }),
      );
      expect(table.columns.find((column) => column.name === 'id')?.default).toBe('generated by default as identity');
    });

    it('should list incoming foreign keys when the table is referenced', async () => {
      const table = structured<TableDescription>(await call(sut.client, 'describe_table', { table: 'public.customers' }));

      expect(table.referenced_by.map((fk) => fk.table).sort()).toEqual(['orders', 'support_tickets']);
    });

    it('should return unknown_table naming the readable tables when the table does not exist', async () => {
      const error = errorOf(await call(sut.client, 'describe_table', { table: 'invoices' }));

      expect(error.code).toBe('unknown_table');
      expect(error.message).toContain('customers, orders, support_tickets');
    });
  });

  describe('execute_query', () => {
    it('should return rows, column types and no truncation when the result is small', async () => {
      const result = structured<{ columns: Array<{ name: string; type: string }>; rows: Array<Record<string, unknown>>; row_count: number; truncated: boolean }>(
        await call(sut.client, 'execute_query', {
          sql: 'SELECT name, plan, arr_usd, created_at FROM customers WHERE plan = $1 ORDER BY arr_usd DESC',
          params: ['enterprise'],
        }),
      );

      expect(result.truncated).toBe(false);
      expect(result.row_count).toBe(result.rows.length);
      expect(result.rows[0]).toEqual({
        name: 'Wayne Financial',
        plan: 'enterprise',
        arr_usd: '520000.00',
        created_at: '2024-02-14T10:00:00.000Z',
      });
      expect(result.rows.map((row) => row['name'])).toContain('Acme Corp');
      expect(result.columns).toEqual([
        { name: 'name', type: 'text' },
        { name: 'plan', type: 'text' },
        { name: 'arr_usd', type: 'numeric' },
        { name: 'created_at', type: 'timestamp with time zone' },
      ]);
    });

    it.each([
      ['INSERT', "INSERT INTO customers (name, industry, plan, region, account_manager, arr_usd, created_at) VALUES ('Evil', 'x', 'starter', 'us-east', 'x', 0, now())"],
      ['DELETE', 'DELETE FROM orders'],
    ])('should refuse %s with a read-only error and change nothing', async (_verb, sql) => {
      const before = { customers: await ownerCount('customers'), orders: await ownerCount('orders') };

      const error = errorOf(await call(sut.client, 'execute_query', { sql }));

      expect(error.code).toBe('read_only_violation');
      expect(error.message).toMatch(/cannot execute (INSERT|DELETE) in a read-only transaction/);
      expect({ customers: await ownerCount('customers'), orders: await ownerCount('orders') }).toEqual(before);
    });

    it('should refuse writes even when the connected role is allowed to write', async () => {
      const ownerServer = await connect({ pool: ownerPool, statementTimeoutMs: 5_000, maxRows: 10 });
      try {
        const error = errorOf(await call(ownerServer.client, 'execute_query', { sql: "UPDATE orders SET status = 'paid'" }));

        expect(error.code).toBe('read_only_violation');
        const { rows } = await ownerPool.query<{ count: string }>("SELECT count(*) FROM orders WHERE status = 'refunded'");
        expect(Number(rows[0]?.count)).toBe(8);
      } finally {
        await ownerServer.close();
      }
    });

    it('should cancel the query with a statement_timeout error when it runs too long', async () => {
      const started = Date.now();

      const error = errorOf(await call(tight.client, 'execute_query', { sql: 'SELECT pg_sleep(5)' }));

      expect(error.code).toBe('statement_timeout');
      expect(error.message).toContain('200 ms');
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('should return maxRows rows and truncated when more rows exist', async () => {
      const result = structured<{ rows: Array<{ n: number }>; row_count: number; truncated: boolean }>(
        await call(tight.client, 'execute_query', { sql: 'SELECT generate_series(1, 1000) AS n' }),
      );

      expect(result.rows).toHaveLength(10);
      expect(result.row_count).toBe(10);
      expect(result.truncated).toBe(true);
      expect(result.rows.map((row) => row.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('should refuse several statements in one call', async () => {
      const error = errorOf(await call(sut.client, 'execute_query', { sql: 'select 1; select 2' }));

      expect(error.code).toBe('multiple_statements');
    });

    it('should report a syntax error as invalid_query and keep serving', async () => {
      const error = errorOf(await call(sut.client, 'execute_query', { sql: 'SELEC name FROM customers' }));

      expect(error.code).toBe('invalid_query');
      expect(error.message).toContain('syntax error');
      const next = structured<{ rows: unknown[] }>(await call(sut.client, 'execute_query', { sql: 'SELECT 1 AS ok' }));
      expect(next.rows).toEqual([{ ok: 1 }]);
    });

    it('should not leak session settings to the next call when a query changes them', async () => {
      await call(tight.client, 'execute_query', { sql: "SELECT set_config('statement_timeout', '0', false)" });
      await call(tight.client, 'execute_query', { sql: 'SELECT pg_advisory_lock(42)' });

      const { rows } = await ownerPool.query<{ count: string }>(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 42",
      );
      expect(Number(rows[0]?.count)).toBe(0);
      const error = errorOf(await call(tight.client, 'execute_query', { sql: 'SELECT pg_sleep(2)' }));
      expect(error.code).toBe('statement_timeout');
    });
  });

  describe('search', () => {
    it("should rank the open urgent tickets first and name each ticket's customer", async () => {
      const result = structured<SearchResult>(await call(sut.client, 'search', { query: 'open urgent tickets' }));

      expect(result.keywords).toEqual(['open', 'urgent', 'ticket']);
      const top = result.results.slice(0, 4);
      expect(top.every((hit) => hit.table === 'support_tickets' && hit.row['priority'] === 'urgent' && hit.row['status'] === 'open')).toBe(true);
      const acme = result.results.findIndex((hit) => hit.row['customer_name'] === 'Acme Corp' && hit.row['subject'] === 'Checkout failing with payment gateway timeout');
      expect(acme).toBeGreaterThanOrEqual(0);
      expect(acme).toBeLessThan(3);
      expect(result.results[acme]).toEqual(
        expect.objectContaining({ primary_key: { id: expect.any(Number) }, matched_keywords: ['open', 'urgent', 'ticket'], score: 3 }),
      );
    });

    it('should find refunded orders with their refund reasons', async () => {
      const result = structured<SearchResult>(await call(sut.client, 'search', { query: 'refund', tables: ['orders'] }));

      expect(result.tables_searched).toEqual(['orders']);
      const refunded = result.results.filter((hit) => hit.row['status'] === 'refunded');
      expect(refunded).toHaveLength(8);
      expect(refunded.every((hit) => String(hit.row['refund_reason']).includes('refund policy'))).toBe(true);
    });

    it("should find a customer's rows in every table by the customer's name", async () => {
      const result = structured<SearchResult>(
        await call(sut.client, 'search', { query: 'Acme Corp is reporting checkout errors. How do we handle a payment outage?' }),
      );

      expect(result.results[0]?.row).toEqual(
        expect.objectContaining({ customer_name: 'Acme Corp', subject: 'Checkout failing with payment gateway timeout' }),
      );
      expect(new Set(result.results.filter((hit) => hit.matched_keywords.includes('acme')).map((hit) => hit.table))).toEqual(
        new Set(['customers', 'orders', 'support_tickets']),
      );
    });

    it('should cap results at the limit and say so', async () => {
      const result = structured<SearchResult>(await call(sut.client, 'search', { query: 'paid orders', limit: 5 }));

      expect(result.results).toHaveLength(5);
      expect(result.truncated).toBe(true);
    });

    it('should return no rows when the query has only stopwords', async () => {
      const result = structured<SearchResult>(await call(sut.client, 'search', { query: 'what is it and why' }));

      expect(result.keywords).toEqual([]);
      expect(result.results).toEqual([]);
    });

    it('should return unknown_table when a requested table does not exist', async () => {
      const error = errorOf(await call(sut.client, 'search', { query: 'refund', tables: ['invoices'] }));

      expect(error.code).toBe('unknown_table');
    });
  });
});
