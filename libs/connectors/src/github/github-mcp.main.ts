/**
 * The GitHub MCP server over stdio. Environment: GITHUB_TOKEN (required), GITHUB_API_URL
 * (default https://api.github.com), GITHUB_ALLOW_WRITES (default false; true registers
 * create_issue), GITHUB_DEFAULT_OWNER (optional owner for calls that name none),
 * GITHUB_TIMEOUT_MS (default 10000), LOG_LEVEL (default info). stdout carries MCP messages
 * only; logs go to stderr and never include the token.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { GithubApiClient } from './github-api.client';
import { parseGithubMcpConfig } from './github-mcp.config';
import { createGithubMcpServer } from './github-mcp.server';

async function main(): Promise<void> {
  const parsed = parseGithubMcpConfig(process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  const { token, apiUrl, allowWrites, defaultOwner, timeoutMs, logLevel } = parsed.config;
  // pino straight to fd 2, as in postgres-mcp.main.ts: stdout belongs to the MCP protocol.
  const logger = pino(
    {
      name: 'github-mcp',
      level: logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );

  const client = new GithubApiClient({ token, baseUrl: apiUrl, timeoutMs });
  const server = createGithubMcpServer({ client, allowWrites, defaultOwner });

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
  logger.info({ apiUrl, allowWrites, defaultOwner: defaultOwner ?? null, timeoutMs }, 'GitHub MCP server ready on stdio');
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const token = process.env['GITHUB_TOKEN'];
  process.stderr.write(`GitHub MCP server failed to start: ${token ? message.split(token).join('[redacted]') : message}\n`);
  process.exit(1);
});
