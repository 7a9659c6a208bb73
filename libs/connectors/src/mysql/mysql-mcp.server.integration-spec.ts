import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createConnection, type Connection, type Pool, type RowDataPacket } from 'mysql2/promise';
import type { ToolCaller } from '../connector';
import type { TableDescription } from './mysql-catalog';
import { type MySqlConnection, parseMySqlUrl } from './mysql-mcp.config';
import { createMySqlMcpServer, type MySqlMcpServerOptions } from './mysql-mcp.server';
import { createMySqlPool } from './mysql-pool';
import type { SearchResult } from './mysql-search';
import { answerFromMySql, mysqlConnector } from './mysql.connector';

/**
 * Against the test profile's real MariaDB. The spec works in a database of its own
 * (mosaic_spec_<random>, dropped afterwards), created by the admin user; the server reads
 * it as the read-only user of MYSQL_URL, which may read every mosaic_* database.
 */

function requiredUrl(name: 'MYSQL_URL' | 'MYSQL_ADMIN_URL'): MySqlConnection {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. These tests need the test profile's MariaDB: run ` +
        '`bash scripts/infra.sh start --profile test && set -a && . .mosaic/infra/test/env && set +a`, ' +
        'which sets MYSQL_ADMIN_URL (user mosaic: creates the spec database and its tables) and ' +
        'MYSQL_URL (read-only user mosaic_reader, what the MCP server connects as).',
    );
  }
  const parsed = parseMySqlUrl(value);
  if (typeof parsed === 'string') throw new Error(`${name} ${parsed}`);
  return parsed;
}

const SEED = [
  "SET time_zone = '+00:00'",
  `CREATE TABLE customers (
     id INT AUTO_INCREMENT PRIMARY KEY,
     name VARCHAR(100) NOT NULL COMMENT 'Company name',
     plan ENUM('starter', 'pro', 'enterprise') NOT NULL DEFAULT 'starter',
     region VARCHAR(20) NOT NULL,
     arr_usd DECIMAL(12, 2) NOT NULL,
     created_at DATETIME NOT NULL
   ) COMMENT 'Paying customer accounts'`,
  `CREATE TABLE orders (
     id INT AUTO_INCREMENT PRIMARY KEY,
     order_number VARCHAR(20) NOT NULL UNIQUE,
     customer_id INT NOT NULL,
     status ENUM('paid', 'refunded', 'pending') NOT NULL,
     total_usd DECIMAL(10, 2) NOT NULL,
     refund_reason TEXT NULL,
     CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
   )`,
  `CREATE TABLE support_tickets (
     id INT AUTO_INCREMENT PRIMARY KEY,
     customer_id INT NOT NULL,
     subject VARCHAR(200) NOT NULL,
     status ENUM('open', 'closed') NOT NULL DEFAULT 'open',
     priority ENUM('low', 'normal', 'urgent') NOT NULL,
     assignee VARCHAR(100) NULL,
     opened_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
     CONSTRAINT tickets_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
   )`,
  `CREATE VIEW open_tickets AS SELECT id, subject, priority FROM support_tickets WHERE status = 'open'`,
  `INSERT INTO customers (id, name, plan, region, arr_usd, created_at) VALUES
     (1, 'Acme Corp', 'enterprise', 'us-east', 120000.00, '2024-01-10 09:00:00'),
     (2, 'Globex', 'pro', 'eu-west', 48000.50, '2024-02-01 12:00:00'),
     (3, 'Initech', 'starter', 'us-west', 5000.00, '2024-03-15 08:30:00'),
     (4, 'Umbrella Health', 'enterprise', 'eu-central', 250000.00, '2024-04-20 16:45:00'),
     (5, 'Wayne Financial', 'enterprise', 'us-east', 520000.00, '2024-02-14 10:00:00')`,
  `INSERT INTO orders (order_number, customer_id, status, total_usd, refund_reason) VALUES
     ('ORD-1001', 1, 'paid', 1200.00, NULL),
     ('ORD-1002', 1, 'refunded', 300.00, 'Duplicate charge, refunded under the refund policy'),
     ('ORD-1003', 2, 'paid', 800.00, NULL),
     ('ORD-1004', 3, 'refunded', 99.00, 'Cancelled within 30 days, refund policy applies'),
     ('ORD-1005', 4, 'paid', 15000.00, NULL),
     ('ORD-1006', 5, 'paid', 42000.00, NULL),
     ('ORD-1007', 5, 'pending', 500.00, NULL)`,
  `INSERT INTO support_tickets (customer_id, subject, status, priority, assignee, opened_at) VALUES
     (1, 'Checkout failing with payment gateway timeout', 'open', 'urgent', 'dana', '2024-05-02 09:30:00'),
     (2, 'Invoice PDF missing VAT number', 'open', 'normal', NULL, '2024-05-03 11:00:00'),
     (3, 'Password reset email not arriving', 'closed', 'low', 'sam', '2024-04-28 14:00:00'),
     (4, 'Data export times out for large reports', 'open', 'urgent', NULL, '2024-05-04 08:15:00'),
     (5, 'SSO login loop after certificate rotation', 'closed', 'urgent', 'dana', '2024-04-30 17:20:00')`,
  // A write hidden in a function: it passes the statement check, so only the read-only
  // transaction stands between it and the data.
  `CREATE FUNCTION touch_customers() RETURNS INT MODIFIES SQL DATA
     BEGIN
       UPDATE customers SET region = 'moved';
       RETURN 1;
     END`,
  'ANALYZE TABLE customers, orders, support_tickets',
];

interface Harness {
  client: Client;
  close(): Promise<void>;
}

describe('MySQL MCP server', () => {
  const database = `mosaic_spec_${randomBytes(6).toString('hex')}`;
  let reader: MySqlConnection;
  let admin: Connection;
  let readerPool: Pool;
  let adminPool: Pool;
  let sut: Harness;
  let tight: Harness;
  /** Every text the reader-connected servers returned, for the password check at the end. */
  const outputs: string[] = [];

  async function connect(options: MySqlMcpServerOptions): Promise<Harness> {
    const server = createMySqlMcpServer(options);
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'mysql-mcp-spec', version: '0.0.0' });
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

  async function call(harness: Harness, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const result = (await harness.client.callTool({ name, arguments: args })) as CallToolResult;
    outputs.push(JSON.stringify(result));
    return result;
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

  async function adminRows(sql: string): Promise<RowDataPacket[]> {
    const [rows] = await admin.query<RowDataPacket[]>(sql);
    return rows;
  }

  async function counts(): Promise<Record<string, unknown>> {
    const [row] = await adminRows(
      `SELECT (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM orders) AS orders,
              (SELECT COUNT(*) FROM customers WHERE region = 'moved') AS moved,
              (SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES
                WHERE TABLE_SCHEMA = DATABASE()) AS tables`,
    );
    return { ...row };
  }

  beforeAll(async () => {
    const adminUrl = requiredUrl('MYSQL_ADMIN_URL');
    reader = { ...requiredUrl('MYSQL_URL'), database };
    const bootstrap = await createConnection({ ...adminUrl, database: undefined });
    try {
      await bootstrap.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    } finally {
      await bootstrap.end();
    }
    admin = await createConnection({ ...adminUrl, database });
    for (const statement of SEED) await admin.query(statement);
    readerPool = createMySqlPool(reader);
    adminPool = createMySqlPool({ ...adminUrl, database }, 2);
    sut = await connect({ pool: readerPool, statementTimeoutMs: 5_000, maxRows: 200 });
    tight = await connect({ pool: readerPool, statementTimeoutMs: 200, maxRows: 10 });
  });

  afterAll(async () => {
    await sut?.close();
    await tight?.close();
    await readerPool?.end();
    await adminPool?.end();
    await admin?.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin?.end();
  });

  it('should offer the four tools, all marked read-only', async () => {
    const { tools } = await sut.client.listTools();

    expect(tools.map((tool) => tool.name).sort()).toEqual(['describe_table', 'execute_query', 'list_tables', 'search']);
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
    expect(tools.find((tool) => tool.name === 'execute_query')?.inputSchema.required).toEqual(['sql']);
  });

  describe('list_tables', () => {
    it("should list the database's tables and views with row estimates and comments", async () => {
      const result = structured<{ schema: string; tables: Array<{ name: string; kind: string; row_estimate: number | null; comment: string | null }> }>(
        await call(sut, 'list_tables', {}),
      );

      expect(result.schema).toBe(database);
      expect(result.tables.map((table) => [table.name, table.kind])).toEqual([
        ['customers', 'table'],
        ['open_tickets', 'view'],
        ['orders', 'table'],
        ['support_tickets', 'table'],
      ]);
      expect(result.tables[0]).toEqual({ name: 'customers', kind: 'table', row_estimate: 5, comment: 'Paying customer accounts' });
      expect(result.tables[1]).toEqual(expect.objectContaining({ row_estimate: null, comment: null }));
    });
  });

  describe('describe_table', () => {
    it('should show columns, primary key and the foreign key to customers', async () => {
      const table = structured<TableDescription>(await call(sut, 'describe_table', { table: 'support_tickets' }));

      expect(table.primary_key).toEqual(['id']);
      expect(table.foreign_keys).toEqual([
        { name: 'tickets_customer_fk', columns: ['customer_id'], references: { schema: database, table: 'customers', columns: ['id'] } },
      ]);
      expect(table.columns.find((column) => column.name === 'id')?.default).toBe('auto_increment');
      expect(table.columns.find((column) => column.name === 'status')).toEqual({
        name: 'status',
        type: "enum('open','closed')",
        nullable: false,
        default: "'open'",
        comment: null,
      });
      expect(table.columns.find((column) => column.name === 'assignee')).toEqual(
        expect.objectContaining({ type: 'varchar(100)', nullable: true, default: null }),
      );
    });

    it('should list incoming foreign keys when the table is referenced and the name is qualified', async () => {
      const table = structured<TableDescription>(await call(sut, 'describe_table', { table: `${database}.customers` }));

      expect(table.referenced_by.map((fk) => [fk.table, fk.columns, fk.referenced_columns])).toEqual([
        ['orders', ['customer_id'], ['id']],
        ['support_tickets', ['customer_id'], ['id']],
      ]);
      expect(table.columns.find((column) => column.name === 'name')?.comment).toBe('Company name');
    });

    it('should return unknown_table naming the readable tables when the table does not exist', async () => {
      const error = errorOf(await call(sut, 'describe_table', { table: 'invoices' }));

      expect(error.code).toBe('unknown_table');
      expect(error.message).toBe(
        `Table \`${database}\`.\`invoices\` does not exist or is not readable. ` +
          `Readable tables in \`${database}\`: customers, open_tickets, orders, support_tickets.`,
      );
    });
  });

  describe('execute_query', () => {
    it('should return rows, column types and no truncation when the result is small', async () => {
      const result = structured<{ columns: Array<{ name: string; type: string }>; rows: Array<Record<string, unknown>>; row_count: number; truncated: boolean }>(
        await call(sut, 'execute_query', {
          sql: 'SELECT name, plan, arr_usd, created_at, DATE(created_at) AS created_on FROM customers WHERE plan = ? ORDER BY arr_usd DESC',
          params: ['enterprise'],
        }),
      );

      expect(result.truncated).toBe(false);
      expect(result.row_count).toBe(3);
      expect(result.rows[0]).toEqual({
        name: 'Wayne Financial',
        plan: 'enterprise',
        arr_usd: '520000.00',
        created_at: '2024-02-14T10:00:00.000Z',
        created_on: '2024-02-14',
      });
      expect(result.rows.map((row) => row['name'])).toEqual(['Wayne Financial', 'Umbrella Health', 'Acme Corp']);
      expect(result.columns).toEqual([
        { name: 'name', type: 'varchar' },
        { name: 'plan', type: 'enum' },
        { name: 'arr_usd', type: 'decimal' },
        { name: 'created_at', type: 'datetime' },
        { name: 'created_on', type: 'date' },
      ]);
    });

    it.each([
      ['INSERT', "INSERT INTO customers (name, region, arr_usd, created_at) VALUES ('Evil', 'x', 0, NOW())"],
      ['UPDATE', "UPDATE orders SET status = 'paid'"],
      ['DELETE', 'DELETE FROM orders'],
      ['CREATE TABLE', 'CREATE TABLE evil (id INT)'],
      ['DROP TABLE', 'DROP TABLE orders'],
      ['TRUNCATE', 'TRUNCATE TABLE orders'],
      ['ALTER TABLE', 'ALTER TABLE customers ADD COLUMN evil INT'],
      ['SELECT ... FOR UPDATE', 'SELECT * FROM orders FOR UPDATE'],
      ['SELECT ... LOCK IN SHARE MODE', 'SELECT * FROM orders LOCK IN SHARE MODE'],
      ['SELECT ... INTO OUTFILE', "SELECT * FROM customers INTO OUTFILE 'evil.txt'"],
    ])('should refuse %s with read_only_violation and change nothing, even as a user who may write', async (_verb, sql) => {
      const before = await counts();
      const writer = await connect({ pool: adminPool, statementTimeoutMs: 5_000, maxRows: 10 });
      try {
        const error = errorOf(await call(writer, 'execute_query', { sql }));

        expect(error.code).toBe('read_only_violation');
        expect(error.message).toMatch(/^Refused: /);
        expect(await counts()).toEqual(before);
      } finally {
        await writer.close();
      }
    });

    it('should refuse a write hidden in a function through the read-only transaction when the statement looks like a read', async () => {
      const writer = await connect({ pool: adminPool, statementTimeoutMs: 5_000, maxRows: 10 });
      try {
        const error = errorOf(await call(writer, 'execute_query', { sql: 'SELECT touch_customers() AS touched' }));

        expect(error.code).toBe('read_only_violation');
        expect(error.message).toContain('READ ONLY transaction');
        expect((await counts())['moved']).toBe(0);
      } finally {
        await writer.close();
      }
    });

    it.each([
      ['a second write', 'SELECT 1; DROP TABLE orders'],
      ['a second read', 'SELECT 1; SELECT 2'],
    ])('should refuse several statements in one call when the SQL has %s', async (_what, sql) => {
      const error = errorOf(await call(sut, 'execute_query', { sql }));

      expect(error.code).toBe('multiple_statements');
      expect((await counts())['tables']).toBe('customers,open_tickets,orders,support_tickets');
    });

    it('should run a statement whose strings and comments look like writes', async () => {
      const result = structured<{ rows: unknown[] }>(
        await call(sut, 'execute_query', { sql: "SELECT 'DROP TABLE orders; --' AS s /* FOR UPDATE */ ;" }),
      );

      expect(result.rows).toEqual([{ s: 'DROP TABLE orders; --' }]);
    });

    it('should stop the query with a statement_timeout error when it runs too long', async () => {
      const started = Date.now();

      const error = errorOf(await call(tight, 'execute_query', { sql: 'SELECT SLEEP(5)' }));

      expect(error.code).toBe('statement_timeout');
      expect(error.message).toContain('200 ms');
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('should return maxRows rows and truncated, and keep the connection, when more rows exist', async () => {
      // One connection: the same session serves every call unless the cap had to abandon it.
      const pool = createMySqlPool(reader, 1);
      const single = await connect({ pool, statementTimeoutMs: 5_000, maxRows: 10 });
      const connectionId = async () =>
        structured<{ rows: Array<{ id: number }> }>(await call(single, 'execute_query', { sql: 'SELECT CONNECTION_ID() AS id' })).rows[0]?.id;
      try {
        const before = await connectionId();

        const result = structured<{ rows: Array<{ i: number }>; row_count: number; truncated: boolean }>(
          await call(single, 'execute_query', {
            sql: 'WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) SELECT i FROM n',
          }),
        );

        expect(result.rows.map((row) => row.i)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(result.row_count).toBe(10);
        expect(result.truncated).toBe(true);
        expect(await connectionId()).toBe(before);
      } finally {
        await single.close();
        await pool.end();
      }
    });

    it('should stop reading and return at once when an explicit LIMIT lets rows keep coming slowly', async () => {
      const capped = await connect({ pool: readerPool, statementTimeoutMs: 5_000, maxRows: 10 });
      // 8 kB rows leave the server's network buffer as they come; from row 31 on each takes a second.
      const sql =
        'WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) ' +
        "SELECT i, REPEAT('x', 8000) AS pad, IF(i > 30, SLEEP(1), 0) AS slow FROM n LIMIT 100000";
      try {
        const started = Date.now();

        const result = structured<{ rows: Array<{ i: number }>; truncated: boolean }>(await call(capped, 'execute_query', { sql }));

        expect(Date.now() - started).toBeLessThan(2_000);
        expect(result.rows.map((row) => row.i)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(result.truncated).toBe(true);
        // The pool is still usable afterwards.
        expect(structured<{ rows: unknown[] }>(await call(capped, 'execute_query', { sql: 'SELECT 1 AS ok' })).rows).toEqual([{ ok: 1 }]);
      } finally {
        await capped.close();
      }
    });

    it('should report a syntax error as invalid_query and keep serving', async () => {
      const error = errorOf(await call(sut, 'execute_query', { sql: 'SELECT name FORM customers' }));

      expect(error.code).toBe('invalid_query');
      expect(error.message).toContain('SQL syntax');
      const next = structured<{ rows: unknown[] }>(await call(sut, 'execute_query', { sql: 'SELECT 1 AS ok' }));
      expect(next.rows).toEqual([{ ok: 1 }]);
    });

    it('should not leak session state to the next call when a query takes a lock or sets a variable', async () => {
      // One connection, so the next call is sure to get the same session back.
      const pool = createMySqlPool(reader, 1);
      const single = await connect({ pool, statementTimeoutMs: 5_000, maxRows: 10 });
      try {
        structured(await call(single, 'execute_query', { sql: "SELECT GET_LOCK('mosaic_spec_lock', 0) AS locked, @leak := 42 AS leak" }));

        const [lock] = await adminRows("SELECT IS_USED_LOCK('mosaic_spec_lock') AS holder");
        expect(lock?.['holder']).toBeNull();
        const next = structured<{ rows: unknown[] }>(await call(single, 'execute_query', { sql: 'SELECT @leak AS leak' }));
        expect(next.rows).toEqual([{ leak: null }]);
      } finally {
        await single.close();
        await pool.end();
      }
    });
  });

  describe('search', () => {
    it("should rank the open urgent tickets first and name each ticket's customer", async () => {
      const result = structured<SearchResult>(await call(sut, 'search', { query: 'open urgent tickets' }));

      expect(result.keywords).toEqual(['open', 'urgent', 'ticket']);
      expect(result.tables_searched).toEqual(['customers', 'open_tickets', 'orders', 'support_tickets']);
      const tickets = result.results.filter((hit) => hit.table === 'support_tickets').slice(0, 2);
      expect(tickets.map((hit) => [hit.row['customer_name'], hit.matched_keywords, hit.score])).toEqual([
        ['Acme Corp', ['open', 'urgent'], 2],
        ['Umbrella Health', ['open', 'urgent'], 2],
      ]);
      expect(result.results[0]?.score).toBe(2);
      expect(tickets[0]?.primary_key).toEqual({ id: 1 });
    });

    it('should find refunded orders with their refund reasons', async () => {
      const result = structured<SearchResult>(await call(sut, 'search', { query: 'refund', tables: ['orders'] }));

      expect(result.tables_searched).toEqual(['orders']);
      expect(result.results.map((hit) => hit.row['order_number'])).toEqual(['ORD-1002', 'ORD-1004']);
      expect(result.results.every((hit) => hit.row['status'] === 'refunded' && String(hit.row['refund_reason']).includes('refund policy'))).toBe(true);
    });

    it("should find a customer's rows in every table by the customer's name", async () => {
      const result = structured<SearchResult>(await call(sut, 'search', { query: 'Acme Corp is reporting checkout errors' }));

      expect(result.results[0]?.row).toEqual(
        expect.objectContaining({ customer_name: 'Acme Corp', subject: 'Checkout failing with payment gateway timeout' }),
      );
      expect(new Set(result.results.filter((hit) => hit.matched_keywords.includes('acme')).map((hit) => hit.table))).toEqual(
        new Set(['customers', 'orders', 'support_tickets']),
      );
    });

    it('should cap results at the limit and say so', async () => {
      const result = structured<SearchResult>(await call(sut, 'search', { query: 'paid orders', limit: 2 }));

      expect(result.results).toHaveLength(2);
      expect(result.truncated).toBe(true);
    });

    it('should return no rows when the query has only stopwords', async () => {
      const result = structured<SearchResult>(await call(sut, 'search', { query: 'what is it and why' }));

      expect(result.keywords).toEqual([]);
      expect(result.results).toEqual([]);
    });

    it('should return unknown_table when a requested table does not exist', async () => {
      const error = errorOf(await call(sut, 'search', { query: 'refund', tables: ['invoices'] }));

      expect(error.code).toBe('unknown_table');
    });
  });

  describe('local strategy', () => {
    it('should answer from the database with rows cited as table:primary key', async () => {
      const caller: ToolCaller = async (tool, args) => {
        const result = await call(sut, tool, args);
        const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
        return { ok: !result.isError, text, structured: result.structuredContent };
      };

      const answer = await answerFromMySql('Which customers have open urgent tickets?', caller, database);

      expect(answer.items.slice(0, 2).map((item) => item.id).sort()).toEqual(['support_tickets:1', 'support_tickets:4']);
      expect(answer.items[0]?.content).toContain('priority: urgent');
    });
  });

  describe('the password', () => {
    it('should never appear in what the server returned to these tests', () => {
      expect(outputs.length).toBeGreaterThan(20);
      expect(outputs.filter((output) => output.includes(reader.password))).toEqual([]);
    });

    it('should not appear in the error when the password is wrong', async () => {
      const wrong = `wrong-${randomBytes(8).toString('hex')}`;
      const pool = createMySqlPool({ ...reader, password: wrong }, 1);
      const server = await connect({ pool, statementTimeoutMs: 1_000, maxRows: 10 });
      try {
        const result = await call(server, 'list_tables', {});

        expect(errorOf(result).code).toBe('permission_denied');
        expect(errorOf(result).message).toContain('Access denied');
        expect(JSON.stringify(result)).not.toContain(wrong);
      } finally {
        await server.close();
        await pool.end();
      }
    });

    it('should stay out of the stdio server\'s logs and answers when it is launched like the worker does', async () => {
      // The built server, spawned from the connector's own launch spec (needs `npm run build`).
      const url = `mysql://${reader.user}:${encodeURIComponent(reader.password)}@${reader.host}:${reader.port}/${database}`;
      const spec = mysqlConnector.launch({ url });
      if (spec.kind !== 'stdio') throw new Error('expected a stdio launch');
      const transport = new StdioClientTransport({
        command: spec.command,
        args: spec.args,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...spec.env, LOG_LEVEL: 'trace' },
        stderr: 'pipe',
      });
      const logs: string[] = [];
      transport.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
      const client = new Client({ name: 'mysql-mcp-spec-stdio', version: '0.0.0' });
      await client.connect(transport);
      try {
        const probe = (await client.callTool({ name: mysqlConnector.probe!.tool, arguments: mysqlConnector.probe!.args })) as CallToolResult;
        const refused = (await client.callTool({ name: 'execute_query', arguments: { sql: 'DROP TABLE orders' } })) as CallToolResult;

        expect(probe.isError).toBeFalsy();
        expect((probe.structuredContent as { schema: string }).schema).toBe(database);
        expect(errorOf(refused).code).toBe('read_only_violation');
        expect(logs.join('')).toContain('MySQL MCP server ready on stdio');
        expect(JSON.stringify([probe, refused, logs])).not.toContain(reader.password);
      } finally {
        await client.close();
      }
    });
  });
});
