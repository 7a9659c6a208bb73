import { escapeIdentifier, type PoolClient } from 'pg';
import { containsPattern, wholeValuePattern } from '../sql/search-keywords';
import type { SearchTarget } from '../sql/sql-catalog';
import { type BoundSql, nameLookupJoins, SEARCH_COLUMNS, type SqlSearchQueries } from '../sql/sql-search';

export type { SearchHit, SearchResult } from '../sql/sql-search';

const { matched: MATCHED_COLUMN, exact: EXACT_COLUMN, hits: HITS_COLUMN } = SEARCH_COLUMNS;

/** How Postgres searches one table: one LATERAL join over arrays of keywords and patterns. */
export const postgresSearchQueries: SqlSearchQueries<PoolClient> = {
  buildTableSearch: (schema, target, keywords, limit) => {
    const sql = buildTableSearch(schema, target);
    return sql === undefined
      ? undefined
      : { sql, params: [keywords, keywords.map(containsPattern), keywords.map(wholeValuePattern), limit] };
  },
  select: async (client, statement: BoundSql) => (await client.query<Record<string, unknown>>(statement.sql, statement.params)).rows,
  // array_agg of the matching keywords.
  matchedKeywords: (matched, keywords) => {
    const found = new Set(Array.isArray(matched) ? matched : []);
    return keywords.filter((keyword) => found.has(keyword));
  },
};

/**
 * The SQL for one table. $1 = keywords, $2 = their ILIKE patterns, $3 = their whole-value
 * regular expressions (same order), $4 = limit.
 * Undefined when the table has nothing to match against.
 */
export function buildTableSearch(schema: string, target: SearchTarget): string | undefined {
  const { joins, lookupSelects, searched } = nameLookupJoins(target, escapeIdentifier, (value) => `${value}::text`);
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
