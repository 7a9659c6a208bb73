import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SourceItemSchema } from '@mosaic/contracts';
import { credentialsFromEnv, directRoute, missingCredentials, ToolCaller } from '../connector';
import { ShopifyApiClient } from './shopify-api.client';
import { createShopifyMcpServer } from './shopify-mcp.server';
import { orderNameIn, shopifyConnector } from './shopify.connector';
import { FakeShopify, startFakeShopify } from './testing/fake-shopify.server';

const TOKEN = 'shpat_connector_spec_token';

describe('shopifyConnector', () => {
  let fake: FakeShopify;
  let client: Client;
  let calls: Array<{ tool: string; args: Record<string, unknown> }>;
  let call: ToolCaller;
  let closeServer: () => Promise<void>;

  beforeAll(async () => {
    fake = await startFakeShopify({ accessToken: TOKEN });
    const server = createShopifyMcpServer({ client: new ShopifyApiClient({ shopUrl: fake.url, accessToken: TOKEN }) });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'shopify-connector-spec', version: '0.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    closeServer = () => server.close();
    // The worker's ToolCaller, minus breaker and metrics: text plus structured content.
    call = async (tool, args) => {
      calls.push({ tool, args });
      const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      return { ok: !result.isError, text, structured: result.structuredContent };
    };
  });

  beforeEach(() => {
    calls = [];
  });

  afterAll(async () => {
    await client?.close();
    await closeServer?.();
    await fake?.close();
  });

  const sut = shopifyConnector;
  const answer = (query: string) => sut.localStrategy(query, call, { shop_url: fake.url, access_token: TOKEN });

  describe('definition', () => {
    it('should map the credential fields to the seed env vars when read from the environment', () => {
      const credentials = credentialsFromEnv(sut, { SHOPIFY_SHOP_URL: 'https://acme.myshopify.com', SHOPIFY_ACCESS_TOKEN: 'shpat_x', HOME: '/root' });

      expect(credentials).toEqual({ shop_url: 'https://acme.myshopify.com', access_token: 'shpat_x' });
      expect(missingCredentials(sut, {})).toEqual(['SHOPIFY_SHOP_URL', 'SHOPIFY_ACCESS_TOKEN']);
      expect(sut.credentialFields.find((f) => f.name === 'access_token')?.type).toBe('password');
    });

    it('should launch the server with only its own env when credentials are given', () => {
      let spec;
      try {
        spec = sut.launch({ shop_url: 'https://acme.myshopify.com', access_token: 'shpat_x' });
      } catch (error) {
        // Before `npm run build` the entry point does not exist; the error says so.
        expect(String(error)).toContain('shopify/shopify-mcp.main.js');
        return;
      }
      expect(spec).toMatchObject({ kind: 'stdio', command: process.execPath });
      expect(spec.kind === 'stdio' && spec.env).toEqual({ SHOPIFY_SHOP_URL: 'https://acme.myshopify.com', SHOPIFY_ACCESS_TOKEN: 'shpat_x' });
    });

    it.each([
      ['How many units of the kettle are in stock?', 'get_inventory'],
      ['What is our inventory of products?', 'get_inventory'],
      ['Which products are in the catalog?', 'list_products'],
      ['What is the price of SKU MUG-CER-01?', 'list_products'],
      ['Which orders were refunded last week?', undefined],
    ])('should route %j to %s', (query, tool) => {
      expect(directRoute(sut, query)?.tool).toBe(tool);
    });

    it.each([
      ['What happened with order #1001?', '#1001'],
      ['status of order 1004', '#1004'],
      ['order no. 1002 shipped?', '#1002'],
      ['we sold 12 mugs', undefined],
    ])('should read the order name in %j', (query, name) => {
      expect(orderNameIn(query)).toBe(name);
    });
  });

  describe('localStrategy', () => {
    it('should look an order up by name and cite it when the question names #1001', async () => {
      const result = await answer('Why was order #1001 refunded?');

      expect(calls).toEqual([{ tool: 'list_orders', args: { name: '#1001', status: 'any', max_items: 5 } }]);
      expect(result.items).toHaveLength(1);
      const item = result.items[0]!;
      expect(item).toEqual({
        id: 'order:#1001',
        title: 'Order #1001 (Bruno Costa)',
        url: `${fake.url}/admin/orders/450789469`,
        tool: 'list_orders',
        content:
          'Order #1001 · 2024-10-01 · Bruno Costa <bruno@example.com> · payment refunded · fulfillment fulfilled · total 28.00 USD · 2× Ceramic Mug',
        score: 1,
      });
      expect(SourceItemSchema.safeParse(item).success).toBe(true);
    });

    it('should say there is no such order when the name is unknown', async () => {
      const result = await answer('Where is order #9999?');

      expect(result.items).toEqual([]);
      expect(result.summary).toBe('The store has no order named #9999.');
    });

    it('should rank refunded orders first when the question is about refunds', async () => {
      const result = await answer('Which shopify orders were refunded?');

      expect(calls.map((c) => c.tool)).toEqual(['list_orders']);
      expect(result.items.slice(0, 3).map((i) => i.id)).toEqual(['order:#1005', 'order:#1004', 'order:#1001']);
      expect(result.items[0]!.score).toBeGreaterThan(result.items[3]!.score);
    });

    it('should list products as citeable items when asked about the catalog', async () => {
      const result = await answer('What kettle products are in our catalog?');

      expect(calls.map((c) => c.tool)).toEqual(['list_products']);
      expect(result.items[0]).toMatchObject({
        id: 'product:632910393',
        title: 'Product Pour-over Kettle',
        url: `${fake.url}/admin/products/632910393`,
        content: 'Pour-over Kettle · active · vendor Brewline · Equipment · Matte Black SKU KET-PO-01 price 59.00 0 in stock; Steel SKU KET-PO-02 price 59.00 7 in stock',
      });
    });

    it('should put the lowest stock first when asked what is running low', async () => {
      const result = await answer('Which items are low on stock?');

      expect(calls.map((c) => c.tool)).toEqual(['get_inventory']);
      expect(result.items[0]).toMatchObject({
        id: 'inventory:39072857@655441491',
        title: 'Stock of Pour-over Kettle (Matte Black)',
        content: 'Pour-over Kettle (Matte Black) · SKU KET-PO-01 · 0 in stock at location 655441491',
        url: `${fake.url}/admin/products/632910393`,
      });
      expect(result.items.every((i) => SourceItemSchema.safeParse(i).success)).toBe(true);
    });

    it('should throw with the tool error when Shopify rejects the token', async () => {
      fake.inject({ kind: 'status', status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } });

      await expect(answer('latest store sales')).rejects.toThrow(/^list_orders failed: credentials rejected for shopify/);
    });
  });
});
