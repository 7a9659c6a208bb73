/**
 * The Postgres MCP server over stdio. Environment: POSTGRES_URL (required; use a role
 * that only holds SELECT), POSTGRES_STATEMENT_TIMEOUT_MS (default 5000), POSTGRES_MAX_ROWS
 * (default 200), LOG_LEVEL (default info). stdout carries MCP messages only; logs go to
 * stderr and never include the connection string.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { closeOrWarn, codeAndMessage, configOrExit, createStderrLogger, exitOnStdinCloseOrSignal, runStdioMain } from '../mcp/stdio-main';
import { Pool } from 'pg';
import { parsePostgresMcpConfig } from './postgres-mcp.config';
import { createPostgresMcpServer } from './postgres-mcp.server';

const POOL_SIZE = 4;

async function main(): Promise<void> {
  const { postgresUrl, statementTimeoutMs, maxRows, logLevel } = configOrExit(parsePostgresMcpConfig(process.env));
  const logger = createStderrLogger('postgres-mcp', logLevel);

  const pool = new Pool({
    connectionString: postgresUrl,
    max: POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'mosaic-postgres-mcp',
  });
  // An idle connection dropped by the server must not crash the process; the next call reconnects.
  pool.on('error', (error) => logger.warn({ error: codeAndMessage(error) }, 'idle Postgres connection failed'));

  const server = createPostgresMcpServer({ pool, statementTimeoutMs, maxRows });
  exitOnStdinCloseOrSignal(logger, async () => {
    await closeOrWarn(logger, 'MCP server', () => server.close(), codeAndMessage);
    await closeOrWarn(logger, 'Postgres pool', () => pool.end(), codeAndMessage);
  });

  await server.connect(new StdioServerTransport());
  logger.info({ statementTimeoutMs, maxRows, poolSize: POOL_SIZE }, 'Postgres MCP server ready on stdio');
}

runStdioMain('Postgres MCP server', main);
