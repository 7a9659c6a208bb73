import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FieldPacket, Pool, RowDataPacket } from 'mysql2/promise';
// zod/v4 (shipped inside zod 3.25) on purpose: with zod v3 shapes, every `.optional()` makes
// the SDK's registerTool types cost ~5M instantiations and tsc runs out of memory.
import { z } from 'zod/v4';
import { describeRelation, listRelations, unknownTableException } from './mysql-catalog';
import { searchTables } from './mysql-search';
import { MySqlToolErrorCode, MySqlToolException, toMySqlToolException } from './mysql-tool.exception';
import {
  detectDialect,
  queryCapped,
  type ReadOnlySession,
  type SqlDialect,
  withReadOnlyTransaction,
} from './read-only-transaction';
import { assertReadOnlyStatement } from './statement-guard';

export interface MySqlMcpServerOptions {
  /**
   * Connects as a user that should only hold SELECT; every call is read-only regardless. The
   * pool's database is the default schema. Created with multipleStatements off (the default).
   */
  pool: Pool;
  /** Per statement; a query running longer is stopped and reported as `statement_timeout`. */
  statementTimeoutMs: number;
  /** Most rows `execute_query` returns, and the ceiling for `search`'s `limit`. */
  maxRows: number;
}

const DEFAULT_SEARCH_LIMIT = 20;

const identifier = z.string().min(1).max(64);
const schemaArg = identifier.optional().describe('Database (schema) name; defaults to the database of the connection URL.');
const READ_ONLY_TOOL = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/**
 * An MCP server exposing one MySQL or MariaDB database read-only: table listing, table
 * descriptions, single read statements and a keyword search across text columns. Each call
 * borrows a pool connection, runs in START TRANSACTION READ ONLY with a statement timeout and
 * rolls back; caller SQL must also pass the read-statement allow-list (statement-guard.ts),
 * because DDL would commit the transaction implicitly. Failures come back as tool errors
 * (`isError: true`) carrying a code.
 */
export function createMySqlMcpServer(options: MySqlMcpServerOptions): McpServer {
  const { pool, statementTimeoutMs, maxRows } = options;
  const server = new McpServer({ name: 'mosaic-mysql', version: '0.1.0' });

  let dialect: Promise<SqlDialect> | undefined;
  /** Runs `work` read-only; the dialect is asked once, and again after a failed attempt. */
  const readOnly = async <T>(work: (session: ReadOnlySession, dialect: SqlDialect) => Promise<T>, resetSession = false) => {
    dialect ??= detectDialect(pool).catch((error: unknown) => {
      dialect = undefined;
      throw error;
    });
    const known = await dialect;
    return withReadOnlyTransaction(pool, { statementTimeoutMs, dialect: known, resetSession }, (session) =>
      work(session, known),
    );
  };

  server.registerTool(
    'list_tables',
    {
      title: 'List tables',
      description: 'Lists the tables and views of a database that can be queried, with estimated row counts and comments.',
      inputSchema: { schema: schemaArg },
      annotations: READ_ONLY_TOOL,
    },
    ({ schema }) =>
      respond(statementTimeoutMs, () =>
        readOnly(async (session) => {
          const target = schema ?? (await currentDatabase(session));
          return { schema: target, tables: await listRelations(session, target) };
        }),
      ),
  );

  server.registerTool(
    'describe_table',
    {
      title: 'Describe a table',
      description:
        'Columns (name, type, nullable, default, comment), primary key, foreign keys and incoming foreign keys of one table. ' +
        'Accepts "table" or "database.table".',
      inputSchema: { table: identifier.max(129).describe('Table name, optionally database-qualified.'), schema: schemaArg },
      annotations: READ_ONLY_TOOL,
    },
    ({ table, schema }) =>
      respond(statementTimeoutMs, () =>
        readOnly(async (session, known) => {
          const target = await qualifiedName(session, table, schema);
          const description = await describeRelation(session, known, target.schema, target.table);
          if (description) return description;
          const tables = (await listRelations(session, target.schema)).map((relation) => relation.name);
          throw unknownTableException(target.schema, target.table, tables);
        }),
      ),
  );

  server.registerTool(
    'execute_query',
    {
      title: 'Run a read-only SQL query',
      description:
        `Runs exactly one read statement (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN; MySQL/MariaDB dialect, backquoted identifiers) ` +
        `in a read-only transaction with a ${statementTimeoutMs} ms timeout and returns at most ${maxRows} rows; ` +
        '"truncated" is true when there were more. Use ? placeholders with "params" for values. ' +
        'Writes, DDL, locking reads (FOR UPDATE) and SELECT ... INTO are refused.',
      inputSchema: {
        sql: z.string().min(1).max(100_000).describe('One SQL statement, e.g. SELECT ... WHERE id = ?'),
        params: z
          .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
          .max(100)
          .optional()
          .describe('Values for the ? placeholders, in order.'),
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ sql, params = [] }) =>
      respond(statementTimeoutMs, () => {
        assertReadOnlyStatement(sql);
        return readOnly(async (session) => {
          const result = await queryCapped(session, pool, sql, params, maxRows);
          return {
            columns: result.fields.map((field) => ({ name: field.name, type: typeName(field) })),
            rows: result.rows,
            row_count: result.rows.length,
            truncated: result.truncated,
          };
        }, true);
      }),
  );

  server.registerTool(
    'search',
    {
      title: 'Keyword search across tables',
      description:
        'Finds rows whose text columns contain any keyword of the query (case-insensitive substring match, ' +
        'stopwords dropped, plurals stemmed), ranked by how many distinct keywords matched. Searches every ' +
        'readable table of the database unless "tables" is given. For foreign keys to a table with a "name" ' +
        'column, that name is searched too and returned as <fk column without _id>_name (e.g. customer_name).',
      inputSchema: {
        query: z.string().min(1).max(2_000).describe('Keywords or a natural-language question.'),
        tables: z.array(identifier).max(100).optional().describe('Only search these tables of the database.'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .optional()
          .describe(`Most rows to return (default ${DEFAULT_SEARCH_LIMIT}, capped at ${maxRows}).`),
        schema: schemaArg,
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ query, tables, limit = DEFAULT_SEARCH_LIMIT, schema }) =>
      respond(statementTimeoutMs, () =>
        readOnly(async (session) =>
          searchTables(session, {
            query,
            schema: schema ?? (await currentDatabase(session)),
            tables,
            limit: Math.min(limit, maxRows),
          }),
        ),
      ),
  );

  return server;
}

/** Runs a tool body and turns its value, or its failure, into a CallToolResult. */
async function respond(statementTimeoutMs: number, body: () => Promise<object>): Promise<CallToolResult> {
  try {
    const structured = toJsonObject(await body());
    return { content: [{ type: 'text', text: JSON.stringify(structured, null, 2) }], structuredContent: structured };
  } catch (error) {
    const failure = toMySqlToolException(error, statementTimeoutMs);
    return {
      isError: true,
      content: [{ type: 'text', text: failure.message }],
      structuredContent: { error: { code: failure.code, message: failure.message } },
    };
  }
}

/** The connection's default database (from the URL). */
async function currentDatabase(session: ReadOnlySession): Promise<string> {
  const [row] = await session.select<RowDataPacket>('SELECT DATABASE() AS name');
  const name = row?.['name'];
  if (typeof name !== 'string' || !name) {
    throw new MySqlToolException(
      MySqlToolErrorCode.InvalidQuery,
      'The connection has no default database; pass "schema" (a database name).',
    );
  }
  return name;
}

async function qualifiedName(
  session: ReadOnlySession,
  table: string,
  schema: string | undefined,
): Promise<{ schema: string; table: string }> {
  if (schema === undefined && table.includes('.')) {
    const [first, ...rest] = table.split('.');
    if (first && rest.length) return { schema: first, table: rest.join('.') };
  }
  return { schema: schema ?? (await currentDatabase(session)), table };
}

/** Column type codes of the client/server protocol (include/mysql_com.h, enum_field_types). */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'decimal', 1: 'tinyint', 2: 'smallint', 3: 'int', 4: 'float', 5: 'double', 6: 'null', 7: 'timestamp',
  8: 'bigint', 9: 'mediumint', 10: 'date', 11: 'time', 12: 'datetime', 13: 'year', 14: 'date', 15: 'varchar',
  16: 'bit', 245: 'json', 246: 'decimal', 247: 'enum', 248: 'set', 249: 'tinyblob', 250: 'mediumblob',
  251: 'longblob', 252: 'blob', 253: 'varchar', 254: 'char', 255: 'geometry',
};
const BINARY_CHARSET = 63;
const FLAG_UNSIGNED = 32;
const FLAG_ENUM = 256;
const FLAG_SET = 2048;

/** A readable SQL type name for a result column (the protocol only carries a code, flags and charset). */
function typeName(field: FieldPacket): string {
  const code = field.columnType ?? field.type ?? -1;
  const flags = typeof field.flags === 'number' ? field.flags : 0;
  if (flags & FLAG_ENUM) return 'enum';
  if (flags & FLAG_SET) return 'set';
  let name = TYPE_NAMES[code] ?? `type ${code}`;
  const binary = field.characterSet === BINARY_CHARSET;
  if (binary && (name === 'varchar' || name === 'char')) name = name === 'varchar' ? 'varbinary' : 'binary';
  if (!binary && name.endsWith('blob')) name = name.replace('blob', 'text');
  if (flags & FLAG_UNSIGNED && /int|decimal|float|double/.test(name)) name += ' unsigned';
  return name;
}

/**
 * A plain JSON object, identical over stdio and in-memory transports: Dates become ISO
 * strings, bigints become strings, binary values 0x-prefixed hex, undefined disappears.
 */
function toJsonObject(value: object): Record<string, unknown> {
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, current: unknown) {
    const original = this[key];
    if (Buffer.isBuffer(original)) return `0x${original.toString('hex')}`;
    if (typeof current === 'bigint') return current.toString();
    return current;
  });
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MySqlToolException(MySqlToolErrorCode.QueryFailed, 'Tool produced a result that is not an object.');
  }
  return parsed as Record<string, unknown>;
}
