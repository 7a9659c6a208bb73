import type { SearchTarget, SqlCatalogQueries } from './sql-catalog';
import { type BoundSql, nameLookupJoins, SEARCH_COLUMNS, searchTables, type SqlSearchQueries } from './sql-search';
import { SqlToolErrorCode, SqlToolException } from './sql-tool.exception';

const quote = (name: string) => `"${name}"`;

function target(table: string, overrides: Partial<SearchTarget> = {}): SearchTarget {
  return { table, columns: ['id', 'subject'], textColumns: ['subject'], primaryKey: ['id'], nameLookups: [], ...overrides };
}

describe(nameLookupJoins.name, () => {
  it('should join the referenced name as <fk>_name when a foreign key points at a named table', () => {
    const sut = nameLookupJoins(
      target('tickets', {
        columns: ['id', 'subject', 'customer_id'],
        nameLookups: [{ referencedSchema: 'public', referencedTable: 'customers', columns: ['customer_id'], referencedColumns: ['id'] }],
      }),
      quote,
      (value) => `${value}::text`,
    );

    expect(sut).toEqual({
      joins: ['LEFT JOIN "public"."customers" AS r0 ON r0."id" = t."customer_id"'],
      lookupSelects: [', r0."name" AS "customer_name"'],
      searched: ['t."subject"::text', 'r0."name"::text'],
    });
  });

  it('should pick an unused column name when <fk>_name is already a column of the table', () => {
    const sut = nameLookupJoins(
      target('orders', {
        columns: ['id', 'customer_id', 'customer_name'],
        textColumns: [],
        nameLookups: [{ referencedSchema: 's', referencedTable: 'customers', columns: ['customer_id'], referencedColumns: ['id'] }],
      }),
      quote,
    );

    expect(sut.lookupSelects).toEqual([', r0."name" AS "customer_name_2"']);
    expect(sut.searched).toEqual(['r0."name"']);
  });

  it('should name the lookup after the referenced table when the key has several columns', () => {
    const sut = nameLookupJoins(
      target('lines', {
        nameLookups: [{ referencedSchema: 's', referencedTable: 'products', columns: ['a', 'b'], referencedColumns: ['x', 'y'] }],
      }),
      quote,
    );

    expect(sut.joins).toEqual(['LEFT JOIN "s"."products" AS r0 ON r0."x" = t."a" AND r0."y" = t."b"']);
    expect(sut.lookupSelects).toEqual([', r0."name" AS "products_name"']);
  });
});

describe(searchTables.name, () => {
  /** A database of two tables whose statements return canned rows, matched keywords as a list. */
  function fakeDatabase(rows: Record<string, Array<Record<string, unknown>>>) {
    const statements: BoundSql[] = [];
    const catalog: SqlCatalogQueries<null> = {
      listRelations: () => Promise.resolve([]),
      describeRelation: () => Promise.resolve(undefined),
      loadSearchTargets: () => Promise.resolve([target('tickets'), target('notes', { textColumns: [] }), target('orders')]),
      unknownTable: (schema, table, known) =>
        new SqlToolException(SqlToolErrorCode.UnknownTable, `${schema}.${table} unknown; known: ${known.join(', ')}`),
    };
    const queries: SqlSearchQueries<null> = {
      buildTableSearch: (_schema, t, keywords, limit) =>
        t.textColumns.length ? { sql: t.table, params: [[...keywords], limit] } : undefined,
      select: (_session, statement) => {
        statements.push(statement);
        return Promise.resolve(rows[statement.sql] ?? []);
      },
      matchedKeywords: (matched, keywords) => keywords.filter((k) => (matched as string[]).includes(k)),
      extraColumns: ['__extra'],
    };
    return { catalog, queries, statements };
  }

  const hit = (id: number, matched: string[], exact = 0, hits = matched.length) => ({
    id,
    subject: `row ${id}`,
    __extra: 1,
    [SEARCH_COLUMNS.matched]: matched,
    [SEARCH_COLUMNS.exact]: exact,
    [SEARCH_COLUMNS.hits]: hits,
  });

  it('should rank rows across tables by matched keywords, then exact matches, when several tables match', async () => {
    const db = fakeDatabase({ tickets: [hit(1, ['ticket']), hit(2, ['ticket'], 1)], orders: [hit(9, ['open', 'ticket'])] });

    const sut = await searchTables(null, { query: 'open tickets', schema: 's', limit: 10 }, db.catalog, db.queries);

    expect(sut).toEqual({
      query: 'open tickets',
      schema: 's',
      keywords: ['open', 'ticket'],
      tables_searched: ['tickets', 'orders'],
      truncated: false,
      results: [
        { table: 'orders', primary_key: { id: 9 }, matched_keywords: ['open', 'ticket'], score: 2, row: { id: 9, subject: 'row 9' } },
        { table: 'tickets', primary_key: { id: 2 }, matched_keywords: ['ticket'], score: 1, row: { id: 2, subject: 'row 2' } },
        { table: 'tickets', primary_key: { id: 1 }, matched_keywords: ['ticket'], score: 1, row: { id: 1, subject: 'row 1' } },
      ],
    });
    expect(db.statements.map((statement) => statement.params[1])).toEqual([11, 11]);
  });

  it('should say truncated when a table returns more rows than the limit', async () => {
    const db = fakeDatabase({ tickets: [hit(1, ['ticket']), hit(2, ['ticket'])] });

    const sut = await searchTables(null, { query: 'tickets', schema: 's', limit: 1 }, db.catalog, db.queries);

    expect(sut.truncated).toBe(true);
    expect(sut.results.map((r) => r.primary_key)).toEqual([{ id: 1 }]);
  });

  it('should throw unknown_table when a requested table is not readable', async () => {
    const db = fakeDatabase({});

    await expect(
      searchTables(null, { query: 'tickets', schema: 's', tables: ['nope'], limit: 5 }, db.catalog, db.queries),
    ).rejects.toMatchObject({ code: SqlToolErrorCode.UnknownTable, message: 's.nope unknown; known: tickets, notes, orders' });
  });

  it('should run no statement when the query has no keywords', async () => {
    const db = fakeDatabase({});

    const sut = await searchTables(null, { query: 'what is it?', schema: 's', limit: 5 }, db.catalog, db.queries);

    expect(sut.tables_searched).toEqual([]);
    expect(db.statements).toEqual([]);
  });
});
