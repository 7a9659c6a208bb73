/**
 * A fictional store's data in the Shopify Admin REST 2024-10 shapes, extra fields included so
 * tests show the client keeps only what it parses. Ids are Shopify-sized integers.
 */

const SHOP_CURRENCY = 'USD';

interface FixtureLineItem {
  id: number;
  title: string;
  quantity: number;
  sku: string | null;
  price: string;
  product_id: number;
  variant_id: number;
}

function customer(id: number, first: string, last: string, email: string) {
  return { id, email, first_name: first, last_name: last, orders_count: 2, state: 'enabled', tags: '', currency: SHOP_CURRENCY };
}

function order(input: {
  id: number;
  number: number;
  createdAt: string;
  email: string | null;
  financial: string;
  fulfillment: string | null;
  total: string;
  customer: ReturnType<typeof customer> | null;
  lineItems: FixtureLineItem[];
  closedAt?: string | null;
  cancelledAt?: string | null;
  cancelReason?: string | null;
}) {
  return {
    id: input.id,
    admin_graphql_api_id: `gid://shopify/Order/${input.id}`,
    name: `#${input.number}`,
    order_number: input.number,
    email: input.email,
    contact_email: input.email,
    created_at: input.createdAt,
    updated_at: input.createdAt,
    processed_at: input.createdAt,
    closed_at: input.closedAt ?? null,
    cancelled_at: input.cancelledAt ?? null,
    cancel_reason: input.cancelReason ?? null,
    financial_status: input.financial,
    fulfillment_status: input.fulfillment,
    currency: SHOP_CURRENCY,
    presentment_currency: SHOP_CURRENCY,
    total_price: input.total,
    subtotal_price: input.total,
    total_tax: '0.00',
    test: false,
    tags: '',
    note: null,
    browser_ip: '203.0.113.7',
    customer: input.customer,
    line_items: input.lineItems,
  };
}

const alice = customer(7001, 'Alice', 'Nguyen', 'alice@example.com');
const bruno = customer(7002, 'Bruno', 'Costa', 'bruno@example.com');
const chloe = customer(7003, 'Chloe', 'Martin', 'chloe@example.com');

const mug: FixtureLineItem = { id: 9101, title: 'Ceramic Mug', quantity: 2, sku: 'MUG-CER-01', price: '14.00', product_id: 632910392, variant_id: 808950810 };
const kettle: FixtureLineItem = { id: 9102, title: 'Pour-over Kettle', quantity: 1, sku: 'KET-PO-01', price: '59.00', product_id: 632910393, variant_id: 808950820 };
const beans: FixtureLineItem = { id: 9103, title: 'Ethiopia Yirgacheffe Beans', quantity: 3, sku: 'BEAN-ETH-250', price: '18.00', product_id: 632910394, variant_id: 808950830 };

/** Newest first, as Shopify lists them. */
export const FIXTURE_ORDERS = [
  order({ id: 450789475, number: 1006, createdAt: '2024-10-06T09:12:00-04:00', email: 'alice@example.com', financial: 'paid', fulfillment: null, total: '28.00', customer: alice, lineItems: [mug] }),
  order({ id: 450789474, number: 1005, createdAt: '2024-10-05T16:40:00-04:00', email: 'chloe@example.com', financial: 'refunded', fulfillment: null, total: '59.00', customer: chloe, lineItems: [kettle], closedAt: '2024-10-05T18:00:00-04:00', cancelledAt: '2024-10-05T18:00:00-04:00', cancelReason: 'customer' }),
  order({ id: 450789473, number: 1004, createdAt: '2024-10-04T11:05:00-04:00', email: 'bruno@example.com', financial: 'partially_refunded', fulfillment: 'fulfilled', total: '113.00', customer: bruno, lineItems: [kettle, beans], closedAt: '2024-10-07T10:00:00-04:00' }),
  order({ id: 450789472, number: 1003, createdAt: '2024-10-03T08:30:00-04:00', email: null, financial: 'pending', fulfillment: null, total: '54.00', customer: null, lineItems: [beans] }),
  order({ id: 450789471, number: 1002, createdAt: '2024-10-02T14:22:00-04:00', email: 'alice@example.com', financial: 'paid', fulfillment: 'fulfilled', total: '87.00', customer: alice, lineItems: [mug, kettle], closedAt: '2024-10-03T09:00:00-04:00' }),
  order({ id: 450789469, number: 1001, createdAt: '2024-10-01T10:00:00-04:00', email: 'bruno@example.com', financial: 'refunded', fulfillment: 'fulfilled', total: '28.00', customer: bruno, lineItems: [mug], closedAt: '2024-10-02T10:00:00-04:00' }),
];

function product(id: number, title: string, status: string, vendor: string, type: string, variants: Array<Record<string, unknown>>) {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Product/${id}`,
    title,
    body_html: `<p>${title}</p>`,
    vendor,
    product_type: type,
    handle: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    status,
    tags: '',
    created_at: '2024-09-01T10:00:00-04:00',
    updated_at: '2024-10-01T10:00:00-04:00',
    published_at: status === 'active' ? '2024-09-01T10:00:00-04:00' : null,
    variants: variants.map((v, position) => ({ product_id: id, position: position + 1, taxable: true, weight: 0.4, weight_unit: 'kg', ...v })),
    options: [{ name: 'Title' }],
    images: [],
  };
}

export const FIXTURE_PRODUCTS = [
  product(632910392, 'Ceramic Mug', 'active', 'Clayworks', 'Drinkware', [
    { id: 808950810, title: 'Default Title', sku: 'MUG-CER-01', price: '14.00', inventory_quantity: 42, inventory_item_id: 39072856, inventory_management: 'shopify' },
  ]),
  product(632910393, 'Pour-over Kettle', 'active', 'Brewline', 'Equipment', [
    { id: 808950820, title: 'Matte Black', sku: 'KET-PO-01', price: '59.00', inventory_quantity: 0, inventory_item_id: 39072857, inventory_management: 'shopify' },
    { id: 808950821, title: 'Steel', sku: 'KET-PO-02', price: '59.00', inventory_quantity: 7, inventory_item_id: 39072858, inventory_management: 'shopify' },
  ]),
  product(632910394, 'Ethiopia Yirgacheffe Beans', 'active', 'Roastery North', 'Coffee', [
    { id: 808950830, title: '250 g', sku: 'BEAN-ETH-250', price: '18.00', inventory_quantity: 3, inventory_item_id: 39072859, inventory_management: 'shopify' },
  ]),
  product(632910395, 'Holiday Gift Box', 'draft', 'Roastery North', 'Bundle', [
    { id: 808950840, title: 'Default Title', sku: 'GIFT-HOL-24', price: '89.00', inventory_quantity: 0, inventory_item_id: 39072860, inventory_management: 'shopify' },
  ]),
];

export const WAREHOUSE_LOCATION_ID = 655441491;
export const STORE_LOCATION_ID = 655441492;

export const FIXTURE_INVENTORY_LEVELS = [
  { inventory_item_id: 39072856, location_id: WAREHOUSE_LOCATION_ID, available: 40, updated_at: '2024-10-06T09:12:00-04:00' },
  { inventory_item_id: 39072856, location_id: STORE_LOCATION_ID, available: 2, updated_at: '2024-10-06T09:12:00-04:00' },
  { inventory_item_id: 39072857, location_id: WAREHOUSE_LOCATION_ID, available: 0, updated_at: '2024-10-05T09:00:00-04:00' },
  { inventory_item_id: 39072858, location_id: WAREHOUSE_LOCATION_ID, available: 7, updated_at: '2024-10-05T09:00:00-04:00' },
  { inventory_item_id: 39072859, location_id: WAREHOUSE_LOCATION_ID, available: 3, updated_at: '2024-10-04T09:00:00-04:00' },
  { inventory_item_id: 39072860, location_id: WAREHOUSE_LOCATION_ID, available: null, updated_at: '2024-09-01T09:00:00-04:00' },
].map((level) => ({ ...level, admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.location_id}?inventory_item_id=${level.inventory_item_id}` }));
