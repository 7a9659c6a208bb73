/**
 * The Google Workspace MCP server over stdio. Environment: GOOGLE_ACCESS_TOKEN (required; an OAuth
 * 2.0 access token with the read-only scopes calendar.readonly, gmail.readonly, drive.readonly,
 * documents.readonly and spreadsheets.readonly), GOOGLE_API_URL (one base URL for every API, for
 * tests and proxies), GOOGLE_CALENDAR_ID (default primary), GOOGLE_TIMEOUT_MS (default 10000),
 * LOG_LEVEL (default info). stdout carries MCP messages only; logs go to stderr and never include the token.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { closeOrWarn, configOrExit, createStderrLogger, exitOnStdinCloseOrSignal, redactSecret, runStdioMain } from '../mcp/stdio-main';
import { GoogleApiClient } from './google-api.client';
import { parseGoogleMcpConfig } from './google-mcp.config';
import { createGoogleMcpServer } from './google-mcp.server';

async function main(): Promise<void> {
  const { accessToken, apiUrl, calendarId, timeoutMs, logLevel } = configOrExit(parseGoogleMcpConfig(process.env));
  const logger = createStderrLogger('google-mcp', logLevel);

  const client = new GoogleApiClient({ accessToken, apiUrl, timeoutMs });
  const server = createGoogleMcpServer({ client, defaultCalendarId: calendarId });
  exitOnStdinCloseOrSignal(logger, () => closeOrWarn(logger, 'MCP server', () => server.close(), (error) => client.redact(String(error))));

  await server.connect(new StdioServerTransport());
  logger.info({ apiUrl: apiUrl ?? 'per-API Google hosts', calendarId, timeoutMs }, 'Google Workspace MCP server ready on stdio');
}

// The token never reaches an error message from our code, but a startup error could quote the env.
runStdioMain('Google Workspace MCP server', main, (message) => redactSecret(message, process.env['GOOGLE_ACCESS_TOKEN']));
