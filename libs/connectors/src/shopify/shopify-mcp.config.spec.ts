import { parseShopifyMcpConfig } from './shopify-mcp.config';

describe(parseShopifyMcpConfig.name, () => {
  it('should list every missing variable when the environment is empty', () => {
    const result = parseShopifyMcpConfig({});

    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain('SHOPIFY_SHOP_URL: is required');
    expect(!result.ok && result.message).toContain('SHOPIFY_ACCESS_TOKEN: is required');
  });

  it('should normalise a bare shop host and apply defaults when only the required variables are set', () => {
    const result = parseShopifyMcpConfig({ SHOPIFY_SHOP_URL: 'acme.myshopify.com/admin/', SHOPIFY_ACCESS_TOKEN: 'shpat_x' });

    expect(result).toEqual({
      ok: true,
      config: { shopUrl: 'https://acme.myshopify.com', accessToken: 'shpat_x', timeoutMs: 10_000, logLevel: 'info' },
    });
  });

  it('should never echo the token when another variable is invalid', () => {
    const result = parseShopifyMcpConfig({ SHOPIFY_SHOP_URL: 'https://acme.myshopify.com', SHOPIFY_ACCESS_TOKEN: 'shpat_secret', SHOPIFY_TIMEOUT_MS: 'soon' });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain('SHOPIFY_TIMEOUT_MS: must be a whole number of milliseconds');
    expect(!result.ok && result.message).not.toContain('shpat_secret');
  });
});
