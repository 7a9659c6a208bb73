/**
 * The Postgres MCP server over stdio. Environment: POSTGRES_URL (required; use a role
 * that only holds SELECT), POSTGRES_STATEMENT_TIMEOUT_MS (default 5000), POSTGRES_MAX_ROWS
 * (default 200), LOG_LEVEL (default info). stdout carries MCP messages only; logs go to
 * stderr and never include the connection string.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { Pool } from 'pg';
import pino from 'pino';
import { parsePostgresMcpConfig } from './postgres-mcp.config';
import { createPostgresMcpServer } from './postgres-mcp.server';

const POOL_SIZE = 4;

async function main(): Promise<void> {
  const parsed = parsePostgresMcpConfig(process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  const { postgresUrl, statementTimeoutMs, maxRows, logLevel } = parsed.config;
  // pino straight to fd 2, not @mosaic/observability: a stdio server needs no tracing, and pulling
  // the OpenTelemetry types into this lib's program tips the MCP SDK's zod-v3 tool types
  // (echo-mcp.main.ts) over tsc's instantiation-depth limit.
  const logger = pino(
    {
      name: 'postgres-mcp',
      level: logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Synchronous: the few lines this server writes must not be lost on process.exit.
    pino.destination({ fd: 2, sync: true }),
  );

  const pool = new Pool({
    connectionString: postgresUrl,
    max: POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'mosaic-postgres-mcp',
  });
  // An idle connection dropped by the server must not crash the process; the next call reconnects.
  pool.on('error', (error) => logger.warn({ error: describeError(error) }, 'idle Postgres connection failed'));

  const server = createPostgresMcpServer({ pool, statementTimeoutMs, maxRows });

  let closing = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await server.close().catch((error: unknown) => logger.warn({ error: describeError(error) }, 'closing MCP server failed'));
    await pool.end().catch((error: unknown) => logger.warn({ error: describeError(error) }, 'closing Postgres pool failed'));
    process.exit(0);
  };
  process.stdin.on('end', () => void shutdown('stdin closed'));
  process.stdin.on('close', () => void shutdown('stdin closed'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await server.connect(new StdioServerTransport());
  logger.info({ statementTimeoutMs, maxRows, poolSize: POOL_SIZE }, 'Postgres MCP server ready on stdio');
}

/** Code and message only: a pg or URL error object can hold connection parameters. */
function describeError(error: unknown): { code?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : undefined, message: error.message };
  }
  return { message: String(error) };
}

main().catch((error: unknown) => {
  process.stderr.write(`Postgres MCP server failed to start: ${describeError(error).message}\n`);
  process.exit(1);
});
