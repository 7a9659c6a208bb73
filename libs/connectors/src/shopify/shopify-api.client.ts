import { z } from 'zod/v4';
import {
  abortableSleep,
  AbortedError,
  fetchJson,
  networkReason,
  RawResponse,
  RetryPolicy,
  RetryVerdict,
  withRetries,
} from '../http/api-request';
import { ShopifyApiErrorCode, ShopifyApiException } from './shopify-api.exception';
import {
  ErrorBodySchema,
  InventoryLevel,
  InventoryLevelsPageSchema,
  Order,
  OrderEnvelopeSchema,
  OrdersPageSchema,
  Product,
  ProductsPageSchema,
} from './shopify-api.schemas';

/** Pinned so Shopify never changes response shapes under us. */
export const SHOPIFY_API_VERSION = '2024-10';
/** Shopify's own page-size ceiling for REST listings. */
export const MAX_PAGE_SIZE = 250;
/** Most ids one inventory_levels request may name. */
export const MAX_INVENTORY_ITEM_IDS = 50;

export interface ShopifyApiClientOptions {
  /** `https://<shop>.myshopify.com` (or a bare host); tests point it at a fake. */
  shopUrl: string;
  /** Sent only as `X-Shopify-Access-Token`; never logged, never part of an error message. */
  accessToken: string;
  /** Per HTTP request, including reading the body. */
  timeoutMs?: number;
  /** A 429 whose Retry-After is at most this long is waited out once; a longer one fails at once. */
  maxRateLimitWaitMs?: number;
  /** Delays before each retry of a 5xx or unreachable shop (every request here is a GET). */
  serverErrorRetryDelaysMs?: readonly number[];
  /** Most pages one listing follows, whatever `maxItems` says. */
  maxPages?: number;
  fetch?: typeof fetch;
}

export interface ListOptions {
  /** Most items returned across pages (bounded by `maxPages` × 250). */
  maxItems?: number;
  /** Continue a previous listing: Shopify then ignores (forbids) every other filter. */
  pageInfo?: string;
  signal?: AbortSignal;
}

export interface ListOrdersOptions extends ListOptions {
  /** Shopify's default is `open`; `any` includes closed and cancelled orders. */
  status?: 'open' | 'closed' | 'cancelled' | 'any';
  financialStatus?: string;
  fulfillmentStatus?: string;
  /** ISO 8601 bounds on `created_at`. */
  createdAtMin?: string;
  createdAtMax?: string;
  /** The order name, e.g. `#1001` (the `#` is optional). */
  name?: string;
}

export interface ListProductsOptions extends ListOptions {
  status?: 'active' | 'archived' | 'draft';
  vendor?: string;
  title?: string;
  ids?: readonly number[];
}

/** One listing, possibly gathered from several pages. */
export interface Page<T> {
  items: T[];
  /** True when Shopify had more than was returned. */
  truncated: boolean;
  /** Pass back as `pageInfo` to continue where this listing stopped. */
  nextPageInfo?: string;
}


type Query = Record<string, string | number | undefined>;

/**
 * A small typed client for the read-only Shopify Admin REST endpoints Mosaic uses. It follows
 * `Link` / `page_info` cursor pagination within bounds, waits out a short 429 once, retries 5xx
 * with backoff, bounds every request by a timeout and the caller's AbortSignal, and parses each
 * response against the fields it uses.
 */
export class ShopifyApiClient {
  readonly shopUrl: string;
  private readonly apiBase: string;
  private readonly accessToken: string;
  private readonly timeoutMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly maxPages: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ShopifyApiClientOptions) {
    if (!options.accessToken) throw new Error('a Shopify access token is required');
    this.shopUrl = normalizeShopUrl(options.shopUrl);
    this.apiBase = `${this.shopUrl}/admin/api/${SHOPIFY_API_VERSION}`;
    this.accessToken = options.accessToken;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 5_000;
    this.retryDelaysMs = options.serverErrorRetryDelaysMs ?? [250, 1_000];
    this.maxPages = options.maxPages ?? 10;
    this.fetchImpl = options.fetch ?? fetch;
  }

  listOrders(options: ListOrdersOptions = {}): Promise<Page<Order>> {
    const query: Query = {
      status: options.status ?? 'any',
      financial_status: options.financialStatus,
      fulfillment_status: options.fulfillmentStatus,
      created_at_min: options.createdAtMin,
      created_at_max: options.createdAtMax,
      name: options.name,
    };
    return this.paginate('/orders.json', query, options, (body, what) => this.parse(OrdersPageSchema, body, what).orders);
  }

  async getOrder(id: number, signal?: AbortSignal): Promise<Order> {
    const path = `/orders/${encodeURIComponent(String(id))}.json`;
    const response = await this.request(this.url(path, {}), signal);
    return this.parse(OrderEnvelopeSchema, response.body, `GET ${path}`).order;
  }

  listProducts(options: ListProductsOptions = {}): Promise<Page<Product>> {
    const query: Query = {
      status: options.status,
      vendor: options.vendor,
      title: options.title,
      ids: options.ids?.length ? options.ids.join(',') : undefined,
    };
    return this.paginate('/products.json', query, options, (body, what) => this.parse(ProductsPageSchema, body, what).products);
  }

  /** Stock per location for the given inventory items, 50 ids per request. */
  async getInventoryLevels(inventoryItemIds: readonly number[], signal?: AbortSignal): Promise<InventoryLevel[]> {
    const ids = [...new Set(inventoryItemIds)];
    const levels: InventoryLevel[] = [];
    for (let start = 0; start < ids.length; start += MAX_INVENTORY_ITEM_IDS) {
      const chunk = ids.slice(start, start + MAX_INVENTORY_ITEM_IDS);
      const page = await this.paginate(
        '/inventory_levels.json',
        { inventory_item_ids: chunk.join(',') },
        { maxItems: MAX_PAGE_SIZE * this.maxPages, signal },
        (body, what) => this.parse(InventoryLevelsPageSchema, body, what).inventory_levels,
      );
      levels.push(...page.items);
    }
    return levels;
  }

  /** Replaces the token wherever it might occur, for text that crosses a trust boundary. */
  redact(text: string): string {
    return text.split(this.accessToken).join('[redacted]');
  }

  private async paginate<T>(
    path: string,
    filters: Query,
    options: ListOptions,
    extract: (body: unknown, what: string) => T[],
  ): Promise<Page<T>> {
    const maxItems = Math.max(1, Math.trunc(options.maxItems ?? 50));
    const what = `GET ${path}`;
    const items: T[] = [];
    // Only page_info from a `Link` header is followed, never the link's host, so the token goes
    // to the configured shop alone. Each request asks for exactly what is still wanted, so pages end where the listing stops
    // and the next page_info resumes without skipping anything. With page_info, Shopify allows
    // only `limit` beside it.
    let pageInfo = options.pageInfo;
    let url = this.url(path, pageInfo ? { limit: pageSize(maxItems), page_info: pageInfo } : { ...filters, limit: pageSize(maxItems) });
    for (let pages = 1; ; pages++) {
      const response = await this.request(url, options.signal);
      items.push(...extract(response.body, what));
      pageInfo = nextPageInfo(response.headers.get('link'));
      const remaining = maxItems - items.length;
      if (!pageInfo || remaining <= 0 || pages >= this.maxPages) break;
      url = this.url(path, { limit: pageSize(remaining), page_info: pageInfo });
    }
    return {
      items: items.slice(0, maxItems),
      truncated: pageInfo !== undefined || items.length > maxItems,
      ...(pageInfo !== undefined && items.length <= maxItems ? { nextPageInfo: pageInfo } : {}),
    };
  }

  private request(url: URL, signal: AbortSignal | undefined): Promise<RawResponse> {
    const what = `GET ${url.pathname.replace(/^.*\/admin\/api\/[^/]+/, '')}`;
    const policy: RetryPolicy = { serverErrorDelaysMs: this.retryDelaysMs, rateLimitRetries: 1, maxRateLimitWaitMs: this.maxRateLimitWaitMs };
    return withRetries(
      policy,
      () => this.attempt(url, signal, what),
      (outcome) => this.classify(outcome, what),
      (ms) => abortableSleep(ms, signal, this.aborted(what)),
    );
  }

  private classify(outcome: RawResponse | { error: unknown }, what: string): RetryVerdict<RawResponse> {
    if ('error' in outcome) {
      return {
        serverError: () =>
          this.fail(ShopifyApiErrorCode.Unavailable, `shopify is unreachable (${what}): ${networkReason(outcome.error)}`, { cause: outcome.error }),
      };
    }
    const { status, headers, body } = outcome;
    if (status >= 200 && status < 300) return { done: outcome };

    const detail = errorMessage(body);
    if (status === 401 || status === 403) {
      return {
        fail: this.fail(
          ShopifyApiErrorCode.CredentialsRejected,
          `credentials rejected for shopify (HTTP ${status}${detail ? `: ${detail}` : ''}); check the access token and its read scopes`,
          { status },
        ),
      };
    }
    if (status === 429) {
      const waitMs = retryAfterMs(headers.get('retry-after'));
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      return {
        retryAfterMs: waitMs,
        rateLimited: () =>
          this.fail(ShopifyApiErrorCode.RateLimited, `shopify rate limited; retry after ${seconds} s`, { status, retryAfterSeconds: seconds }),
      };
    }
    if (status >= 500) {
      return {
        serverError: ({ serverErrors }) => {
          const attempts = serverErrors + 1;
          return this.fail(
            ShopifyApiErrorCode.Unavailable,
            `shopify is unavailable (HTTP ${status} on ${what}${attempts > 1 ? ` after ${attempts} attempts` : ''})`,
            { status },
          );
        },
      };
    }
    if (status === 404) return { fail: this.fail(ShopifyApiErrorCode.NotFound, `not found on shopify (${what})`, { status }) };
    return {
      fail: this.fail(ShopifyApiErrorCode.InvalidRequest, `shopify rejected ${what} (HTTP ${status}${detail ? `: ${detail}` : ''})`, { status }),
    };
  }

  /** One HTTP exchange, body included, bounded by the timeout and the caller's signal. */
  private attempt(url: URL, signal: AbortSignal | undefined, what: string): Promise<RawResponse | { error: unknown }> {
    return fetchJson(
      this.fetchImpl,
      url,
      { method: 'GET', headers: { Accept: 'application/json', 'X-Shopify-Access-Token': this.accessToken } },
      {
        signal,
        timeoutMs: this.timeoutMs,
        aborted: this.aborted(what),
        timedOut: (cause) => this.fail(ShopifyApiErrorCode.Timeout, `shopify did not answer ${what} within ${this.timeoutMs} ms`, { cause }),
        isOwnError: (error) => error instanceof ShopifyApiException,
        notJson: (cause) => new ShopifyApiException(ShopifyApiErrorCode.UnexpectedResponse, 'shopify returned a response that is not JSON', { cause }),
      },
    );
  }

  private parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw this.fail(ShopifyApiErrorCode.UnexpectedResponse, `shopify returned an unexpected response to ${what}${where}: ${issue?.message}`, {
      cause: parsed.error,
    });
  }

  private url(path: string, query: Query): URL {
    const url = new URL(`${this.apiBase}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    return url;
  }

  private aborted(what: string): AbortedError {
    return (options) => this.fail(ShopifyApiErrorCode.Aborted, `shopify request aborted (${what})`, options);
  }

  private fail(
    code: ShopifyApiErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; retryAfterSeconds?: number },
  ): ShopifyApiException {
    return new ShopifyApiException(code, this.redact(message), options);
  }
}

/** `acme.myshopify.com`, `https://acme.myshopify.com/admin/` → `https://acme.myshopify.com`. */
export function normalizeShopUrl(value: string): string {
  const trimmed = value.trim();
  const url = new URL(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/admin$/, '')}`;
}

/**
 * The `page_info` of the `rel="next"` link in a Shopify `Link` header, e.g.
 * `<https://shop/admin/api/2024-10/orders.json?limit=50&page_info=abc>; rel="next"`.
 */
export function nextPageInfo(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>\s*;\s*rel="([^"]*)"/g)) {
    if (!match[2]!.split(/\s+/).includes('next')) continue;
    try {
      return new URL(match[1]!).searchParams.get('page_info') ?? undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Shopify sends `Retry-After: 2.0` (seconds, possibly fractional); a missing or odd value means 2 s. */
export function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return header !== null && header.trim() !== '' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 2_000;
}

function pageSize(wanted: number): number {
  return Math.min(MAX_PAGE_SIZE, Math.max(1, wanted));
}

function errorMessage(body: unknown): string | undefined {
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { errors } = parsed.data;
  if (typeof errors === 'string') return errors;
  return Object.entries(errors)
    .map(([field, messages]) => `${field}: ${[messages].flat().join(', ')}`)
    .join('; ');
}


