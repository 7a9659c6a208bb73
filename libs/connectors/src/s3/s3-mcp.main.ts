/**
 * The S3 MCP server over stdio. Environment: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY
 * (required; a key allowed s3:ListAllMyBuckets, s3:ListBucket and s3:GetObject), S3_REGION
 * (default us-east-1), S3_ENDPOINT (an S3-compatible store; path-style), S3_BUCKET (the default
 * bucket), S3_TIMEOUT_MS (default 10000), LOG_LEVEL (default info). stdout carries MCP messages
 * only; logs go to stderr and never include the secret key.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { closeOrWarn, configOrExit, createStderrLogger, exitOnStdinCloseOrSignal, redactSecret, runStdioMain } from '../mcp/stdio-main';
import { S3ApiClient } from './s3-api.client';
import { parseS3McpConfig } from './s3-mcp.config';
import { createS3McpServer } from './s3-mcp.server';

async function main(): Promise<void> {
  const { accessKeyId, secretAccessKey, region, endpoint, defaultBucket, timeoutMs, logLevel } = configOrExit(parseS3McpConfig(process.env));
  const logger = createStderrLogger('s3-mcp', logLevel);

  const client = new S3ApiClient({ accessKeyId, secretAccessKey, region, endpoint, timeoutMs });
  const server = createS3McpServer({ client, defaultBucket });
  exitOnStdinCloseOrSignal(logger, async () => {
    await closeOrWarn(logger, 'MCP server', () => server.close(), (error) => client.redact(String(error)));
    client.close();
  });

  await server.connect(new StdioServerTransport());
  logger.info({ region, endpoint: endpoint ?? 'aws', defaultBucket, timeoutMs }, 'S3 MCP server ready on stdio');
}

runStdioMain('S3 MCP server', main, (message) => redactSecret(message, process.env['S3_SECRET_ACCESS_KEY']));
