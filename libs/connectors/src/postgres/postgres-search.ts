import { escapeIdentifier, type PoolClient } from 'pg';
import { loadSearchTargets, type SearchTarget, unknownTableException } from './postgres-catalog';
import { containsPattern, extractSearchKeywords, wholeValuePattern } from '../sql/search-keywords';

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

const MATCHED_COLUMN = '__mosaic_matched';
const HITS_COLUMN = '__mosaic_hits';
const EXACT_COLUMN = '__mosaic_exact';

/**
 * Keyword search over every text column of every readable table in the schema: one
 * parametrised query per table, rows ranked by how many distinct keywords they contain,
 * then by how many keywords are a column's whole value (status = 'open', priority =
 * 'urgent': the strongest signal in enum-like columns), then by how many column/keyword
 * pairs matched. For each foreign key whose target has a `name` column, that name is
 * joined in, searched and returned, so "Acme tickets" finds the tickets of the customer
 * named Acme. Memory stays bounded: at most limit + 1 rows per table are fetched.
 */
export async function searchTables(client: PoolClient, request: SearchRequest): Promise<SearchResult> {
  const keywords = extractSearchKeywords(request.query);
  const result: SearchResult = {
    query: request.query,
    schema: request.schema,
    keywords,
    tables_searched: [],
    results: [],
    truncated: false,
  };
  const targets = await loadSearchTargets(client, request.schema);
  if (request.tables?.length) {
    const known = targets.map((target) => target.table);
    const missing = request.tables.find((table) => !known.includes(table));
    if (missing !== undefined) throw unknownTableException(request.schema, missing, known);
  }
  if (keywords.length === 0) return result;

  const selected = targets.filter((target) => !request.tables?.length || request.tables.includes(target.table));
  const patterns = keywords.map(containsPattern);
  const wholeValuePatterns = keywords.map(wholeValuePattern);
  const hits: Array<SearchHit & { exact: number; hits: number }> = [];
  for (const target of selected) {
    const sql = buildTableSearch(request.schema, target);
    if (!sql) continue;
    result.tables_searched.push(target.table);
    // One row more than asked tells us whether this table had more matches.
    const { rows } = await client.query<Record<string, unknown>>(sql, [
      keywords,
      patterns,
      wholeValuePatterns,
      request.limit + 1,
    ]);
    if (rows.length > request.limit) result.truncated = true;
    for (const raw of rows.slice(0, request.limit)) {
      const { [MATCHED_COLUMN]: matched, [EXACT_COLUMN]: exactCount, [HITS_COLUMN]: hitCount, ...row } = raw;
      const found = new Set(Array.isArray(matched) ? matched : []);
      const matchedKeywords = keywords.filter((keyword) => found.has(keyword));
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

/**
 * The SQL for one table. $1 = keywords, $2 = their ILIKE patterns, $3 = their whole-value
 * regular expressions (same order), $4 = limit.
 * Undefined when the table has nothing to match against.
 */
export function buildTableSearch(schema: string, target: SearchTarget): string | undefined {
  const taken = new Set(target.columns);
  const joins: string[] = [];
  const lookupSelects: string[] = [];
  const searched = target.textColumns.map((column) => `t.${escapeIdentifier(column)}::text`);

  target.nameLookups.forEach((lookup, index) => {
    const alias = `r${index}`;
    const column = uniqueName(lookupColumnName(lookup.columns, lookup.referencedTable), taken);
    const on = lookup.columns
      .map((local, i) => `${alias}.${escapeIdentifier(lookup.referencedColumns[i] ?? '')} = t.${escapeIdentifier(local)}`)
      .join(' AND ');
    joins.push(
      `LEFT JOIN ${escapeIdentifier(lookup.referencedSchema)}.${escapeIdentifier(lookup.referencedTable)} AS ${alias} ON ${on}`,
    );
    lookupSelects.push(`, ${alias}."name" AS ${escapeIdentifier(column)}`);
    searched.push(`${alias}."name"::text`);
  });
  if (searched.length === 0) return undefined;

  const order = [
    `cardinality(m.matched) DESC`,
    `m.exact DESC`,
    `m.hits DESC`,
    ...target.primaryKey.map((column) => `t.${escapeIdentifier(column)}`),
  ].join(', ');
  return `SELECT t.*${lookupSelects.join('')}, m.matched AS "${MATCHED_COLUMN}", m.exact AS "${EXACT_COLUMN}", m.hits AS "${HITS_COLUMN}"
  FROM ${escapeIdentifier(schema)}.${escapeIdentifier(target.table)} AS t
  ${joins.join('\n  ')}
  CROSS JOIN LATERAL (
    SELECT array_agg(DISTINCT k.keyword) AS matched,
           count(*) FILTER (WHERE v.value ~* k.whole) AS exact,
           count(*) AS hits
      FROM unnest($1::text[], $2::text[], $3::text[]) AS k(keyword, pattern, whole)
      JOIN unnest(ARRAY[${searched.join(', ')}]) AS v(value) ON v.value ILIKE k.pattern
  ) AS m
 WHERE m.hits > 0
 ORDER BY ${order}
 LIMIT $4`;
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
