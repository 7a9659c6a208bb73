import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Pool, PoolClient } from 'pg';
import { registerSqlTools, type SqlDialect } from '../sql/sql-mcp-tools';
import { postgresCatalogQueries } from './postgres-catalog';
import { postgresSearchQueries } from './postgres-search';
import { toPostgresToolException } from './postgres-tool.exception';
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

/**
 * An MCP server exposing one Postgres database read-only: table listing, table
 * descriptions, single SELECT-like statements and a keyword search across text columns.
 * Each call borrows a pool connection, runs in BEGIN READ ONLY with a statement timeout
 * and rolls back. Failures come back as tool errors (`isError: true`) carrying a code.
 */
export function createPostgresMcpServer(options: PostgresMcpServerOptions): McpServer {
  const { pool, statementTimeoutMs, maxRows } = options;
  const server = new McpServer({ name: 'mosaic-postgres', version: '0.1.0' });
  registerSqlTools(server, postgresDialect(pool, statementTimeoutMs), { statementTimeoutMs, maxRows });
  return server;
}

function postgresDialect(pool: Pool, statementTimeoutMs: number): SqlDialect<PoolClient> {
  return {
    schemaNoun: 'schema',
    schemaArgDescription: `Schema name; defaults to "${DEFAULT_SCHEMA}".`,
    identifierMaxLength: 128,
    executeQueryText: (limits) => ({
      description:
        `Runs exactly one SQL statement (PostgreSQL dialect) in a read-only transaction with a ${limits.statementTimeoutMs} ms ` +
        `timeout and returns at most ${limits.maxRows} rows; "truncated" is true when there were more. ` +
        'Use $1, $2, ... placeholders with "params" for values. Writes are refused.',
      sql: 'One SQL statement, e.g. SELECT ... WHERE id = $1',
      params: 'Values for $1, $2, ... in order.',
    }),
    binaryPrefix: '\\x',
    catalog: postgresCatalogQueries,
    search: postgresSearchQueries,
    readOnly: (work, { callerSql = false } = {}) =>
      withReadOnlyTransaction(pool, { statementTimeoutMs, discardSessionState: callerSql }, work),
    defaultSchema: () => Promise.resolve(DEFAULT_SCHEMA),
    queryCapped: async (client, sql, params, maxRows) => {
      const result = await queryCapped(client, sql, params, maxRows);
      const typeNames = await loadTypeNames(client, result.fields.map((field) => field.dataTypeID));
      return {
        columns: result.fields.map((field) => ({
          name: field.name,
          type: typeNames.get(field.dataTypeID) ?? String(field.dataTypeID),
        })),
        rows: result.rows,
        truncated: result.truncated,
      };
    },
    toToolException: toPostgresToolException,
  };
}

async function loadTypeNames(client: PoolClient, oids: number[]): Promise<Map<number, string>> {
  if (oids.length === 0) return new Map();
  const { rows } = await client.query<{ oid: number; name: string }>(
    'SELECT oid::int AS oid, pg_catalog.format_type(oid, NULL) AS name FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])',
    [[...new Set(oids)]],
  );
  return new Map(rows.map((row) => [row.oid, row.name]));
}
