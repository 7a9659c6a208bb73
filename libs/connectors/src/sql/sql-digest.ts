import { SourceItem } from '@mosaic/contracts';
import { DigestWindow, StrategyResult, ToolCaller } from '../connector';
import { digestBounds, isWithin } from '../digest-window';

/** Columns that say when a row appeared or last changed, in order of preference. */
const TIME_COLUMNS = ['created_at', 'inserted_at', 'opened_at', 'ordered_at', 'created', 'updated_at', 'modified_at'];
const TIME_TYPE = /\b(timestamp|datetime|date)\b/i;
const MAX_TABLES = 30;
const ROWS_PER_TABLE = 5;
const MAX_ITEMS = 12;
const CONTENT_CHARS = 600;

/** How one database spells what the digest query needs. */
export interface SqlDigestDialect {
  /** `"orders"` (Postgres) or `` `orders` `` (MySQL). */
  quote(identifier: string): string;
  /** The n-th (1-based) bind parameter: `$1` or `?`. */
  placeholder(n: number): string;
  /** A window bound as the database compares it with its time columns. */
  timeLiteral(epochMs: number): string;
}

interface TableList {
  tables: Array<{ name: string; kind: string }>;
}
interface TableShape {
  columns: Array<{ name: string; type: string }>;
  primary_key: string[];
}
interface QueryRows {
  rows: Array<Record<string, unknown>>;
}

async function json<T>(call: ToolCaller, tool: string, args: Record<string, unknown>): Promise<T> {
  const outcome = await call(tool, args);
  if (!outcome.ok) throw new Error(`${tool} failed: ${outcome.text.slice(0, 300)}`);
  return (outcome.structured ?? JSON.parse(outcome.text)) as T;
}

/**
 * Rows that appeared (or changed) in the digest window: for every table with a creation or
 * update time column, the newest rows inside the window, through the server's read-only
 * `execute_query` with the bounds as parameters. Each row is cited as `<table>:<primary key>`.
 */
export async function digestFromSql(window: DigestWindow, call: ToolCaller, dialect: SqlDigestDialect): Promise<StrategyResult> {
  const bounds = digestBounds(window);
  const { tables } = await json<TableList>(call, 'list_tables', {});
  const candidates = tables.filter((t) => !/view/i.test(t.kind)).slice(0, MAX_TABLES);
  const items: Array<SourceItem & { at: number }> = [];
  let scanned = 0;
  for (const table of candidates) {
    const shape = await json<TableShape>(call, 'describe_table', { table: table.name });
    const column = TIME_COLUMNS.map((name) => shape.columns.find((c) => c.name === name && TIME_TYPE.test(c.type))).find(Boolean);
    if (!column) continue;
    scanned++;
    const { rows } = await json<QueryRows>(call, 'execute_query', {
      sql:
        `SELECT * FROM ${dialect.quote(table.name)} WHERE ${dialect.quote(column.name)} > ${dialect.placeholder(1)} ` +
        `AND ${dialect.quote(column.name)} <= ${dialect.placeholder(2)} ORDER BY ${dialect.quote(column.name)} DESC LIMIT ${ROWS_PER_TABLE}`,
      params: [dialect.timeLiteral(bounds.since), dialect.timeLiteral(bounds.until)],
    });
    const what = column.name.startsWith('updated') || column.name.startsWith('modified') ? 'Changed' : 'New';
    for (const row of rows) {
      const at = Date.parse(String(row[column.name]));
      // The database compared in its own time zone and precision: check the window again.
      if (Number.isFinite(at) && !isWithin(bounds, at)) continue;
      const key = shape.primary_key.length ? shape.primary_key.map((k) => String(row[k])).join(',') : String(row[column.name]);
      const content = Object.entries(row)
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => `${k}: ${v instanceof Object ? JSON.stringify(v) : String(v)}`)
        .join('; ')
        .slice(0, CONTENT_CHARS);
      items.push({ id: `${table.name}:${key}`, title: `${what} row in ${table.name}`, tool: 'execute_query', content, score: 1, at: Number.isFinite(at) ? at : 0 });
    }
  }
  items.sort((a, b) => b.at - a.at || a.id.localeCompare(b.id));
  const top = items.slice(0, MAX_ITEMS).map(({ at: _at, ...item }) => item);
  return {
    items: top,
    summary: top.length
      ? `${items.length} new or changed row(s) in ${new Set(top.map((i) => i.id.split(':')[0])).size} table(s) of the ${scanned} with a time column.`
      : `No row of the ${scanned} table(s) with a time column changed in the window.`,
  };
}

export const POSTGRES_DIGEST_DIALECT: SqlDigestDialect = {
  quote: (identifier) => `"${identifier.replace(/"/g, '""')}"`,
  placeholder: (n) => `$${n}`,
  timeLiteral: (ms) => new Date(ms).toISOString(),
};

export const MYSQL_DIGEST_DIALECT: SqlDigestDialect = {
  quote: (identifier) => `\`${identifier.replace(/`/g, '``')}\``,
  placeholder: () => '?',
  // DATETIME/TIMESTAMP compare with 'YYYY-MM-DD HH:MM:SS.fff' (the server runs in UTC here).
  timeLiteral: (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', ''),
};
