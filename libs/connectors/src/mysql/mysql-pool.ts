import { createPool, type Pool } from 'mysql2/promise';
import type { MySqlConnection } from './mysql-mcp.config';

export const POOL_SIZE = 4;
/** Prepared statements kept per connection (mysql2 closes the least recently used). */
const MAX_PREPARED_STATEMENTS = 64;

/** The pool the MySQL MCP server works with (main and the integration spec alike). */
export function createMySqlPool(connection: MySqlConnection, size = POOL_SIZE): Pool {
  return createPool({
    host: connection.host,
    port: connection.port,
    user: connection.user,
    password: connection.password,
    database: connection.database,
    // One statement per call: the server refuses "a; b" as a syntax error, besides our own check.
    multipleStatements: false,
    connectionLimit: size,
    maxIdle: size,
    idleTimeout: 30_000,
    connectTimeout: 10_000,
    enableKeepAlive: true,
    maxPreparedStatements: MAX_PREPARED_STATEMENTS,
    charset: 'utf8mb4_unicode_ci',
    // Sessions run with time_zone '+00:00' (read-only-transaction.ts); read DATETIME as UTC too.
    // A DATE is a calendar day, not an instant: it stays 'YYYY-MM-DD'.
    timezone: 'Z',
    dateStrings: ['DATE'],
    // BIGINT beyond 2^53 comes back as a string instead of losing digits; DECIMAL stays a string.
    supportBigNumbers: true,
    connectAttributes: { program_name: 'mosaic-mysql-mcp' },
  });
}
