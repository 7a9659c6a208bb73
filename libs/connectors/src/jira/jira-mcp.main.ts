/**
 * The Jira MCP server over stdio. Environment: JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN
 * (required), JIRA_ALLOW_WRITES (default false), JIRA_DEFAULT_PROJECT (optional),
 * JIRA_TIMEOUT_MS (default 10000), LOG_LEVEL (default info). stdout carries MCP messages
 * only; logs go to stderr and never include the token.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { JiraApiClient } from './jira-api.client';
import { parseJiraMcpConfig } from './jira-mcp.config';
import { createJiraMcpServer } from './jira-mcp.server';

async function main(): Promise<void> {
  const parsed = parseJiraMcpConfig(process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  const { url, email, apiToken, allowWrites, defaultProject, timeoutMs, logLevel } = parsed.config;
  // pino straight to fd 2, as in postgres-mcp.main.ts: a stdio server needs no tracing.
  const logger = pino(
    {
      name: 'jira-mcp',
      level: logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );

  const client = new JiraApiClient({ baseUrl: url, email, apiToken, timeoutMs });
  const server = createJiraMcpServer({ client, allowWrites, defaultProject });

  let closing = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await server.close().catch((error: unknown) => logger.warn({ error: messageOf(error) }, 'closing MCP server failed'));
    process.exit(0);
  };
  process.stdin.on('end', () => void shutdown('stdin closed'));
  process.stdin.on('close', () => void shutdown('stdin closed'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await server.connect(new StdioServerTransport());
  // The site's host only: never the email or the token.
  logger.info({ host: new URL(url).host, allowWrites, defaultProject, timeoutMs }, 'Jira MCP server ready on stdio');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  process.stderr.write(`Jira MCP server failed to start: ${messageOf(error)}\n`);
  process.exit(1);
});
