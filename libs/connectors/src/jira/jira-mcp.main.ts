/**
 * The Jira MCP server over stdio. Environment: JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN
 * (required), JIRA_ALLOW_WRITES (default false), JIRA_DEFAULT_PROJECT (optional),
 * JIRA_TIMEOUT_MS (default 10000), LOG_LEVEL (default info). stdout carries MCP messages
 * only; logs go to stderr and never include the token.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { closeOrWarn, configOrExit, createStderrLogger, exitOnStdinCloseOrSignal, messageOf, runStdioMain } from '../mcp/stdio-main';
import { JiraApiClient } from './jira-api.client';
import { parseJiraMcpConfig } from './jira-mcp.config';
import { createJiraMcpServer } from './jira-mcp.server';

async function main(): Promise<void> {
  const { url, email, apiToken, allowWrites, defaultProject, timeoutMs, logLevel } = configOrExit(parseJiraMcpConfig(process.env));
  const logger = createStderrLogger('jira-mcp', logLevel);

  const client = new JiraApiClient({ baseUrl: url, email, apiToken, timeoutMs });
  const server = createJiraMcpServer({ client, allowWrites, defaultProject });
  exitOnStdinCloseOrSignal(logger, () => closeOrWarn(logger, 'MCP server', () => server.close(), messageOf));

  await server.connect(new StdioServerTransport());
  // The site's host only: never the email or the token.
  logger.info({ host: new URL(url).host, allowWrites, defaultProject, timeoutMs }, 'Jira MCP server ready on stdio');
}

runStdioMain('Jira MCP server', main);
