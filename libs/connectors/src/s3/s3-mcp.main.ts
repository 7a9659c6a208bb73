/**
 * The S3 MCP server over stdio. Environment: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY
 * (required; a key allowed s3:ListAllMyBuckets, s3:ListBucket and s3:GetObject), S3_REGION
 * (default us-east-1), S3_ENDPOINT (an S3-compatible store; path-style), S3_BUCKET (the default
 * bucket), S3_TIMEOUT_MS (default 10000), LOG_LEVEL (default info). stdout carries MCP messages
 * only; logs go to stderr and never include the secret key.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { S3ApiClient } from './s3-api.client';
import { parseS3McpConfig } from './s3-mcp.config';
import { createS3McpServer } from './s3-mcp.server';

async function main(): Promise<void> {
  const parsed = parseS3McpConfig(process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  const { accessKeyId, secretAccessKey, region, endpoint, defaultBucket, timeoutMs, logLevel } = parsed.config;
  // pino straight to fd 2, as in postgres-mcp.main.ts: a stdio server needs no tracing.
  const logger = pino(
    {
      name: 's3-mcp',
      level: logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );

  const client = new S3ApiClient({ accessKeyId, secretAccessKey, region, endpoint, timeoutMs });
  const server = createS3McpServer({ client, defaultBucket });

  let closing = false;
  const shutdown = async (reason: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    await server.close().catch((error: unknown) => logger.warn({ error: client.redact(String(error)) }, 'closing MCP server failed'));
    client.close();
    process.exit(0);
  };
  process.stdin.on('end', () => void shutdown('stdin closed'));
  process.stdin.on('close', () => void shutdown('stdin closed'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await server.connect(new StdioServerTransport());
  logger.info({ region, endpoint: endpoint ?? 'aws', defaultBucket, timeoutMs }, 'S3 MCP server ready on stdio');
}

main().catch((error: unknown) => {
  // The secret never reaches an error message from our code, but a startup error could quote the env.
  const secret = process.env['S3_SECRET_ACCESS_KEY'];
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`S3 MCP server failed to start: ${secret ? message.split(secret).join('[redacted]') : message}\n`);
  process.exit(1);
});
