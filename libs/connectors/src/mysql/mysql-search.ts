import { containsPattern, wholeValuePattern } from '../sql/search-keywords';
import type { SearchTarget } from '../sql/sql-catalog';
import { type BoundSql, nameLookupJoins, SEARCH_COLUMNS, type SqlSearchQueries } from '../sql/sql-search';
import type { ReadOnlySession, SqlParam } from './read-only-transaction';

export type { SearchHit, SearchResult } from '../sql/sql-search';

const { matched: MATCHED_COLUMN, exact: EXACT_COLUMN, hits: HITS_COLUMN } = SEARCH_COLUMNS;
const SCORE_COLUMN = '__mosaic_score';

/** How MySQL and MariaDB search one table: per-keyword expressions with `?` placeholders. */
export const mysqlSearchQueries: SqlSearchQueries<ReadOnlySession> = {
  buildTableSearch,
  select: (session, statement) => session.select<Record<string, unknown>>(statement.sql, statement.params as SqlParam[]),
  // A comma-separated list of the matching keywords' indexes.
  matchedKeywords: (matched, keywords) => {
    const found = new Set(String(matched ?? '').split(',').filter(Boolean).map(Number));
    return keywords.filter((_, index) => found.has(index));
  },
  extraColumns: [SCORE_COLUMN],
};

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
): BoundSql<SqlParam> | undefined {
  const { joins, lookupSelects, searched } = nameLookupJoins(target, quoteIdentifier);
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
