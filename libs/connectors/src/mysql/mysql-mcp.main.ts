/**
 * The MySQL / MariaDB MCP server over stdio. Environment: MYSQL_URL (required,
 * mysql://user:password@host:port/database; use a user that only holds SELECT),
 * MYSQL_STATEMENT_TIMEOUT_MS (default 5000), MYSQL_MAX_ROWS (default 200), LOG_LEVEL
 * (default info). stdout carries MCP messages only; logs go to stderr and never include
 * the connection URL or the password.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { parseMySqlMcpConfig } from './mysql-mcp.config';
import { createMySqlMcpServer } from './mysql-mcp.server';
import { createMySqlPool, POOL_SIZE } from './mysql-pool';

async function main(): Promise<void> {
  const parsed = parseMySqlMcpConfig(process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  const { connection, statementTimeoutMs, maxRows, logLevel } = parsed.config;
  // pino straight to fd 2, not @mosaic/observability: see postgres-mcp.main.ts (tsc
  // instantiation depth with the MCP SDK's tool types).
  const logger = pino(
    {
      name: 'mysql-mcp',
      level: logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Synchronous: the few lines this server writes must not be lost on process.exit.
    pino.destination({ fd: 2, sync: true }),
  );

  const pool = createMySqlPool(connection);
  // An idle connection dropped by the server removes itself from the pool (mysql2's
  // PoolConnection handles its 'error'); the next call opens a new one.

  const server = createMySqlMcpServer({ pool, statementTimeoutMs, maxRows });

  let closing = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await server.close().catch((error: unknown) => logger.warn({ error: describeError(error) }, 'closing MCP server failed'));
    await pool.end().catch((error: unknown) => logger.warn({ error: describeError(error) }, 'closing MySQL pool failed'));
    process.exit(0);
  };
  process.stdin.on('end', () => void shutdown('stdin closed'));
  process.stdin.on('close', () => void shutdown('stdin closed'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await server.connect(new StdioServerTransport());
  logger.info({ statementTimeoutMs, maxRows, poolSize: POOL_SIZE }, 'MySQL MCP server ready on stdio');
}

/** Code and message only: a mysql2 error object carries the SQL text and connection details. */
function describeError(error: unknown): { code?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : undefined, message: error.message };
  }
  return { message: String(error) };
}

main().catch((error: unknown) => {
  process.stderr.write(`MySQL MCP server failed to start: ${describeError(error).message}\n`);
  process.exit(1);
});
