/**
 * The Slack MCP server over stdio. Environment: SLACK_BOT_TOKEN (required), SLACK_USER_TOKEN
 * (optional; enables search.messages), SLACK_API_URL (default https://slack.com/api),
 * SLACK_ALLOW_WRITES (default false; registers send_message), SLACK_DEFAULT_CHANNEL (optional;
 * read_messages' channel when none is given), SLACK_REQUEST_TIMEOUT_MS (default 10000),
 * SLACK_MAX_RETRY_AFTER_MS (default 5000), LOG_LEVEL (default info). stdout carries MCP
 * messages only; logs go to stderr and never include a token.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { SlackApiClient } from './slack-api.client';
import { redactTokens } from './slack-api.exception';
import { parseSlackMcpConfig } from './slack-mcp.config';
import { createSlackMcpServer } from './slack-mcp.server';

async function main(): Promise<void> {
  const parsed = parseSlackMcpConfig(process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  const config = parsed.config;
  // pino straight to fd 2, not @mosaic/observability: see postgres-mcp.main.ts.
  const logger = pino(
    {
      name: 'slack-mcp',
      level: config.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );

  const client = new SlackApiClient({
    botToken: config.botToken,
    userToken: config.userToken,
    baseUrl: config.apiUrl,
    requestTimeoutMs: config.requestTimeoutMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
  });
  const server = createSlackMcpServer({ client, allowWrites: config.allowWrites, defaultChannel: config.defaultChannel });

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
  logger.info(
    { apiUrl: new URL(config.apiUrl).origin, userToken: client.hasUserToken, allowWrites: config.allowWrites, defaultChannel: config.defaultChannel },
    'Slack MCP server ready on stdio',
  );
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // Anything token-shaped is removed; the config (and so the exact tokens) may not exist yet.
  process.stderr.write(`Slack MCP server failed to start: ${redactTokens(message, [])}\n`);
  process.exit(1);
});
