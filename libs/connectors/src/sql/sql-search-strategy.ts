import { SourceItem } from '@mosaic/contracts';
import { keywords, searchTerms, stemSet } from '@mosaic/llm';
import { ConnectorDefinition, directRoute, StrategyResult, ToolCaller } from '../connector';

/**
 * The local strategy shared by the SQL connectors (Postgres, MySQL), whose MCP servers offer
 * the same `list_tables` and `search` contracts: list the tables when the question asks for
 * them, otherwise a keyword search across text columns, each matching row a citeable item
 * with the id `<table>:<primary key>`.
 */

const MAX_ITEMS = 8;
const SEARCH_LIMIT = 40;

export interface SqlSearchStrategyOptions {
  /** Item id of the table listing, e.g. `schema:public`. */
  tablesItemId: string;
  /** What the listing summary calls the source, e.g. "the database". */
  sourceLabel: string;
}

export interface SearchRow {
  table: string;
  primary_key: unknown;
  matched_keywords?: string[];
  row: Record<string, unknown>;
}

export async function answerFromSqlSearch(
  definition: ConnectorDefinition,
  query: string,
  call: ToolCaller,
  options: SqlSearchStrategyOptions,
): Promise<StrategyResult> {
  const route = directRoute(definition, query);
  if (route?.tool === 'list_tables') {
    const tables = await call('list_tables', {});
    if (!tables.ok) throw new Error(`list_tables failed: ${tables.text}`);
    return {
      summary: `Listed the tables of ${options.sourceLabel}.`,
      items: [{ id: options.tablesItemId, title: 'Tables', tool: 'list_tables', content: tables.text, score: 1 }],
    };
  }
  const terms = searchTerms(query);
  if (terms.length === 0) return { items: [], summary: 'The question has no searchable terms.' };
  const result = await call('search', { query: terms.join(' '), limit: SEARCH_LIMIT });
  if (!result.ok) throw new Error(`search failed: ${result.text}`);
  const rows = parseSearchRows(result.structured ?? safeJson(result.text));
  const queryKeywords = keywords(query);
  const items: SourceItem[] = rows.map((row) => rowItem(row, queryKeywords));
  items.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const top = items.slice(0, MAX_ITEMS);
  const tables = [...new Set(top.map((i) => i.id.split(':')[0]))];
  return {
    items: top,
    summary: top.length
      ? `Found ${rows.length} matching row(s); the ${top.length} best are from ${tables.join(', ')}.`
      : `No rows mention ${terms.join(', ')}.`,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function parseSearchRows(value: unknown): SearchRow[] {
  const container = value as { results?: unknown; rows?: unknown } | undefined;
  const list = Array.isArray(value)
    ? value
    : Array.isArray(container?.results)
      ? container.results
      : Array.isArray(container?.rows)
        ? container.rows
        : [];
  return (list as SearchRow[]).filter((r) => r && typeof r.table === 'string' && r.row && typeof r.row === 'object');
}

function rowItem(row: SearchRow, queryKeywords: readonly string[]): SourceItem {
  const pk = row.primary_key;
  const pkText =
    pk && typeof pk === 'object' ? Object.values(pk as Record<string, unknown>).map(String).join(',') : String(pk ?? '?');
  // Surrogate keys say nothing to a reader; the item id keeps the primary key.
  const fields = Object.entries(row.row).filter(([k, v]) => v !== null && v !== '' && k !== 'id' && !k.endsWith('_id'));
  const content = fields.map(([k, v]) => `${k}: ${formatValue(v)}`).join('; ');
  const label = (row.row['subject'] ?? row.row['name'] ?? row.row['order_number'] ?? row.row['title']) as string | undefined;
  const owner = Object.entries(row.row).find(([k]) => k.endsWith('_name'))?.[1] as string | undefined;
  const title = [`${row.table} ${pkText}`, label, owner && owner !== label ? `(${owner})` : undefined].filter(Boolean).join(' ');
  const words = stemSet(content);
  const hits = queryKeywords.filter((k) => words.has(k)).length;
  return {
    id: `${row.table}:${pkText}`,
    title,
    tool: 'search',
    content,
    score: queryKeywords.length ? Number(Math.min(1, hits / Math.max(2, queryKeywords.length * 0.6)).toFixed(3)) : 0,
  };
}

function formatValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return value.slice(0, 10);
  return String(value);
}
