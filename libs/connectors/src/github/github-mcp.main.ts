/**
 * The GitHub MCP server over stdio. Environment: GITHUB_TOKEN (required), GITHUB_API_URL
 * (default https://api.github.com), GITHUB_ALLOW_WRITES (default false; true registers
 * create_issue), GITHUB_DEFAULT_OWNER (optional owner for calls that name none),
 * GITHUB_TIMEOUT_MS (default 10000), LOG_LEVEL (default info). stdout carries MCP messages
 * only; logs go to stderr and never include the token.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { closeOrWarn, configOrExit, createStderrLogger, exitOnStdinCloseOrSignal, redactSecret, runStdioMain } from '../mcp/stdio-main';
import { GithubApiClient } from './github-api.client';
import { parseGithubMcpConfig } from './github-mcp.config';
import { createGithubMcpServer } from './github-mcp.server';

async function main(): Promise<void> {
  const { token, apiUrl, allowWrites, defaultOwner, timeoutMs, logLevel } = configOrExit(parseGithubMcpConfig(process.env));
  const logger = createStderrLogger('github-mcp', logLevel);

  const client = new GithubApiClient({ token, baseUrl: apiUrl, timeoutMs });
  const server = createGithubMcpServer({ client, allowWrites, defaultOwner });
  exitOnStdinCloseOrSignal(logger, () => closeOrWarn(logger, 'MCP server', () => server.close(), (error) => client.redact(String(error))));

  await server.connect(new StdioServerTransport());
  logger.info({ apiUrl, allowWrites, defaultOwner: defaultOwner ?? null, timeoutMs }, 'GitHub MCP server ready on stdio');
}

runStdioMain('GitHub MCP server', main, (message) => redactSecret(message, process.env['GITHUB_TOKEN']));
