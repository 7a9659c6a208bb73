// zod/v4 on purpose: these schemas meet the MCP SDK's registerTool generics (see postgres-mcp.server.ts).
import { z } from 'zod/v4';

/**
 * Only the fields Mosaic reads from the Shopify Admin REST API (2024-10). Unknown fields are
 * stripped, so tool results stay small and never carry what we did not ask for.
 */

/** Shopify sends money as decimal strings ("199.00"); accept a number too, keep a string. */
const Money = z.union([z.string(), z.number()]).transform(String);

export const LineItemSchema = z.object({
  title: z.string(),
  quantity: z.number().int(),
  sku: z.string().nullish(),
  price: Money.nullish(),
});

export const OrderSchema = z.object({
  id: z.number().int(),
  /** The merchant-facing order number, e.g. "#1001". */
  name: z.string(),
  email: z.string().nullish(),
  created_at: z.string(),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  total_price: Money,
  currency: z.string(),
  cancelled_at: z.string().nullish(),
  customer: z
    .object({ first_name: z.string().nullish(), last_name: z.string().nullish() })
    .nullish(),
  line_items: z.array(LineItemSchema).default([]),
});
export type Order = z.infer<typeof OrderSchema>;

export const VariantSchema = z.object({
  id: z.number().int(),
  title: z.string().nullish(),
  sku: z.string().nullish(),
  price: Money.nullish(),
  inventory_quantity: z.number().int().nullish(),
  inventory_item_id: z.number().int().nullish(),
});
export type Variant = z.infer<typeof VariantSchema>;

export const ProductSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  status: z.string().nullish(),
  vendor: z.string().nullish(),
  product_type: z.string().nullish(),
  variants: z.array(VariantSchema).default([]),
});
export type Product = z.infer<typeof ProductSchema>;

export const InventoryLevelSchema = z.object({
  inventory_item_id: z.number().int(),
  location_id: z.number().int(),
  /** Null when the item is not tracked at that location. */
  available: z.number().int().nullable(),
  updated_at: z.string().nullish(),
});
export type InventoryLevel = z.infer<typeof InventoryLevelSchema>;

export const OrdersPageSchema = z.object({ orders: z.array(OrderSchema) });
export const OrderEnvelopeSchema = z.object({ order: OrderSchema });
export const ProductsPageSchema = z.object({ products: z.array(ProductSchema) });
export const InventoryLevelsPageSchema = z.object({ inventory_levels: z.array(InventoryLevelSchema) });

/** `{"errors": "..."}` or `{"errors": {"field": ["..."]}}`. */
export const ErrorBodySchema = z.object({
  errors: z.union([z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))]),
});
