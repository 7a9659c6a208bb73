import { containsPattern, extractSearchKeywords, wholeValuePattern } from '../sql/search-keywords';
import { loadSearchTargets, type SearchTarget, unknownTableException } from './mysql-catalog';
import type { ReadOnlySession, SqlParam } from './read-only-transaction';

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

/** A parametrised statement: `?` placeholders and their values, in order. */
export interface BoundSql {
  sql: string;
  params: SqlParam[];
}

const MATCHED_COLUMN = '__mosaic_matched';
const SCORE_COLUMN = '__mosaic_score';
const EXACT_COLUMN = '__mosaic_exact';
const HITS_COLUMN = '__mosaic_hits';

/**
 * Keyword search over every text column of every visible table in the schema: one
 * parametrised query per table, rows ranked by how many distinct keywords they contain,
 * then by how many keywords are a column's whole value (status = 'open', priority =
 * 'urgent': the strongest signal in enum-like columns), then by how many column/keyword
 * pairs matched. For each foreign key whose target has a `name` column, that name is
 * joined in, searched and returned, so "Acme tickets" finds the tickets of the customer
 * named Acme. Memory stays bounded: at most limit + 1 rows per table are fetched.
 */
export async function searchTables(session: ReadOnlySession, request: SearchRequest): Promise<SearchResult> {
  const keywords = extractSearchKeywords(request.query);
  const result: SearchResult = {
    query: request.query,
    schema: request.schema,
    keywords,
    tables_searched: [],
    results: [],
    truncated: false,
  };
  const targets = await loadSearchTargets(session, request.schema);
  if (request.tables?.length) {
    const known = targets.map((target) => target.table);
    const missing = request.tables.find((table) => !known.includes(table));
    if (missing !== undefined) throw unknownTableException(request.schema, missing, known);
  }
  if (keywords.length === 0) return result;

  const selected = targets.filter((target) => !request.tables?.length || request.tables.includes(target.table));
  const hits: Array<SearchHit & { exact: number; hits: number }> = [];
  for (const target of selected) {
    const statement = buildTableSearch(request.schema, target, keywords, request.limit + 1);
    if (!statement) continue;
    result.tables_searched.push(target.table);
    // One row more than asked tells us whether this table had more matches.
    const rows = await session.select<Record<string, unknown>>(statement.sql, statement.params);
    if (rows.length > request.limit) result.truncated = true;
    for (const raw of rows.slice(0, request.limit)) {
      const {
        [MATCHED_COLUMN]: matched,
        [SCORE_COLUMN]: _score,
        [EXACT_COLUMN]: exactCount,
        [HITS_COLUMN]: hitCount,
        ...row
      } = raw;
      const found = new Set(String(matched ?? '').split(',').filter(Boolean).map(Number));
      const matchedKeywords = keywords.filter((_, index) => found.has(index));
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
 * The statement for one table; undefined when the table has nothing to match against.
 * MySQL has no arrays or LATERAL joins, so each keyword gets its own expressions: whether it
 * occurs in any searched value, and per value whether it occurs (hits) and whether it is the
 * whole value (exact). Values are lower-cased so the match ignores case under any collation.
 * A NULL value matches nothing.
 */
export function buildTableSearch(
  schema: string,
  target: SearchTarget,
  keywords: readonly string[],
  limit: number,
): BoundSql | undefined {
  const taken = new Set(target.columns);
  const joins: string[] = [];
  const lookupSelects: string[] = [];
  const searched = target.textColumns.map((column) => `t.${quoteIdentifier(column)}`);

  target.nameLookups.forEach((lookup, index) => {
    const alias = `r${index}`;
    const column = uniqueName(lookupColumnName(lookup.columns, lookup.referencedTable), taken);
    const on = lookup.columns
      .map((local, i) => `${alias}.${quoteIdentifier(lookup.referencedColumns[i] ?? '')} = t.${quoteIdentifier(local)}`)
      .join(' AND ');
    joins.push(`LEFT JOIN ${quoteIdentifier(lookup.referencedSchema)}.${quoteIdentifier(lookup.referencedTable)} AS ${alias} ON ${on}`);
    lookupSelects.push(`, ${alias}.\`name\` AS ${quoteIdentifier(column)}`);
    searched.push(`${alias}.\`name\``);
  });
  if (searched.length === 0) return undefined;

  const params: SqlParam[] = [];
  const bind = (value: SqlParam): string => {
    params.push(value);
    return '?';
  };
  const values = searched.map((value) => `LOWER(${value})`);
  const anyMatch = (keyword: string) =>
    `(${values.map((value) => `COALESCE(${value} LIKE ${bind(containsPattern(keyword))}, 0)`).join(' + ')}) > 0`;
  const sum = (keyword: string, operator: 'LIKE' | 'REGEXP', pattern: (keyword: string) => string) =>
    values.map((value) => `COALESCE(${value} ${operator} ${bind(pattern(keyword))}, 0)`).join(' + ');

  const matched = `CONCAT_WS(',', ${keywords.map((keyword, index) => `IF(${anyMatch(keyword)}, '${index}', NULL)`).join(', ')})`;
  const score = keywords.map((keyword) => `IF(${anyMatch(keyword)}, 1, 0)`).join(' + ');
  const exact = keywords.map((keyword) => sum(keyword, 'REGEXP', wholeValuePattern)).join(' + ');
  const hitCount = keywords.map((keyword) => sum(keyword, 'LIKE', containsPattern)).join(' + ');
  const order = [
    `s.${SCORE_COLUMN} DESC`,
    `s.${EXACT_COLUMN} DESC`,
    `s.${HITS_COLUMN} DESC`,
    ...target.primaryKey.map((column) => `s.${quoteIdentifier(column)}`),
  ].join(', ');
  const sql = `SELECT * FROM (
  SELECT t.*${lookupSelects.join('')},
         ${matched} AS ${MATCHED_COLUMN},
         ${score} AS ${SCORE_COLUMN},
         ${exact} AS ${EXACT_COLUMN},
         ${hitCount} AS ${HITS_COLUMN}
    FROM ${quoteIdentifier(schema)}.${quoteIdentifier(target.table)} AS t
    ${joins.join('\n    ')}
) AS s
 WHERE s.${HITS_COLUMN} > 0
 ORDER BY ${order}
 LIMIT ${bind(limit)}`;
  return { sql, params };
}

/** A backquoted identifier; a backquote inside is doubled. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
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
