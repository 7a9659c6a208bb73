import type { SearchTarget, SqlCatalogQueries } from './sql-catalog';
import { extractSearchKeywords } from './search-keywords';

/** One matching row. */
export interface SearchHit {
  table: string;
  /** Primary key column → value; null when the table has no primary key (views). */
  primary_key: Record<string, unknown> | null;
  /** The query's keywords found in the row, in query order. */
  matched_keywords: string[];
  /** matched_keywords.length: results are sorted by it, best first. */
  score: number;
  /** Every column of the row, plus `<fk>_name` columns from referenced tables (see below). */
  row: Record<string, unknown>;
}

export interface SearchResult {
  query: string;
  schema: string;
  keywords: string[];
  tables_searched: string[];
  results: SearchHit[];
  /** True when more rows matched than `results` holds. */
  truncated: boolean;
}

export interface SearchRequest {
  query: string;
  schema: string;
  tables?: readonly string[];
  limit: number;
}

/** A parametrised statement and its values, in the database's placeholder style. */
export interface BoundSql<P = unknown> {
  sql: string;
  params: P[];
}

/** The helper columns every per-table search statement adds; they never reach the result. */
export const SEARCH_COLUMNS = {
  /** Which keywords matched, in the database's own encoding (see {@link SqlSearchQueries.matchedKeywords}). */
  matched: '__mosaic_matched',
  /** How many keywords are some column's whole value. */
  exact: '__mosaic_exact',
  /** How many column/keyword pairs matched. */
  hits: '__mosaic_hits',
} as const;

/** How one database searches one table, run inside a read-only session `S`. */
export interface SqlSearchQueries<S> {
  /**
   * The statement for one table, selecting `t.*`, the name-lookup columns and the
   * {@link SEARCH_COLUMNS}, best rows first, at most `limit` rows; undefined when the table
   * has nothing to match against.
   */
  buildTableSearch(schema: string, target: SearchTarget, keywords: readonly string[], limit: number): BoundSql | undefined;
  select(session: S, statement: BoundSql): Promise<Record<string, unknown>[]>;
  /** The keywords the `matched` column names, in query order. */
  matchedKeywords(matched: unknown, keywords: readonly string[]): string[];
  /** Further helper columns of the statement, dropped from each row like {@link SEARCH_COLUMNS}. */
  extraColumns?: readonly string[];
}

/**
 * Keyword search over every text column of every readable table in the schema: one
 * parametrised query per table, rows ranked by how many distinct keywords they contain,
 * then by how many keywords are a column's whole value (status = 'open', priority =
 * 'urgent': the strongest signal in enum-like columns), then by how many column/keyword
 * pairs matched. For each foreign key whose target has a `name` column, that name is
 * joined in, searched and returned, so "Acme tickets" finds the tickets of the customer
 * named Acme. Memory stays bounded: at most limit + 1 rows per table are fetched.
 */
export async function searchTables<S>(
  session: S,
  request: SearchRequest,
  catalog: SqlCatalogQueries<S>,
  queries: SqlSearchQueries<S>,
): Promise<SearchResult> {
  const keywords = extractSearchKeywords(request.query);
  const result: SearchResult = {
    query: request.query,
    schema: request.schema,
    keywords,
    tables_searched: [],
    results: [],
    truncated: false,
  };
  const targets = await catalog.loadSearchTargets(session, request.schema);
  if (request.tables?.length) {
    const known = targets.map((target) => target.table);
    const missing = request.tables.find((table) => !known.includes(table));
    if (missing !== undefined) throw catalog.unknownTable(request.schema, missing, known);
  }
  if (keywords.length === 0) return result;

  const selected = targets.filter((target) => !request.tables?.length || request.tables.includes(target.table));
  const hits: Array<SearchHit & { exact: number; hits: number }> = [];
  for (const target of selected) {
    // One row more than asked tells us whether this table had more matches.
    const statement = queries.buildTableSearch(request.schema, target, keywords, request.limit + 1);
    if (!statement) continue;
    result.tables_searched.push(target.table);
    const rows = await queries.select(session, statement);
    if (rows.length > request.limit) result.truncated = true;
    for (const raw of rows.slice(0, request.limit)) {
      const {
        [SEARCH_COLUMNS.matched]: matched,
        [SEARCH_COLUMNS.exact]: exactCount,
        [SEARCH_COLUMNS.hits]: hitCount,
        ...row
      } = raw;
      for (const column of queries.extraColumns ?? []) delete row[column];
      const matchedKeywords = queries.matchedKeywords(matched, keywords);
      hits.push({
        table: target.table,
        primary_key: target.primaryKey.length
          ? Object.fromEntries(target.primaryKey.map((column) => [column, row[column]]))
          : null,
        matched_keywords: matchedKeywords,
        score: matchedKeywords.length,
        row,
        exact: Number(exactCount),
        hits: Number(hitCount),
      });
    }
  }

  // Array.prototype.sort is stable: ties keep table order, then each table's own order.
  hits.sort((a, b) => b.score - a.score || b.exact - a.exact || b.hits - a.hits);
  if (hits.length > request.limit) result.truncated = true;
  result.results = hits.slice(0, request.limit).map(({ exact: _exact, hits: _hits, ...hit }) => hit);
  return result;
}

/** The parts of a per-table search statement that join in and search referenced names. */
export interface NameLookupJoins {
  /** `LEFT JOIN <schema>.<table> AS rN ON ...`, one per name lookup. */
  joins: string[];
  /** `, rN.<name> AS <fk>_name`, to follow `t.*` in the select list. */
  lookupSelects: string[];
  /** The value expressions to match keywords against: text columns, then joined names. */
  searched: string[];
}

/**
 * The joins, extra select items and searched values for `target` (aliased `t`): every text
 * column, and for each foreign key to a table with a `name` column that name, returned as
 * `<fk column without _id>_name` (never clashing with a column of the table). `asText`
 * wraps a searched value where the database needs a cast.
 */
export function nameLookupJoins(
  target: SearchTarget,
  quote: (identifier: string) => string,
  asText: (value: string) => string = (value) => value,
): NameLookupJoins {
  const taken = new Set(target.columns);
  const joins: string[] = [];
  const lookupSelects: string[] = [];
  const searched = target.textColumns.map((column) => asText(`t.${quote(column)}`));

  target.nameLookups.forEach((lookup, index) => {
    const alias = `r${index}`;
    const column = uniqueName(lookupColumnName(lookup.columns, lookup.referencedTable), taken);
    const on = lookup.columns
      .map((local, i) => `${alias}.${quote(lookup.referencedColumns[i] ?? '')} = t.${quote(local)}`)
      .join(' AND ');
    joins.push(`LEFT JOIN ${quote(lookup.referencedSchema)}.${quote(lookup.referencedTable)} AS ${alias} ON ${on}`);
    lookupSelects.push(`, ${alias}.${quote('name')} AS ${quote(column)}`);
    searched.push(asText(`${alias}.${quote('name')}`));
  });
  return { joins, lookupSelects, searched };
}

/** customer_id → customer_name; otherwise <referenced table>_name. */
function lookupColumnName(columns: readonly string[], referencedTable: string): string {
  const [only] = columns;
  if (columns.length === 1 && only && /^.+_id$/i.test(only)) return `${only.slice(0, -3)}_name`;
  return `${referencedTable}_name`;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}
