import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
// zod/v4 (shipped inside zod 3.25) on purpose: with zod v3 shapes, every `.optional()` makes
// the SDK's registerTool types cost ~5M instantiations and tsc runs out of memory.
import { z } from 'zod/v4';
import type { SqlCatalogQueries } from './sql-catalog';
import { searchTables, type SqlSearchQueries } from './sql-search';
import { SqlToolErrorCode, SqlToolException } from './sql-tool.exception';

/** A value bound to a placeholder of `execute_query`. */
export type SqlToolParam = string | number | boolean | null;

/** What `execute_query` reads of a caller statement: at most `maxRows` rows, and whether there were more. */
export interface SqlCappedResult {
  columns: Array<{ name: string; type: string }>;
  rows: Record<string, unknown>[];
  truncated: boolean;
}

export interface SqlToolLimits {
  /** Per statement; a query running longer is stopped and reported as `statement_timeout`. */
  statementTimeoutMs: number;
  /** Most rows `execute_query` returns, and the ceiling for `search`'s `limit`. */
  maxRows: number;
}

/**
 * What one database brings to the shared SQL tools: its words, its catalog and search
 * queries, and how it keeps a call read-only. `S` is a connection inside a read-only
 * transaction.
 */
export interface SqlDialect<S> {
  /** What a schema is called to the caller: "schema" (Postgres) or "database" (MySQL). */
  schemaNoun: string;
  /** Description of every tool's optional `schema` argument, naming its default. */
  schemaArgDescription: string;
  /** Longest identifier the database accepts. */
  identifierMaxLength: number;
  /** Longest `table` of describe_table, when a qualified name may be longer than one identifier. */
  qualifiedTableMaxLength?: number;
  /** execute_query's description and the descriptions of its `sql` and `params`. */
  executeQueryText: (limits: SqlToolLimits) => { description: string; sql: string; params: string };
  /** How a binary value is written in results: `\x` (Postgres bytea) or `0x` (MySQL). */
  binaryPrefix: string;
  catalog: SqlCatalogQueries<S>;
  search: SqlSearchQueries<S>;
  /**
   * Runs `work` on a pooled connection in a read-only transaction with the statement timeout,
   * and rolls back; with `callerSql`, also clears session state the caller's SQL may leave.
   * Failures come out mapped by {@link toToolException}.
   */
  readOnly<T>(work: (session: S) => Promise<T>, options?: { callerSql?: boolean }): Promise<T>;
  /** The schema used when a call names none. */
  defaultSchema(session: S): Promise<string>;
  /** Refuses caller SQL before it reaches the database, when the transaction alone is not enough. */
  assertCallerSql?(sql: string): void;
  /** Runs one caller statement and reads at most `maxRows` rows, plus one to learn whether more existed. */
  queryCapped(session: S, sql: string, params: readonly SqlToolParam[], maxRows: number): Promise<SqlCappedResult>;
  /** Maps whatever the driver threw to a tool exception with a code and a message a caller can act on. */
  toToolException(error: unknown, statementTimeoutMs: number): SqlToolException;
}

const DEFAULT_SEARCH_LIMIT = 20;
const READ_ONLY_TOOL = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/**
 * Registers the tools every SQL connector offers, with the same contracts: `list_tables`,
 * `describe_table`, `execute_query` and `search`. Each call runs in the dialect's read-only
 * transaction; failures come back as tool errors (`isError: true`) carrying a code.
 */
export function registerSqlTools<S>(server: McpServer, dialect: SqlDialect<S>, limits: SqlToolLimits): void {
  const { statementTimeoutMs, maxRows } = limits;
  const noun = dialect.schemaNoun;
  const identifier = z.string().min(1).max(dialect.identifierMaxLength);
  const schemaArg = identifier.optional().describe(dialect.schemaArgDescription);
  const tableArg = dialect.qualifiedTableMaxLength === undefined ? identifier : identifier.max(dialect.qualifiedTableMaxLength);
  const respond = (body: () => Promise<object>) =>
    toolResult(body, (error) => dialect.toToolException(error, statementTimeoutMs), dialect.binaryPrefix);
  const schemaOrDefault = async (session: S, schema: string | undefined) => schema ?? (await dialect.defaultSchema(session));

  server.registerTool(
    'list_tables',
    {
      title: 'List tables',
      description: `Lists the tables and views of a ${noun} that can be queried, with estimated row counts and comments.`,
      inputSchema: { schema: schemaArg },
      annotations: READ_ONLY_TOOL,
    },
    ({ schema }) =>
      respond(() =>
        dialect.readOnly(async (session) => {
          const target = await schemaOrDefault(session, schema);
          return { schema: target, tables: await dialect.catalog.listRelations(session, target) };
        }),
      ),
  );

  server.registerTool(
    'describe_table',
    {
      title: 'Describe a table',
      description:
        'Columns (name, type, nullable, default, comment), primary key, foreign keys and incoming foreign keys of one table. ' +
        `Accepts "table" or "${noun}.table".`,
      inputSchema: { table: tableArg.describe(`Table name, optionally ${noun}-qualified.`), schema: schemaArg },
      annotations: READ_ONLY_TOOL,
    },
    ({ table, schema }) =>
      respond(() =>
        dialect.readOnly(async (session) => {
          const target = splitQualifiedName(table, schema) ?? { schema: await schemaOrDefault(session, schema), table };
          const description = await dialect.catalog.describeRelation(session, target.schema, target.table);
          if (description) return description;
          const known = (await dialect.catalog.listRelations(session, target.schema)).map((relation) => relation.name);
          throw dialect.catalog.unknownTable(target.schema, target.table, known);
        }),
      ),
  );

  const executeQueryText = dialect.executeQueryText(limits);
  server.registerTool(
    'execute_query',
    {
      title: 'Run a read-only SQL query',
      description: executeQueryText.description,
      inputSchema: {
        sql: z.string().min(1).max(100_000).describe(executeQueryText.sql),
        params: z
          .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
          .max(100)
          .optional()
          .describe(executeQueryText.params),
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ sql, params = [] }) =>
      respond(() => {
        dialect.assertCallerSql?.(sql);
        return dialect.readOnly(
          async (session) => {
            const result = await dialect.queryCapped(session, sql, params, maxRows);
            return { columns: result.columns, rows: result.rows, row_count: result.rows.length, truncated: result.truncated };
          },
          { callerSql: true },
        );
      }),
  );

  server.registerTool(
    'search',
    {
      title: 'Keyword search across tables',
      description:
        'Finds rows whose text columns contain any keyword of the query (case-insensitive substring match, ' +
        'stopwords dropped, plurals stemmed), ranked by how many distinct keywords matched. Searches every ' +
        `readable table of the ${noun} unless "tables" is given. For foreign keys to a table with a "name" ` +
        'column, that name is searched too and returned as <fk column without _id>_name (e.g. customer_name).',
      inputSchema: {
        query: z.string().min(1).max(2_000).describe('Keywords or a natural-language question.'),
        tables: z.array(identifier).max(100).optional().describe(`Only search these tables of the ${noun}.`),
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
      respond(() =>
        dialect.readOnly(async (session) =>
          searchTables(
            session,
            { query, schema: await schemaOrDefault(session, schema), tables, limit: Math.min(limit, maxRows) },
            dialect.catalog,
            dialect.search,
          ),
        ),
      ),
  );
}

/** "schema.table" taken apart when no schema is given separately; undefined otherwise. */
export function splitQualifiedName(table: string, schema: string | undefined): { schema: string; table: string } | undefined {
  if (schema === undefined && table.includes('.')) {
    const [first, ...rest] = table.split('.');
    if (first && rest.length) return { schema: first, table: rest.join('.') };
  }
  if (schema !== undefined) return { schema, table };
  return undefined;
}

/** Runs a tool body and turns its value, or its failure (mapped by `toException`), into a CallToolResult. */
export async function toolResult(
  body: () => Promise<object>,
  toException: (error: unknown) => SqlToolException,
  binaryPrefix: string,
): Promise<CallToolResult> {
  try {
    const structured = toJsonObject(await body(), binaryPrefix);
    return { content: [{ type: 'text', text: JSON.stringify(structured, null, 2) }], structuredContent: structured };
  } catch (error) {
    const failure = toException(error);
    return {
      isError: true,
      content: [{ type: 'text', text: failure.message }],
      structuredContent: { error: { code: failure.code, message: failure.message } },
    };
  }
}

/**
 * A plain JSON object, identical over stdio and in-memory transports: Dates become ISO
 * strings, bigints become strings, binary values prefixed hex, undefined disappears.
 */
export function toJsonObject(value: object, binaryPrefix: string): Record<string, unknown> {
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, current: unknown) {
    const original = this[key];
    if (Buffer.isBuffer(original)) return `${binaryPrefix}${original.toString('hex')}`;
    if (typeof current === 'bigint') return current.toString();
    return current;
  });
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SqlToolException(SqlToolErrorCode.QueryFailed, 'Tool produced a result that is not an object.');
  }
  return parsed as Record<string, unknown>;
}
