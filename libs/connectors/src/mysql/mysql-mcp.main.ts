/**
 * The MySQL / MariaDB MCP server over stdio. Environment: MYSQL_URL (required,
 * mysql://user:password@host:port/database; use a user that only holds SELECT),
 * MYSQL_STATEMENT_TIMEOUT_MS (default 5000), MYSQL_MAX_ROWS (default 200), LOG_LEVEL
 * (default info). stdout carries MCP messages only; logs go to stderr and never include
 * the connection URL or the password.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { closeOrWarn, codeAndMessage, configOrExit, createStderrLogger, exitOnStdinCloseOrSignal, runStdioMain } from '../mcp/stdio-main';
import { parseMySqlMcpConfig } from './mysql-mcp.config';
import { createMySqlMcpServer } from './mysql-mcp.server';
import { createMySqlPool, POOL_SIZE } from './mysql-pool';

async function main(): Promise<void> {
  const { connection, statementTimeoutMs, maxRows, logLevel } = configOrExit(parseMySqlMcpConfig(process.env));
  const logger = createStderrLogger('mysql-mcp', logLevel);

  // An idle connection dropped by the server removes itself from the pool (mysql2's
  // PoolConnection handles its 'error'); the next call opens a new one.
  const pool = createMySqlPool(connection);

  const server = createMySqlMcpServer({ pool, statementTimeoutMs, maxRows });
  exitOnStdinCloseOrSignal(logger, async () => {
    await closeOrWarn(logger, 'MCP server', () => server.close(), codeAndMessage);
    await closeOrWarn(logger, 'MySQL pool', () => pool.end(), codeAndMessage);
  });

  await server.connect(new StdioServerTransport());
  logger.info({ statementTimeoutMs, maxRows, poolSize: POOL_SIZE }, 'MySQL MCP server ready on stdio');
}

runStdioMain('MySQL MCP server', main);
