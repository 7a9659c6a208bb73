/**
 * The Shopify MCP server over stdio. Environment: SHOPIFY_SHOP_URL (required),
 * SHOPIFY_ACCESS_TOKEN (required; an Admin API token with read_orders, read_products and
 * read_inventory), SHOPIFY_TIMEOUT_MS (default 10000), LOG_LEVEL (default info). stdout
 * carries MCP messages only; logs go to stderr and never include the token.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { closeOrWarn, configOrExit, createStderrLogger, exitOnStdinCloseOrSignal, redactSecret, runStdioMain } from '../mcp/stdio-main';
import { ShopifyApiClient } from './shopify-api.client';
import { parseShopifyMcpConfig } from './shopify-mcp.config';
import { createShopifyMcpServer } from './shopify-mcp.server';

async function main(): Promise<void> {
  const { shopUrl, accessToken, timeoutMs, logLevel } = configOrExit(parseShopifyMcpConfig(process.env));
  const logger = createStderrLogger('shopify-mcp', logLevel);

  const client = new ShopifyApiClient({ shopUrl, accessToken, timeoutMs });
  const server = createShopifyMcpServer({ client });
  exitOnStdinCloseOrSignal(logger, () => closeOrWarn(logger, 'MCP server', () => server.close(), (error) => client.redact(String(error))));

  await server.connect(new StdioServerTransport());
  logger.info({ shopUrl, timeoutMs }, 'Shopify MCP server ready on stdio');
}

runStdioMain('Shopify MCP server', main, (message) => redactSecret(message, process.env['SHOPIFY_ACCESS_TOKEN']));
