/**
 * The Shopify MCP server over stdio. Environment: SHOPIFY_SHOP_URL (required),
 * SHOPIFY_ACCESS_TOKEN (required; an Admin API token with read_orders, read_products and
 * read_inventory), SHOPIFY_TIMEOUT_MS (default 10000), LOG_LEVEL (default info). stdout
 * carries MCP messages only; logs go to stderr and never include the token.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import pino from 'pino';
import { ShopifyApiClient } from './shopify-api.client';
import { parseShopifyMcpConfig } from './shopify-mcp.config';
import { createShopifyMcpServer } from './shopify-mcp.server';

async function main(): Promise<void> {
  const parsed = parseShopifyMcpConfig(process.env);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    process.exit(1);
  }
  const { shopUrl, accessToken, timeoutMs, logLevel } = parsed.config;
  // pino straight to fd 2, as in postgres-mcp.main.ts: a stdio server needs no tracing.
  const logger = pino(
    {
      name: 'shopify-mcp',
      level: logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );

  const client = new ShopifyApiClient({ shopUrl, accessToken, timeoutMs });
  const server = createShopifyMcpServer({ client });

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
  logger.info({ shopUrl, timeoutMs }, 'Shopify MCP server ready on stdio');
}

main().catch((error: unknown) => {
  // The token never reaches an error message from our code, but a startup error could quote the env.
  const token = process.env['SHOPIFY_ACCESS_TOKEN'];
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Shopify MCP server failed to start: ${token ? message.split(token).join('[redacted]') : message}\n`);
  process.exit(1);
});
