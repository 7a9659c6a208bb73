import { SourceItem } from '@mosaic/contracts';
import { keywords, overlapScore } from '@mosaic/llm';
import { z } from 'zod/v4';
import { ConnectorDefinition, directRoute, StrategyResult, ToolCaller } from '../connector';
import { builtServerEntry } from '../paths';

const MAX_ITEMS = 8;
const ORDERS_SCANNED = 50;

/** A Shopify store through our own read-only MCP server over the Admin REST API. */
export const shopifyConnector: ConnectorDefinition = {
  metadata: {
    id: 'shopify',
    name: 'Shopify',
    description: 'Online store orders, products, stock levels and refunds in Shopify',
    icon: 'shopping-cart',
  },
  keywords: [
    'shopify', 'store', 'shop', 'storefront', 'ecommerce', 'e-commerce', 'online', 'product', 'catalog', 'inventory',
    'stock', 'sku', 'variant', 'sale', 'sold', 'sell', 'order', 'fulfillment', 'fulfilled', 'unfulfilled', 'shipped',
    'shipping', 'cart', 'checkout', 'refund', 'refunded', 'merchandise',
  ],
  probe: { tool: 'list_products', args: { max_items: 1 } },
  credentialFields: [
    { name: 'shop_url', label: 'Shop URL (https://<shop>.myshopify.com)', type: 'url', required: true, envVar: 'SHOPIFY_SHOP_URL' },
    { name: 'access_token', label: 'Admin API access token (read scopes)', type: 'password', required: true, envVar: 'SHOPIFY_ACCESS_TOKEN' },
  ],
  // Order matters: "stock of our products" is an inventory question.
  directRouting: [
    { keywords: ['inventory', 'stock', 'in stock', 'out of stock', 'sold out'], tool: 'get_inventory' },
    { keywords: ['products', 'product', 'catalog', 'catalogue', 'sku', 'skus', 'variants'], tool: 'list_products' },
  ],
  launch: (credentials) => ({
    kind: 'stdio',
    command: process.execPath,
    args: [builtServerEntry('shopify/shopify-mcp.main.js')],
    env: { SHOPIFY_SHOP_URL: credentials['shop_url'] ?? '', SHOPIFY_ACCESS_TOKEN: credentials['access_token'] ?? '' },
  }),
  localStrategy: (query, call) => answerFromShopify(query, call),
};

/** `#1001`, `order 1001`, `order no. 1001`: the merchant-facing order name, normalised to `#1001`. */
export function orderNameIn(query: string): string | undefined {
  const match = /#\s?(\d{3,})\b/.exec(query) ?? /\border\s+(?:number\s+|no\.?\s*)?(\d{3,})\b/i.exec(query);
  return match ? `#${match[1]}` : undefined;
}

export async function answerFromShopify(query: string, call: ToolCaller): Promise<StrategyResult> {
  const queryKeywords = keywords(query);
  const name = orderNameIn(query);
  if (name) {
    const orders = OrdersResultSchema.parse(await callJson(call, 'list_orders', { name, status: 'any', max_items: 5 })).orders;
    return {
      items: orders.map((order) => ({ ...orderItem(order, queryKeywords), score: 1 })),
      summary: orders.length ? `Found order ${name}.` : `The store has no order named ${name}.`,
    };
  }

  const tool = directRoute(shopifyConnector, query)?.tool ?? 'list_orders';
  if (tool === 'get_inventory') {
    const { levels } = InventoryResultSchema.parse(await callJson(call, 'get_inventory', {}));
    const lowFirst = /\b(low|out|sold out|running|short|restock)\b/i.test(query);
    const ordered = lowFirst ? [...levels].sort((a, b) => (a.available ?? 0) - (b.available ?? 0)) : levels;
    const items = best(ordered.map((level) => levelItem(level, queryKeywords)));
    return { items, summary: `Read ${levels.length} inventory level(s); ${items.length} shown.` };
  }
  if (tool === 'list_products') {
    const { products, truncated } = ProductsResultSchema.parse(await callJson(call, 'list_products', { max_items: ORDERS_SCANNED }));
    const items = best(products.map((product) => productItem(product, queryKeywords)));
    return { items, summary: `Read ${products.length}${truncated ? '+' : ''} product(s); ${items.length} shown.` };
  }
  const { orders, truncated } = OrdersResultSchema.parse(
    await callJson(call, 'list_orders', { status: 'any', max_items: ORDERS_SCANNED }),
  );
  const items = best(orders.map((order) => orderItem(order, queryKeywords)));
  return { items, summary: `Read the ${orders.length}${truncated ? ' latest' : ''} order(s); ${items.length} shown.` };
}

async function callJson(call: ToolCaller, tool: string, args: Record<string, unknown>): Promise<unknown> {
  const result = await call(tool, args);
  if (!result.ok) throw new Error(`${tool} failed: ${result.text}`);
  if (result.structured) return result.structured;
  try {
    return JSON.parse(result.text);
  } catch (error) {
    throw new Error(`${tool} returned text that is not JSON`, { cause: error });
  }
}

/**
 * The most relevant items, keeping the tool's order among equals (newest orders first). When no
 * item shares a word with the question, it asked for a listing ("latest sales"): keep the first few.
 */
function best(items: SourceItem[]): SourceItem[] {
  const relevant = items.filter((item) => item.score > 0);
  const ranked = (relevant.length ? relevant : items).map((item, index) => ({ item, index }));
  ranked.sort((a, b) => b.item.score - a.item.score || a.index - b.index);
  return ranked.slice(0, MAX_ITEMS).map(({ item }) => item);
}

function score(queryKeywords: readonly string[], content: string, title: string): number {
  return Number(overlapScore(queryKeywords, content, title).toFixed(3));
}

function humanize(status: string | null | undefined): string | undefined {
  return status ? status.replace(/_/g, ' ') : undefined;
}

function orderItem(order: OrderView, queryKeywords: readonly string[]): SourceItem {
  const title = `Order ${order.name}${order.customer ? ` (${order.customer})` : ''}`;
  const content = [
    `Order ${order.name}`,
    order.created_at.slice(0, 10),
    order.customer ? `${order.customer}${order.email ? ` <${order.email}>` : ''}` : order.email,
    `payment ${humanize(order.financial_status) ?? 'unknown'}`,
    `fulfillment ${humanize(order.fulfillment_status) ?? 'unfulfilled'}`,
    order.cancelled_at ? `cancelled ${order.cancelled_at.slice(0, 10)}` : undefined,
    `total ${order.total_price} ${order.currency}`,
    order.line_items.map((item) => `${item.quantity}× ${item.title}`).join(', ') || undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  return { id: `order:${order.name}`, title, url: order.admin_url, tool: 'list_orders', content, score: score(queryKeywords, content, title) };
}

function productItem(product: ProductView, queryKeywords: readonly string[]): SourceItem {
  const variants = product.variants
    .map((v) => [v.title && v.title !== 'Default Title' ? v.title : undefined, v.sku ? `SKU ${v.sku}` : undefined, v.price ? `price ${v.price}` : undefined, v.inventory_quantity != null ? `${v.inventory_quantity} in stock` : undefined].filter(Boolean).join(' '))
    .join('; ');
  const content = [product.title, humanize(product.status), product.vendor ? `vendor ${product.vendor}` : undefined, product.product_type ?? undefined, variants || undefined]
    .filter(Boolean)
    .join(' · ');
  return {
    id: `product:${product.id}`,
    title: `Product ${product.title}`,
    url: product.admin_url,
    tool: 'list_products',
    content,
    score: score(queryKeywords, content, product.title),
  };
}

function levelItem(level: LevelView, queryKeywords: readonly string[]): SourceItem {
  const what = level.product_title
    ? `${level.product_title}${level.variant_title && level.variant_title !== 'Default Title' ? ` (${level.variant_title})` : ''}`
    : `Inventory item ${level.inventory_item_id}`;
  const stock = level.available === null ? 'not tracked' : `${level.available} in stock`;
  const content = `${what}${level.sku ? ` · SKU ${level.sku}` : ''} · ${stock} at location ${level.location_id}`;
  return {
    id: `inventory:${level.inventory_item_id}@${level.location_id}`,
    title: `Stock of ${what}`,
    url: level.admin_url,
    tool: 'get_inventory',
    content,
    score: score(queryKeywords, content, what),
  };
}

/** The tool results' shapes (shopify-mcp.server.ts), parsed before use. */
const OrderViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  created_at: z.string(),
  customer: z.string().nullish(),
  email: z.string().nullish(),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  total_price: z.string(),
  currency: z.string(),
  line_items: z.array(z.object({ title: z.string(), quantity: z.number() })),
  admin_url: z.string().optional(),
});
type OrderView = z.infer<typeof OrderViewSchema>;
const OrdersResultSchema = z.object({ orders: z.array(OrderViewSchema), truncated: z.boolean().default(false) });

const ProductViewSchema = z.object({
  id: z.number(),
  title: z.string(),
  status: z.string().nullish(),
  vendor: z.string().nullish(),
  product_type: z.string().nullish(),
  variants: z.array(
    z.object({ title: z.string().nullish(), sku: z.string().nullish(), price: z.string().nullish(), inventory_quantity: z.number().nullish() }),
  ),
  admin_url: z.string().optional(),
});
type ProductView = z.infer<typeof ProductViewSchema>;
const ProductsResultSchema = z.object({ products: z.array(ProductViewSchema), truncated: z.boolean().default(false) });

const LevelViewSchema = z.object({
  inventory_item_id: z.number(),
  location_id: z.number(),
  available: z.number().nullable(),
  product_title: z.string().optional(),
  variant_title: z.string().nullish(),
  sku: z.string().nullish(),
  admin_url: z.string().optional(),
});
type LevelView = z.infer<typeof LevelViewSchema>;
const InventoryResultSchema = z.object({ levels: z.array(LevelViewSchema) });
