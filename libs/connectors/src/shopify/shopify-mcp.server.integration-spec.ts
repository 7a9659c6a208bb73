import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ShopifyApiClient, ShopifyApiClientOptions } from './shopify-api.client';
import { createShopifyMcpServer } from './shopify-mcp.server';
import { FakeShopify, startFakeShopify } from './testing/fake-shopify.server';
import { FIXTURE_ORDERS, FIXTURE_PRODUCTS, STORE_LOCATION_ID, WAREHOUSE_LOCATION_ID } from './testing/shopify-fixtures';

const TOKEN = 'shpat_0123456789abcdef0123456789abcdef';

interface Harness {
  client: Client;
  close(): Promise<void>;
}

async function connect(options: Partial<ShopifyApiClientOptions> & { shopUrl: string }): Promise<Harness> {
  const api = new ShopifyApiClient({ accessToken: TOKEN, serverErrorRetryDelaysMs: [10, 20], timeoutMs: 2_000, ...options });
  const server = createShopifyMcpServer({ client: api });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'shopify-mcp-spec', version: '0.0.0' });
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

async function call(harness: Harness, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await harness.client.callTool({ name, arguments: args })) as CallToolResult;
}

function structured<T>(result: CallToolResult): T {
  if (result.isError) throw new Error(`unexpected tool error: ${JSON.stringify(result.content)}`);
  const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
  expect(JSON.parse(text)).toEqual(result.structuredContent);
  expect(text).not.toContain(TOKEN);
  return result.structuredContent as T;
}

function errorOf(result: CallToolResult): { code: string; message: string; retry_after_seconds?: number } {
  expect(result.isError).toBe(true);
  expect(JSON.stringify(result)).not.toContain(TOKEN);
  return (result.structuredContent as { error: { code: string; message: string; retry_after_seconds?: number } }).error;
}

interface OrderOut {
  id: number;
  name: string;
  customer: string | null;
  email: string | null;
  financial_status: string | null;
  fulfillment_status: string | null;
  total_price: string;
  currency: string;
  line_items: Array<{ title: string; quantity: number }>;
  admin_url: string;
}
interface OrdersOut {
  orders: OrderOut[];
  count: number;
  truncated: boolean;
  next_page_info?: string;
}

describe('Shopify MCP server', () => {
  let fake: FakeShopify;
  let sut: Harness;

  beforeAll(async () => {
    fake = await startFakeShopify({ accessToken: TOKEN });
    sut = await connect({ shopUrl: fake.url });
  });

  afterEach(() => fake.reset());

  afterAll(async () => {
    await sut?.close();
    await fake?.close();
  });

  it('should offer the four read-only tools', async () => {
    const { tools } = await sut.client.listTools();

    expect(tools.map((tool) => tool.name).sort()).toEqual(['get_inventory', 'get_order', 'list_orders', 'list_products']);
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
    expect(tools.find((tool) => tool.name === 'get_order')?.inputSchema.required).toEqual(['id']);
  });

  describe('list_orders', () => {
    it('should return every order with only the parsed fields when status is any', async () => {
      const result = structured<OrdersOut>(await call(sut, 'list_orders'));

      expect(result.count).toBe(FIXTURE_ORDERS.length);
      expect(result.truncated).toBe(false);
      expect(result.orders[0]).toEqual({
        id: 450789475,
        name: '#1006',
        created_at: '2024-10-06T09:12:00-04:00',
        customer: 'Alice Nguyen',
        email: 'alice@example.com',
        financial_status: 'paid',
        fulfillment_status: null,
        cancelled_at: null,
        total_price: '28.00',
        currency: 'USD',
        line_items: [{ title: 'Ceramic Mug', quantity: 2, sku: 'MUG-CER-01' }],
        admin_url: `${fake.url}/admin/orders/450789475`,
      });
      expect(JSON.stringify(result)).not.toContain('browser_ip');
      expect(fake.requests[0]).toMatchObject({ path: '/admin/api/2024-10/orders.json', hadToken: true });
      expect(fake.requests[0]?.query).toMatchObject({ status: 'any', limit: '50' });
    });

    it('should pass the filters to Shopify when financial_status and a date range are given', async () => {
      const result = structured<OrdersOut>(
        await call(sut, 'list_orders', { financial_status: 'refunded', created_at_min: '2024-10-01T00:00:00-04:00' }),
      );

      expect(result.orders.map((order) => order.name)).toEqual(['#1005', '#1001']);
      expect(fake.requests[0]?.query).toMatchObject({ financial_status: 'refunded', created_at_min: '2024-10-01T00:00:00-04:00' });
    });

    it('should find an order by its name when the # is included', async () => {
      const result = structured<OrdersOut>(await call(sut, 'list_orders', { name: '#1004' }));

      expect(result.orders).toHaveLength(1);
      expect(result.orders[0]).toMatchObject({ id: 450789473, financial_status: 'partially_refunded', customer: 'Bruno Costa' });
    });

    it('should follow Link page_info across pages up to max_items and offer the cursor to continue', async () => {
      const first = structured<OrdersOut>(await call(sut, 'list_orders', { max_items: 4 }));
      const firstRequests = fake.requests.length;
      const rest = structured<OrdersOut>(await call(sut, 'list_orders', { max_items: 10, page_info: first.next_page_info }));

      expect(first.orders.map((o) => o.name)).toEqual(['#1006', '#1005', '#1004', '#1003']);
      expect(first.truncated).toBe(true);
      expect(first.next_page_info).toEqual(expect.any(String));
      expect(rest.orders.map((o) => o.name)).toEqual(['#1002', '#1001']);
      expect(rest.truncated).toBe(false);
      expect(rest.next_page_info).toBeUndefined();
      expect(firstRequests).toBe(1);
      // Shopify forbids filters beside page_info: only limit goes with it.
      expect(Object.keys(fake.requests[firstRequests]?.query ?? {}).sort()).toEqual(['limit', 'page_info']);
    });
  });

  describe('listings longer than one page', () => {
    const many = Array.from({ length: 600 }, (_, i) => ({ ...FIXTURE_ORDERS[0], id: 1_000_000 + i, name: `#${5000 + i}` }));
    let big: FakeShopify;

    beforeAll(async () => {
      big = await startFakeShopify({ accessToken: TOKEN, orders: many });
    });

    afterEach(() => big.reset());
    afterAll(() => big?.close());

    it('should follow next links asking only for what is still wanted when max_items spans pages', async () => {
      const harness = await connect({ shopUrl: big.url });
      try {
        const result = structured<OrdersOut>(await call(harness, 'list_orders', { max_items: 300 }));

        expect(result.count).toBe(300);
        expect(result.orders[299]?.name).toBe('#5299');
        expect(result.truncated).toBe(true);
        expect(big.requests.map((r) => r.query['limit'])).toEqual(['250', '50']);
      } finally {
        await harness.close();
      }
    });

    it('should stop at maxPages and report truncation when the listing is longer', async () => {
      const harness = await connect({ shopUrl: big.url, maxPages: 2 });
      try {
        const result = structured<OrdersOut>(await call(harness, 'list_orders', { max_items: 1000 }));

        expect(result.count).toBe(500);
        expect(result.truncated).toBe(true);
        expect(result.next_page_info).toEqual(expect.any(String));
        expect(big.requests).toHaveLength(2);
      } finally {
        await harness.close();
      }
    });
  });

  describe('get_order', () => {
    it('should return one order by id', async () => {
      const result = structured<{ order: OrderOut }>(await call(sut, 'get_order', { id: 450789469 }));

      expect(result.order).toMatchObject({ name: '#1001', financial_status: 'refunded', total_price: '28.00' });
      expect(fake.requests[0]?.path).toBe('/admin/api/2024-10/orders/450789469.json');
    });

    it('should report not_found when the id is unknown', async () => {
      expect(errorOf(await call(sut, 'get_order', { id: 1 }))).toMatchObject({ code: 'not_found' });
    });
  });

  describe('list_products', () => {
    it('should return products with their variants when called without filters', async () => {
      const result = structured<{ products: Array<Record<string, unknown>>; count: number }>(await call(sut, 'list_products'));

      expect(result.count).toBe(FIXTURE_PRODUCTS.length);
      expect(result.products[1]).toEqual({
        id: 632910393,
        title: 'Pour-over Kettle',
        status: 'active',
        vendor: 'Brewline',
        product_type: 'Equipment',
        variants: [
          { id: 808950820, title: 'Matte Black', sku: 'KET-PO-01', price: '59.00', inventory_quantity: 0, inventory_item_id: 39072857 },
          { id: 808950821, title: 'Steel', sku: 'KET-PO-02', price: '59.00', inventory_quantity: 7, inventory_item_id: 39072858 },
        ],
        admin_url: `${fake.url}/admin/products/632910393`,
      });
    });

    it('should paginate products the same way as orders', async () => {
      const first = structured<{ products: Array<{ title: string }>; next_page_info?: string }>(await call(sut, 'list_products', { max_items: 2 }));
      const rest = structured<{ products: Array<{ title: string }>; next_page_info?: string }>(
        await call(sut, 'list_products', { page_info: first.next_page_info }),
      );

      expect([...first.products, ...rest.products].map((p) => p.title)).toEqual(FIXTURE_PRODUCTS.map((p) => p.title));
    });
  });

  describe('get_inventory', () => {
    interface LevelsOut {
      levels: Array<Record<string, unknown>>;
      count: number;
    }

    it('should join levels to products and skus when no ids are given', async () => {
      const result = structured<LevelsOut>(await call(sut, 'get_inventory'));

      expect(result.count).toBe(6);
      expect(result.levels).toContainEqual({
        inventory_item_id: 39072856,
        location_id: STORE_LOCATION_ID,
        available: 2,
        updated_at: '2024-10-06T09:12:00-04:00',
        product_id: 632910392,
        product_title: 'Ceramic Mug',
        variant_title: 'Default Title',
        sku: 'MUG-CER-01',
        admin_url: `${fake.url}/admin/products/632910392`,
      });
      const inventoryRequest = fake.requests.find((r) => r.path.endsWith('/inventory_levels.json'));
      expect(inventoryRequest?.query['inventory_item_ids']?.split(',')).toHaveLength(5);
    });

    it('should read only the named items when inventory_item_ids are given', async () => {
      const result = structured<LevelsOut>(await call(sut, 'get_inventory', { inventory_item_ids: [39072858] }));

      expect(result.levels).toEqual([
        { inventory_item_id: 39072858, location_id: WAREHOUSE_LOCATION_ID, available: 7, updated_at: '2024-10-05T09:00:00-04:00' },
      ]);
      expect(fake.requests.map((r) => r.path)).toEqual(['/admin/api/2024-10/inventory_levels.json']);
    });

    it('should limit the scan to the given products when product_ids are given', async () => {
      const result = structured<LevelsOut>(await call(sut, 'get_inventory', { product_ids: [632910393] }));

      expect(result.levels.map((l) => l['sku']).sort()).toEqual(['KET-PO-01', 'KET-PO-02']);
    });
  });

  describe('failures', () => {
    it('should say credentials were rejected when the token is wrong, without echoing it', async () => {
      const wrong = await connect({ shopUrl: fake.url, accessToken: `${TOKEN}-revoked` });
      try {
        const error = errorOf(await call(wrong, 'list_orders'));

        expect(error.code).toBe('credentials_rejected');
        expect(error.message).toMatch(/^credentials rejected for shopify \(HTTP 401: \[API\] Invalid API key or access token/);
        expect(error.message).not.toContain(`${TOKEN}-revoked`);
      } finally {
        await wrong.close();
      }
    });

    it('should say credentials were rejected when Shopify answers 403 for a missing scope', async () => {
      fake.inject({ kind: 'status', status: 403, body: { errors: '[API] This action requires merchant approval for read_orders scope.' } });

      const error = errorOf(await call(sut, 'list_orders'));

      expect(error).toMatchObject({ code: 'credentials_rejected' });
      expect(error.message).toContain('read_orders scope');
    });

    it('should wait out a short Retry-After once and then succeed', async () => {
      fake.inject({ kind: 'rate_limit', retryAfter: '0.2' });
      const started = Date.now();

      const result = structured<OrdersOut>(await call(sut, 'list_orders'));

      expect(result.count).toBe(FIXTURE_ORDERS.length);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(fake.requests).toHaveLength(2);
    });

    it('should fail with the wait when Retry-After is longer than the client waits', async () => {
      const impatient = await connect({ shopUrl: fake.url, maxRateLimitWaitMs: 1_000 });
      try {
        fake.inject({ kind: 'rate_limit', retryAfter: '2.0' });

        const error = errorOf(await call(impatient, 'list_orders'));

        expect(error).toEqual({ code: 'rate_limited', message: 'shopify rate limited; retry after 2 s', retry_after_seconds: 2 });
        expect(fake.requests).toHaveLength(1);
      } finally {
        await impatient.close();
      }
    });

    it('should fail rate_limited when Shopify still throttles after the one wait', async () => {
      fake.inject({ kind: 'rate_limit', retryAfter: '0.05' }, 2);

      expect(errorOf(await call(sut, 'list_orders'))).toMatchObject({ code: 'rate_limited' });
      expect(fake.requests).toHaveLength(2);
    });

    it('should retry a 5xx with backoff and succeed when Shopify recovers', async () => {
      fake.inject({ kind: 'status', status: 500 }, 2);

      const result = structured<OrdersOut>(await call(sut, 'list_orders'));

      expect(result.count).toBe(FIXTURE_ORDERS.length);
      expect(fake.requests).toHaveLength(3);
    });

    it('should give up as unavailable when 5xx persists past the retries', async () => {
      fake.inject({ kind: 'status', status: 503, body: { errors: 'Service Unavailable' } }, 5);

      const error = errorOf(await call(sut, 'list_orders'));

      expect(error).toEqual({ code: 'unavailable', message: 'shopify is unavailable (HTTP 503 on GET /orders.json after 3 attempts)' });
      expect(fake.requests).toHaveLength(3);
    });

    it('should time out a request that hangs', async () => {
      const hasty = await connect({ shopUrl: fake.url, timeoutMs: 200 });
      try {
        fake.inject({ kind: 'hang' });

        const error = errorOf(await call(hasty, 'get_order', { id: 450789469 }));

        expect(error).toEqual({ code: 'timeout', message: 'shopify did not answer GET /orders/450789469.json within 200 ms' });
      } finally {
        await hasty.close();
      }
    });

    it('should redact the token when Shopify echoes it in an error', async () => {
      fake.inject({ kind: 'status', status: 400, body: { errors: { page_info: [`bad request from ${TOKEN}`] } } });

      const error = errorOf(await call(sut, 'list_orders'));

      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain('[redacted]');
    });

    it('should send the token only in the X-Shopify-Access-Token header', async () => {
      structured<OrdersOut>(await call(sut, 'list_orders', { max_items: 2 }));

      expect(fake.requests.every((r) => r.hadToken && !JSON.stringify(r.query).includes(TOKEN))).toBe(true);
    });
  });

  describe(ShopifyApiClient.name, () => {
    it('should stop waiting when the caller aborts', async () => {
      const api = new ShopifyApiClient({ shopUrl: fake.url, accessToken: TOKEN, timeoutMs: 5_000 });
      fake.inject({ kind: 'hang' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);

      await expect(api.listOrders({ signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    });
  });
});
