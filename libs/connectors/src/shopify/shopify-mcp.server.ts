import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
// zod/v4 (shipped inside zod 3.25) on purpose: with zod v3 shapes the SDK's registerTool
// generics make tsc run out of memory.
import { z } from 'zod/v4';
import { ShopifyApiClient } from './shopify-api.client';
import { ShopifyApiErrorCode, ShopifyApiException } from './shopify-api.exception';
import type { InventoryLevel, Order, Product } from './shopify-api.schemas';

export interface ShopifyMcpServerOptions {
  /** Holds the shop URL and the token; the server never sees the token itself. */
  client: ShopifyApiClient;
}

const DEFAULT_MAX_ITEMS = 50;
const MAX_ITEMS_CEILING = 1_000;
const READ_ONLY_TOOL = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

const shopifyId = z.number().int().positive();
const maxItems = z
  .number()
  .int()
  .min(1)
  .max(MAX_ITEMS_CEILING)
  .optional()
  .describe(`Most items to return across pages (default ${DEFAULT_MAX_ITEMS}).`);
const pageInfo = z
  .string()
  .min(1)
  .max(1_000)
  .optional()
  .describe('next_page_info from a previous call, to continue that listing; other filters are then ignored.');
const isoTime = z.string().min(4).max(40);

/**
 * An MCP server exposing a Shopify store read-only through the Admin REST API: orders, one
 * order, products and inventory levels. Failures come back as tool errors (`isError: true`)
 * carrying a code; no message ever contains the access token.
 */
export function createShopifyMcpServer(options: ShopifyMcpServerOptions): McpServer {
  const { client } = options;
  const server = new McpServer({ name: 'mosaic-shopify', version: '0.1.0' });

  server.registerTool(
    'list_orders',
    {
      title: 'List orders',
      description:
        'Orders of the store, newest first: name (e.g. "#1001"), customer, email, created_at, financial_status ' +
        '(paid, refunded, partially_refunded, ...), fulfillment_status, total and line items. Status defaults to "any" ' +
        '(open, closed and cancelled). "truncated" is true when there were more; pass next_page_info back to continue.',
      inputSchema: {
        status: z.enum(['open', 'closed', 'cancelled', 'any']).optional().describe('Order status; default "any".'),
        financial_status: z.string().max(40).optional().describe('e.g. paid, pending, refunded, partially_refunded.'),
        fulfillment_status: z.string().max(40).optional().describe('e.g. shipped, partial, unshipped, unfulfilled.'),
        created_at_min: isoTime.optional().describe('ISO 8601; orders created at or after.'),
        created_at_max: isoTime.optional().describe('ISO 8601; orders created at or before.'),
        name: z.string().min(1).max(40).optional().describe('An order name such as "#1001".'),
        max_items: maxItems,
        page_info: pageInfo,
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const page = await client.listOrders({
          status: args.status,
          financialStatus: args.financial_status,
          fulfillmentStatus: args.fulfillment_status,
          createdAtMin: args.created_at_min,
          createdAtMax: args.created_at_max,
          name: args.name,
          maxItems: args.max_items ?? DEFAULT_MAX_ITEMS,
          pageInfo: args.page_info,
          signal: extra.signal,
        });
        return {
          orders: page.items.map((order) => orderView(client.shopUrl, order)),
          count: page.items.length,
          truncated: page.truncated,
          next_page_info: page.nextPageInfo,
        };
      }),
  );

  server.registerTool(
    'get_order',
    {
      title: 'Get one order',
      description: 'One order by its numeric id (not its "#1001" name; use list_orders with "name" for that).',
      inputSchema: { id: shopifyId.describe('The order id, e.g. 450789469.') },
      annotations: READ_ONLY_TOOL,
    },
    ({ id }, extra) =>
      respond(client, async () => ({ order: orderView(client.shopUrl, await client.getOrder(id, extra.signal)) })),
  );

  server.registerTool(
    'list_products',
    {
      title: 'List products',
      description:
        'Products of the store with status, vendor and variants (sku, price, inventory_quantity, inventory_item_id). ' +
        '"truncated" is true when there were more; pass next_page_info back to continue.',
      inputSchema: {
        status: z.enum(['active', 'archived', 'draft']).optional().describe('Only products with this status.'),
        vendor: z.string().min(1).max(255).optional(),
        title: z.string().min(1).max(255).optional().describe('Exact product title.'),
        max_items: maxItems,
        page_info: pageInfo,
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const page = await client.listProducts({
          status: args.status,
          vendor: args.vendor,
          title: args.title,
          maxItems: args.max_items ?? DEFAULT_MAX_ITEMS,
          pageInfo: args.page_info,
          signal: extra.signal,
        });
        return {
          products: page.items.map((product) => productView(client.shopUrl, product)),
          count: page.items.length,
          truncated: page.truncated,
          next_page_info: page.nextPageInfo,
        };
      }),
  );

  server.registerTool(
    'get_inventory',
    {
      title: 'Get inventory levels',
      description:
        'Available stock per location. With inventory_item_ids, reads those items directly. Otherwise lists products ' +
        '(those in product_ids, or the first max_products of the store), takes their variants\' inventory_item_id and ' +
        'returns each level with its product title and sku.',
      inputSchema: {
        inventory_item_ids: z.array(shopifyId).min(1).max(250).optional(),
        product_ids: z.array(shopifyId).min(1).max(250).optional(),
        max_products: z
          .number()
          .int()
          .min(1)
          .max(250)
          .optional()
          .describe(`Products scanned when no ids are given (default ${DEFAULT_MAX_ITEMS}).`),
      },
      annotations: READ_ONLY_TOOL,
    },
    (args, extra) =>
      respond(client, async () => {
        const variants = new Map<number, VariantRef>();
        let productsTruncated = false;
        if (!args.inventory_item_ids) {
          const products = await client.listProducts({
            ids: args.product_ids,
            maxItems: args.product_ids?.length ?? args.max_products ?? DEFAULT_MAX_ITEMS,
            signal: extra.signal,
          });
          productsTruncated = products.truncated;
          for (const product of products.items) {
            for (const variant of product.variants) {
              if (variant.inventory_item_id == null) continue;
              variants.set(variant.inventory_item_id, {
                product_id: product.id,
                product_title: product.title,
                variant_title: variant.title ?? null,
                sku: variant.sku ?? null,
              });
            }
          }
        }
        const itemIds = args.inventory_item_ids ?? [...variants.keys()];
        const levels = itemIds.length ? await client.getInventoryLevels(itemIds, extra.signal) : [];
        return {
          levels: levels.map((level) => levelView(client.shopUrl, level, variants.get(level.inventory_item_id))),
          count: levels.length,
          products_truncated: productsTruncated,
        };
      }),
  );

  return server;
}

interface VariantRef {
  product_id: number;
  product_title: string;
  variant_title: string | null;
  sku: string | null;
}

function orderView(shopUrl: string, order: Order) {
  const customer = [order.customer?.first_name, order.customer?.last_name].filter(Boolean).join(' ');
  return {
    id: order.id,
    name: order.name,
    created_at: order.created_at,
    customer: customer || null,
    email: order.email ?? null,
    financial_status: order.financial_status ?? null,
    fulfillment_status: order.fulfillment_status ?? null,
    cancelled_at: order.cancelled_at ?? null,
    total_price: order.total_price,
    currency: order.currency,
    line_items: order.line_items.map((item) => ({ title: item.title, quantity: item.quantity, sku: item.sku ?? null })),
    admin_url: `${shopUrl}/admin/orders/${order.id}`,
  };
}

function productView(shopUrl: string, product: Product) {
  return {
    id: product.id,
    title: product.title,
    status: product.status ?? null,
    vendor: product.vendor ?? null,
    product_type: product.product_type ?? null,
    variants: product.variants.map((variant) => ({
      id: variant.id,
      title: variant.title ?? null,
      sku: variant.sku ?? null,
      price: variant.price ?? null,
      inventory_quantity: variant.inventory_quantity ?? null,
      inventory_item_id: variant.inventory_item_id ?? null,
    })),
    admin_url: `${shopUrl}/admin/products/${product.id}`,
  };
}

function levelView(shopUrl: string, level: InventoryLevel, variant: VariantRef | undefined) {
  return {
    inventory_item_id: level.inventory_item_id,
    location_id: level.location_id,
    available: level.available,
    updated_at: level.updated_at ?? null,
    ...(variant ? { ...variant, admin_url: `${shopUrl}/admin/products/${variant.product_id}` } : {}),
  };
}

/** Runs a tool body and turns its value, or its failure, into a CallToolResult. */
async function respond(client: ShopifyApiClient, body: () => Promise<object>): Promise<CallToolResult> {
  try {
    // JSON round trip: undefined disappears, so stdio and in-memory transports carry the same object.
    const structured = JSON.parse(JSON.stringify(await body())) as Record<string, unknown>;
    return { content: [{ type: 'text', text: JSON.stringify(structured, null, 2) }], structuredContent: structured };
  } catch (error) {
    const failure =
      error instanceof ShopifyApiException
        ? error
        : new ShopifyApiException(
            ShopifyApiErrorCode.UnexpectedResponse,
            client.redact(`shopify tool failed: ${error instanceof Error ? error.message : String(error)}`),
            { cause: error },
          );
    return {
      isError: true,
      content: [{ type: 'text', text: failure.message }],
      structuredContent: {
        error: {
          code: failure.code,
          message: failure.message,
          ...(failure.retryAfterSeconds !== undefined ? { retry_after_seconds: failure.retryAfterSeconds } : {}),
        },
      },
    };
  }
}
