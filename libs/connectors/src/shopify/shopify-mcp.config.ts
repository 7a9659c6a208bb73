import { z } from 'zod';
import { normalizeShopUrl } from './shopify-api.client';
import { invalidEnvironment, LOG_LEVEL_MESSAGE, LOG_LEVELS, LogLevel, McpConfigResult, unsetIfEmpty } from '../mcp/server-config';

export interface ShopifyMcpConfig {
  shopUrl: string;
  accessToken: string;
  timeoutMs: number;
  logLevel: LogLevel;
}

export type ShopifyMcpConfigResult = McpConfigResult<ShopifyMcpConfig>;

/** Messages never echo a value: SHOPIFY_ACCESS_TOKEN is a secret. */
const envSchema = z.object({
  SHOPIFY_SHOP_URL: z
    .string({ required_error: 'is required (https://<shop>.myshopify.com)' })
    .refine(isShopUrl, 'must be an http(s) URL or host name such as https://acme.myshopify.com'),
  SHOPIFY_ACCESS_TOKEN: z
    .string({ required_error: 'is required (an Admin API access token with read scopes)' })
    .min(1, 'is required (an Admin API access token with read scopes)'),
  SHOPIFY_TIMEOUT_MS: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ invalid_type_error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(100, 'must be at least 100')
      .max(120_000, 'must be at most 120000 (2 minutes)')
      .default(10_000),
  ),
  LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z.enum(LOG_LEVELS, { errorMap: () => ({ message: LOG_LEVEL_MESSAGE }) }).default('info'),
  ),
});

/** Validates the server's environment once, listing every bad variable. */
export function parseShopifyMcpConfig(env: NodeJS.ProcessEnv): ShopifyMcpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return invalidEnvironment('Shopify MCP server', parsed.error.issues);
  }
  return {
    ok: true,
    config: {
      shopUrl: normalizeShopUrl(parsed.data.SHOPIFY_SHOP_URL),
      accessToken: parsed.data.SHOPIFY_ACCESS_TOKEN,
      timeoutMs: parsed.data.SHOPIFY_TIMEOUT_MS,
      logLevel: parsed.data.LOG_LEVEL,
    },
  };
}

function isShopUrl(value: string): boolean {
  try {
    const url = new URL(normalizeShopUrl(value));
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}
