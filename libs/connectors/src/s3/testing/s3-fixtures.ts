/**
 * A fictional company's buckets, seeded into a real S3-compatible server (s3rver) through the S3
 * API: documents a question can be answered from, logs to page through, and objects that are not
 * text (an image, a binary dump) or are awkward (empty, multi-byte characters, large).
 */

export interface FixtureObject {
  key: string;
  body: string | Uint8Array;
  /** Left out: the store's default (binary/octet-stream), as for an upload that set none. */
  contentType?: string;
}

export const REPORTS_BUCKET = 'acme-reports';
export const LOGS_BUCKET = 'acme-logs';
export const EMPTY_BUCKET = 'acme-empty';

export const Q3_REVENUE_KEY = 'finance/2024/q3-revenue-summary.md';
export const Q3_REVENUE_SUMMARY = [
  '# Q3 2024 revenue summary',
  '',
  'Total revenue for Q3 2024 was $4.2M, up 12% on Q2. Subscriptions contributed $3.1M and services $1.1M.',
  '',
  '## Refunds',
  '',
  'Refunds rose to $180k after the September billing incident; most went to annual plans.',
  '',
  '## Outlook',
  '',
  'Guidance for Q4 is $4.6M, driven by the launch of the enterprise tier.',
  '',
].join('\n');

export const CHECKOUT_POSTMORTEM_KEY = 'ops/postmortems/2024-10-02-checkout-outage.md';
const CHECKOUT_POSTMORTEM = [
  '# Postmortem: checkout outage on 2 October 2024',
  '',
  'Checkout failed for 47 minutes because the TLS certificate of the payments gateway expired.',
  'Alerts fired on the error rate, but the on-call engineer was paged only after 30 minutes.',
  '',
  '## Action items',
  '',
  '- Renew certificates automatically with a 30-day margin.',
  '- Page on checkout error rate within 5 minutes.',
  '',
].join('\n');

/** 2,000 rows, about 60 KB: longer than a small max_bytes. */
export const CUSTOMERS_CSV_KEY = 'exports/customers-2024.csv';
export const CUSTOMERS_CSV = [
  'id,name,city,plan',
  ...Array.from({ length: 2_000 }, (_, i) => `${1_000 + i},Customer ${i},${['Zürich', 'Kraków', 'Lisbon', 'Austin'][i % 4]},${i % 3 ? 'pro' : 'enterprise'}`),
  '',
].join('\n');

/** Ten bytes: five two-byte characters. */
export const UNICODE_KEY = 'notes/accents.txt';
export const UNICODE_TEXT = 'ééééé';

export const PNG_KEY = 'brand/logo.png';
export const DUMP_KEY = 'exports/raw-dump.bin';
export const EMPTY_KEY = 'notes/empty.txt';
export const UNTYPED_TEXT_KEY = 'notes/readme.txt';

const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01]);
const DUMP_BYTES = new Uint8Array([0x50, 0x47, 0x44, 0x4d, 0x50, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x10, 0x72, 0x65, 0x76, 0x65, 0x6e, 0x75, 0x65]);

export const REPORTS_OBJECTS: readonly FixtureObject[] = [
  { key: Q3_REVENUE_KEY, body: Q3_REVENUE_SUMMARY, contentType: 'text/markdown; charset=utf-8' },
  {
    key: 'finance/2024/q2-revenue-summary.md',
    body: '# Q2 2024 revenue summary\n\nTotal revenue for Q2 2024 was $3.75M. Refunds stayed under $40k.\n',
    contentType: 'text/markdown',
  },
  {
    key: 'finance/2024/refunds-q3.csv',
    body: 'order_id,date,amount,reason\n1001,2024-09-03,120.00,billing incident\n1002,2024-09-04,89.00,billing incident\n1003,2024-09-20,35.00,damaged\n',
    contentType: 'text/csv',
  },
  { key: CHECKOUT_POSTMORTEM_KEY, body: CHECKOUT_POSTMORTEM, contentType: 'text/markdown' },
  {
    key: 'ops/oncall-rotation.json',
    body: JSON.stringify({ team: 'payments', rotation: [{ week: '2024-W40', engineer: 'dana@acme.example' }, { week: '2024-W41', engineer: 'li@acme.example' }] }, null, 2),
    contentType: 'application/json',
  },
  { key: CUSTOMERS_CSV_KEY, body: CUSTOMERS_CSV, contentType: 'text/csv; charset=utf-8' },
  { key: UNICODE_KEY, body: UNICODE_TEXT, contentType: 'text/plain; charset=utf-8' },
  { key: UNTYPED_TEXT_KEY, body: 'Shared folder for finance and ops reports. Ask #data-platform for access.\n' },
  { key: EMPTY_KEY, body: '', contentType: 'text/plain' },
  { key: PNG_KEY, body: PNG_BYTES, contentType: 'image/png' },
  { key: DUMP_KEY, body: DUMP_BYTES },
];

/** Twelve days of application logs plus one worker log: several pages at a small page size. */
export const LOGS_OBJECTS: readonly FixtureObject[] = [
  ...Array.from({ length: 12 }, (_, i) => {
    const day = String(i + 1).padStart(2, '0');
    return {
      key: `app/2024-10-${day}.log`,
      body: `2024-10-${day}T09:00:00Z INFO api started\n2024-10-${day}T09:05:00Z WARN slow query on orders (1200 ms)\n`,
      contentType: 'text/plain',
    };
  }),
  { key: 'worker/2024-10-01.log', body: '2024-10-01T10:00:00Z ERROR payment webhook timed out\n', contentType: 'text/plain' },
];

export const FIXTURE_BUCKETS: Readonly<Record<string, readonly FixtureObject[]>> = {
  [REPORTS_BUCKET]: REPORTS_OBJECTS,
  [LOGS_BUCKET]: LOGS_OBJECTS,
  [EMPTY_BUCKET]: [],
};
