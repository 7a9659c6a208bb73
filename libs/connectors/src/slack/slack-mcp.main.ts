/**
 * The Slack MCP server over stdio. Environment: SLACK_BOT_TOKEN (required), SLACK_USER_TOKEN
 * (optional; enables search.messages), SLACK_API_URL (default https://slack.com/api),
 * SLACK_ALLOW_WRITES (default false; registers send_message), SLACK_DEFAULT_CHANNEL (optional;
 * read_messages' channel when none is given), SLACK_REQUEST_TIMEOUT_MS (default 10000),
 * SLACK_MAX_RETRY_AFTER_MS (default 5000), LOG_LEVEL (default info). stdout carries MCP
 * messages only; logs go to stderr and never include a token.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { closeOrWarn, configOrExit, createStderrLogger, exitOnStdinCloseOrSignal, runStdioMain } from '../mcp/stdio-main';
import { SlackApiClient } from './slack-api.client';
import { redactTokens } from './slack-api.exception';
import { parseSlackMcpConfig } from './slack-mcp.config';
import { createSlackMcpServer } from './slack-mcp.server';

async function main(): Promise<void> {
  const config = configOrExit(parseSlackMcpConfig(process.env));
  const logger = createStderrLogger('slack-mcp', config.logLevel);

  const client = new SlackApiClient({
    botToken: config.botToken,
    userToken: config.userToken,
    baseUrl: config.apiUrl,
    requestTimeoutMs: config.requestTimeoutMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
  });
  const server = createSlackMcpServer({ client, allowWrites: config.allowWrites, defaultChannel: config.defaultChannel });
  exitOnStdinCloseOrSignal(logger, () => closeOrWarn(logger, 'MCP server', () => server.close(), (error) => client.redact(String(error))));

  await server.connect(new StdioServerTransport());
  logger.info(
    { apiUrl: new URL(config.apiUrl).origin, userToken: client.hasUserToken, allowWrites: config.allowWrites, defaultChannel: config.defaultChannel },
    'Slack MCP server ready on stdio',
  );
}

runStdioMain('Slack MCP server', main, (message) => redactTokens(message, []));
