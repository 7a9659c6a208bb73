import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { FieldPacket, Pool, RowDataPacket } from 'mysql2/promise';
import { registerSqlTools, type SqlDialect } from '../sql/sql-mcp-tools';
import { mysqlCatalogQueries } from './mysql-catalog';
import { mysqlSearchQueries } from './mysql-search';
import { MySqlToolErrorCode, MySqlToolException, toMySqlToolException } from './mysql-tool.exception';
import { detectFlavor, type MySqlFlavor, queryCapped, type ReadOnlySession, withReadOnlyTransaction } from './read-only-transaction';
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
  registerSqlTools(server, mysqlDialect(pool, statementTimeoutMs), { statementTimeoutMs, maxRows });
  return server;
}

function mysqlDialect(pool: Pool, statementTimeoutMs: number): SqlDialect<ReadOnlySession> {
  let flavor: Promise<MySqlFlavor> | undefined;
  return {
    schemaNoun: 'database',
    schemaArgDescription: 'Database (schema) name; defaults to the database of the connection URL.',
    identifierMaxLength: 64,
    // database.table
    qualifiedTableMaxLength: 129,
    executeQueryText: (limits) => ({
      description:
        `Runs exactly one read statement (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN; MySQL/MariaDB dialect, backquoted identifiers) ` +
        `in a read-only transaction with a ${limits.statementTimeoutMs} ms timeout and returns at most ${limits.maxRows} rows; ` +
        '"truncated" is true when there were more. Use ? placeholders with "params" for values. ' +
        'Writes, DDL, locking reads (FOR UPDATE) and SELECT ... INTO are refused.',
      sql: 'One SQL statement, e.g. SELECT ... WHERE id = ?',
      params: 'Values for the ? placeholders, in order.',
    }),
    binaryPrefix: '0x',
    catalog: mysqlCatalogQueries,
    search: mysqlSearchQueries,
    /** The server flavor is asked once, and again after a failed attempt. */
    readOnly: async (work, { callerSql = false } = {}) => {
      flavor ??= detectFlavor(pool).catch((error: unknown) => {
        flavor = undefined;
        throw error;
      });
      const known = await flavor;
      return withReadOnlyTransaction(pool, { statementTimeoutMs, flavor: known, resetSession: callerSql }, work);
    },
    defaultSchema: currentDatabase,
    assertCallerSql: assertReadOnlyStatement,
    queryCapped: async (session, sql, params, maxRows) => {
      const result = await queryCapped(session, pool, sql, params, maxRows);
      return {
        columns: result.fields.map((field) => ({ name: field.name, type: typeName(field) })),
        rows: result.rows,
        truncated: result.truncated,
      };
    },
    toToolException: toMySqlToolException,
  };
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
