/**
 * The Google Workspace MCP server over stdio. Environment: GOOGLE_ACCESS_TOKEN (required; an OAuth
 * 2.0 access token with the read-only scopes calendar.readonly, gmail.readonly, drive.readonly,
 * documents.readonly and spreadsheets.readonly), GOOGLE_API_URL (one base URL for every API, for
 * tests and proxies), GOOGLE_CALENDAR_ID (default primary), GOOGLE_TIMEOUT_MS (default 10000),
 * LOG_LEVEL (default info). stdout carries MCP messages only; logs go to stderr and never include the token.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { GoogleApiClient } from './google-api.client';
import { parseGoogleMcpConfig } from './google-mcp.config';
import { createGoogleMcpServer } from './google-mcp.server';

async function main(): Promise<void> {
  const parsed = parseGoogleMcpConfig(process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  const { accessToken, apiUrl, calendarId, timeoutMs, logLevel } = parsed.config;
  // pino straight to fd 2, as in postgres-mcp.main.ts: a stdio server needs no tracing.
  const logger = pino(
    {
      name: 'google-mcp',
      level: logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );

  const client = new GoogleApiClient({ accessToken, apiUrl, timeoutMs });
  const server = createGoogleMcpServer({ client, defaultCalendarId: calendarId });

  let closing = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await server.close().catch((error: unknown) => logger.warn({ error: client.redact(String(error)) }, 'closing MCP server failed'));
    process.exit(0);
  };
  process.stdin.on('end', () => void shutdown('stdin closed'));
  process.stdin.on('close', () => void shutdown('stdin closed'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await server.connect(new StdioServerTransport());
  logger.info({ apiUrl: apiUrl ?? 'per-API Google hosts', calendarId, timeoutMs }, 'Google Workspace MCP server ready on stdio');
}

main().catch((error: unknown) => {
  // The token never reaches an error message from our code, but a startup error could quote the env.
  const token = process.env['GOOGLE_ACCESS_TOKEN'];
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Google Workspace MCP server failed to start: ${token ? message.split(token).join('[redacted]') : message}\n`);
  process.exit(1);
});
