import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FIXTURE_INVENTORY_LEVELS, FIXTURE_ORDERS, FIXTURE_PRODUCTS } from './shopify-fixtures';

/**
 * A local stand-in for the Shopify Admin REST API (2024-10) serving the real response shapes:
 * `{"orders": [...]}` envelopes, `Link: <...page_info=...>; rel="next"` cursor pagination, the
 * 401 body Shopify sends for a bad token, and injectable faults (429 with `Retry-After: 2.0`,
 * 5xx, hangs). Tests only; never a model of Shopify's business rules beyond the filters used.
 */
export interface FakeShopifyOptions {
  accessToken: string;
  orders?: ReadonlyArray<Record<string, unknown>>;
  products?: ReadonlyArray<Record<string, unknown>>;
  inventoryLevels?: ReadonlyArray<Record<string, unknown>>;
}

export type FakeFault =
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'rate_limit'; retryAfter: string }
  | { kind: 'hang' };

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  hadToken: boolean;
}

export interface FakeShopify {
  /** The shop URL, e.g. `http://127.0.0.1:54321`. */
  url: string;
  requests: RecordedRequest[];
  /** The next `times` API requests get this fault instead of an answer. */
  inject(fault: FakeFault, times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

const API_PREFIX = '/admin/api/2024-10';
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 250;
export const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
const RATE_LIMIT_BODY = { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' };

type Item = Record<string, unknown>;

export async function startFakeShopify(options: FakeShopifyOptions): Promise<FakeShopify> {
  const orders = options.orders ?? FIXTURE_ORDERS;
  const products = options.products ?? FIXTURE_PRODUCTS;
  const levels = options.inventoryLevels ?? FIXTURE_INVENTORY_LEVELS;
  const faults: FakeFault[] = [];
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const token = req.headers['x-shopify-access-token'];
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query, hadToken: token === options.accessToken });

    const fault = faults.shift();
    if (fault?.kind === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (fault?.kind === 'rate_limit') return send(res, 429, RATE_LIMIT_BODY, { 'Retry-After': fault.retryAfter });
    if (fault?.kind === 'status') return send(res, fault.status, fault.body ?? { errors: 'Internal Server Error' });

    if (token !== options.accessToken) return send(res, 401, INVALID_TOKEN_BODY);
    if (req.method !== 'GET') return send(res, 406, { errors: 'Not Acceptable' });
    route(res, url, { orders, products, levels });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    requests,
    inject(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    reset() {
      faults.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function route(
    res: ServerResponse,
    url: URL,
    data: { orders: readonly Item[]; products: readonly Item[]; levels: readonly Item[] },
  ): void {
    const path = url.pathname;
    const params = url.searchParams;
    if (path === `${API_PREFIX}/orders.json`) {
      return paginate(res, url, 'orders', (p) => data.orders.filter((o) => orderMatches(o, p)));
    }
    const single = new RegExp(`^${API_PREFIX}/orders/(\\d+)\\.json$`).exec(path);
    if (single) {
      const found = data.orders.find((o) => String(o['id']) === single[1]);
      return found ? send(res, 200, { order: found }) : send(res, 404, { errors: 'Not Found' });
    }
    if (path === `${API_PREFIX}/products.json`) {
      return paginate(res, url, 'products', (p) => data.products.filter((item) => productMatches(item, p)));
    }
    if (path === `${API_PREFIX}/inventory_levels.json`) {
      if (!params.get('inventory_item_ids') && !params.get('location_ids') && !params.get('page_info')) {
        return send(res, 422, { errors: { inventory_item_ids: ['Inventory item ids or location ids must be present'] } });
      }
      return paginate(res, url, 'inventory_levels', (p) => data.levels.filter((l) => levelMatches(l, p)));
    }
    send(res, 404, { errors: 'Not Found' });
  }

  /**
   * Shopify's cursor pagination: the first request carries the filters; page_info encodes them
   * with the position, and a request with page_info may add only `limit` (and `fields`).
   */
  function paginate(res: ServerResponse, url: URL, key: string, select: (filters: URLSearchParams) => readonly Item[]): void {
    const params = url.searchParams;
    const limit = Number(params.get('limit') ?? DEFAULT_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return send(res, 400, { errors: { limit: [`must be between 1 and ${MAX_LIMIT}`] } });
    }
    let filters = new URLSearchParams(params);
    let offset = 0;
    const pageInfo = params.get('page_info');
    if (pageInfo) {
      const extra = [...params.keys()].filter((k) => k !== 'page_info' && k !== 'limit' && k !== 'fields');
      if (extra.length) return send(res, 400, { errors: { page_info: [`cannot be combined with ${extra.join(', ')}`] } });
      const cursor = decodeCursor(pageInfo);
      if (!cursor) return send(res, 400, { errors: { page_info: ['Invalid value.'] } });
      filters = new URLSearchParams(cursor.filters);
      offset = cursor.offset;
    }
    filters.delete('limit');
    const all = select(filters);
    const page = all.slice(offset, offset + limit);
    const links: string[] = [];
    const link = (to: number, rel: string) =>
      `<${base}${url.pathname}?limit=${limit}&page_info=${encodeCursor({ filters: filters.toString(), offset: to })}>; rel="${rel}"`;
    if (offset > 0) links.push(link(Math.max(0, offset - limit), 'previous'));
    if (offset + limit < all.length) links.push(link(offset + limit, 'next'));
    send(res, 200, { [key]: page }, links.length ? { Link: links.join(', ') } : {});
  }
}

function orderMatches(order: Item, filters: URLSearchParams): boolean {
  const status = filters.get('status') ?? 'open';
  if (status === 'open' && (order['closed_at'] || order['cancelled_at'])) return false;
  if (status === 'closed' && !order['closed_at']) return false;
  if (status === 'cancelled' && !order['cancelled_at']) return false;
  const financial = filters.get('financial_status');
  if (financial && financial !== 'any' && order['financial_status'] !== financial) return false;
  const fulfillment = filters.get('fulfillment_status');
  if (fulfillment && fulfillment !== 'any') {
    const value = order['fulfillment_status'] ?? 'unfulfilled';
    if (fulfillment === 'shipped' ? value !== 'fulfilled' : fulfillment === 'unshipped' ? value !== 'unfulfilled' : value !== fulfillment) return false;
  }
  const created = Date.parse(String(order['created_at']));
  const min = filters.get('created_at_min');
  if (min && created < Date.parse(min)) return false;
  const max = filters.get('created_at_max');
  if (max && created > Date.parse(max)) return false;
  const name = filters.get('name');
  if (name && String(order['name']).replace(/^#/, '') !== name.replace(/^#/, '')) return false;
  return true;
}

function productMatches(product: Item, filters: URLSearchParams): boolean {
  const ids = filters.get('ids');
  if (ids && !ids.split(',').includes(String(product['id']))) return false;
  for (const key of ['status', 'vendor', 'title']) {
    const wanted = filters.get(key);
    if (wanted && product[key] !== wanted) return false;
  }
  return true;
}

function levelMatches(level: Item, filters: URLSearchParams): boolean {
  const items = filters.get('inventory_item_ids');
  if (items && !items.split(',').includes(String(level['inventory_item_id']))) return false;
  const locations = filters.get('location_ids');
  if (locations && !locations.split(',').includes(String(level['location_id']))) return false;
  return true;
}

function encodeCursor(cursor: { filters: string; offset: number }): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(value: string): { filters: string; offset: number } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { filters?: unknown; offset?: unknown };
    if (typeof parsed.filters === 'string' && Number.isInteger(parsed.offset)) return { filters: parsed.filters, offset: parsed.offset as number };
  } catch {
    // fall through: an unreadable cursor is Shopify's "Invalid value."
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
