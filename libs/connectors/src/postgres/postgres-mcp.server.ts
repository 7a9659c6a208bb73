import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Pool, PoolClient } from 'pg';
// zod/v4 (shipped inside zod 3.25) on purpose: with zod v3 shapes, every `.optional()` makes
// the SDK's registerTool types cost ~5M instantiations and tsc runs out of memory.
import { z } from 'zod/v4';
import { describeRelation, listRelations, unknownTableException } from './postgres-catalog';
import { searchTables } from './postgres-search';
import { PostgresToolErrorCode, PostgresToolException, toPostgresToolException } from './postgres-tool.exception';
import { queryCapped, withReadOnlyTransaction } from './read-only-transaction';

export interface PostgresMcpServerOptions {
  /** Connects as a role that should only hold SELECT; every call is read-only regardless. */
  pool: Pool;
  /** Per statement; a query running longer is cancelled and reported as `statement_timeout`. */
  statementTimeoutMs: number;
  /** Most rows `execute_query` returns, and the ceiling for `search`'s `limit`. */
  maxRows: number;
}

const DEFAULT_SCHEMA = 'public';
const DEFAULT_SEARCH_LIMIT = 20;

const identifier = z.string().min(1).max(128);
const schemaArg = identifier.optional().describe(`Schema name; defaults to "${DEFAULT_SCHEMA}".`);
const READ_ONLY_TOOL = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/**
 * An MCP server exposing one Postgres database read-only: table listing, table
 * descriptions, single SELECT-like statements and a keyword search across text columns.
 * Each call borrows a pool connection, runs in BEGIN READ ONLY with a statement timeout
 * and rolls back. Failures come back as tool errors (`isError: true`) carrying a code.
 */
export function createPostgresMcpServer(options: PostgresMcpServerOptions): McpServer {
  const { pool, statementTimeoutMs, maxRows } = options;
  const server = new McpServer({ name: 'mosaic-postgres', version: '0.1.0' });

  server.registerTool(
    'list_tables',
    {
      title: 'List tables',
      description:
        'Lists the tables and views of a schema that can be queried, with estimated row counts and comments.',
      inputSchema: { schema: schemaArg },
      annotations: READ_ONLY_TOOL,
    },
    ({ schema = DEFAULT_SCHEMA }) =>
      respond(statementTimeoutMs, async () => {
        const tables = await withReadOnlyTransaction(pool, { statementTimeoutMs }, (client) =>
          listRelations(client, schema),
        );
        return { schema, tables };
      }),
  );

  server.registerTool(
    'describe_table',
    {
      title: 'Describe a table',
      description:
        'Columns (name, type, nullable, default, comment), primary key, foreign keys and incoming foreign keys of one table. ' +
        'Accepts "table" or "schema.table".',
      inputSchema: { table: identifier.describe('Table name, optionally schema-qualified.'), schema: schemaArg },
      annotations: READ_ONLY_TOOL,
    },
    ({ table, schema }) =>
      respond(statementTimeoutMs, async () => {
        const target = qualifiedName(table, schema);
        return withReadOnlyTransaction(pool, { statementTimeoutMs }, async (client) => {
          const description = await describeRelation(client, target.schema, target.table);
          if (description) return description;
          const known = (await listRelations(client, target.schema)).map((relation) => relation.name);
          throw unknownTableException(target.schema, target.table, known);
        });
      }),
  );

  server.registerTool(
    'execute_query',
    {
      title: 'Run a read-only SQL query',
      description:
        `Runs exactly one SQL statement (PostgreSQL dialect) in a read-only transaction with a ${statementTimeoutMs} ms ` +
        `timeout and returns at most ${maxRows} rows; "truncated" is true when there were more. ` +
        'Use $1, $2, ... placeholders with "params" for values. Writes are refused.',
      inputSchema: {
        sql: z.string().min(1).max(100_000).describe('One SQL statement, e.g. SELECT ... WHERE id = $1'),
        params: z
          .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
          .max(100)
          .optional()
          .describe('Values for $1, $2, ... in order.'),
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ sql, params = [] }) =>
      respond(statementTimeoutMs, () =>
        withReadOnlyTransaction(pool, { statementTimeoutMs, discardSessionState: true }, async (client) => {
          const result = await queryCapped(client, sql, params, maxRows);
          const typeNames = await loadTypeNames(client, result.fields.map((field) => field.dataTypeID));
          return {
            columns: result.fields.map((field) => ({
              name: field.name,
              type: typeNames.get(field.dataTypeID) ?? String(field.dataTypeID),
            })),
            rows: result.rows,
            row_count: result.rows.length,
            truncated: result.truncated,
          };
        }),
      ),
  );

  server.registerTool(
    'search',
    {
      title: 'Keyword search across tables',
      description:
        'Finds rows whose text columns contain any keyword of the query (case-insensitive substring match, ' +
        'stopwords dropped, plurals stemmed), ranked by how many distinct keywords matched. Searches every ' +
        'readable table of the schema unless "tables" is given. For foreign keys to a table with a "name" ' +
        'column, that name is searched too and returned as <fk column without _id>_name (e.g. customer_name).',
      inputSchema: {
        query: z.string().min(1).max(2_000).describe('Keywords or a natural-language question.'),
        tables: z.array(identifier).max(100).optional().describe('Only search these tables of the schema.'),
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
    ({ query, tables, limit = DEFAULT_SEARCH_LIMIT, schema = DEFAULT_SCHEMA }) =>
      respond(statementTimeoutMs, () =>
        withReadOnlyTransaction(pool, { statementTimeoutMs }, (client) =>
          searchTables(client, { query, schema, tables, limit: Math.min(limit, maxRows) }),
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
    const failure = toPostgresToolException(error, statementTimeoutMs);
    return {
      isError: true,
      content: [{ type: 'text', text: failure.message }],
      structuredContent: { error: { code: failure.code, message: failure.message } },
    };
  }
}

function qualifiedName(table: string, schema: string | undefined): { schema: string; table: string } {
  if (schema === undefined && table.includes('.')) {
    const [first, ...rest] = table.split('.');
    if (first && rest.length) return { schema: first, table: rest.join('.') };
  }
  return { schema: schema ?? DEFAULT_SCHEMA, table };
}

async function loadTypeNames(client: PoolClient, oids: number[]): Promise<Map<number, string>> {
  if (oids.length === 0) return new Map();
  const { rows } = await client.query<{ oid: number; name: string }>(
    'SELECT oid::int AS oid, pg_catalog.format_type(oid, NULL) AS name FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])',
    [[...new Set(oids)]],
  );
  return new Map(rows.map((row) => [row.oid, row.name]));
}

/**
 * A plain JSON object, identical over stdio and in-memory transports: Dates become ISO
 * strings, bigints and bytea become strings, undefined disappears.
 */
function toJsonObject(value: object): Record<string, unknown> {
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, current: unknown) {
    const original = this[key];
    if (Buffer.isBuffer(original)) return `\\x${original.toString('hex')}`;
    if (typeof current === 'bigint') return current.toString();
    return current;
  });
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PostgresToolException(PostgresToolErrorCode.QueryFailed, 'Tool produced a result that is not an object.');
  }
  return parsed as Record<string, unknown>;
}
