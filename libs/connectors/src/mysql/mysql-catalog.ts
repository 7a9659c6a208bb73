import type {
  ColumnDescription,
  ForeignKeyDescription,
  IncomingForeignKeyDescription,
  RelationSummary as SqlRelationSummary,
  SqlCatalogQueries,
  SearchTarget,
  TableDescription as SqlTableDescription,
} from '../sql/sql-catalog';
import { MySqlToolErrorCode, MySqlToolException } from './mysql-tool.exception';
import type { MySqlFlavor, ReadOnlySession } from './read-only-transaction';

/**
 * Reads table metadata from information_schema, which shows only the tables (and columns)
 * the connected user holds a privilege on. A "schema" is a MySQL database.
 */

export type RelationKind = 'table' | 'view';

/**
 * row_estimate is information_schema.TABLES.TABLE_ROWS: exact for MyISAM/Aria, an estimate
 * for InnoDB, null for views. Text columns for search are char, varchar, the text types,
 * enum and set.
 */
export type RelationSummary = SqlRelationSummary<RelationKind>;
export type TableDescription = SqlTableDescription<RelationKind>;
export type { ColumnDescription, ForeignKeyDescription, IncomingForeignKeyDescription, SearchTarget };

const TEXT_TYPES = `('char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set')`;

// SYSTEM VERSIONED: MariaDB's temporal tables. Sequences are left out.
const RELATIONS = `
  SELECT TABLE_NAME AS name, TABLE_TYPE AS table_type, TABLE_ROWS AS row_estimate, TABLE_COMMENT AS comment
    FROM information_schema.TABLES
   WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW')`;

const KEY_COLUMNS = `TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, CONSTRAINT_NAME AS name,
  COLUMN_NAME AS column_name, REFERENCED_TABLE_SCHEMA AS ref_schema, REFERENCED_TABLE_NAME AS ref_table,
  REFERENCED_COLUMN_NAME AS ref_column`;

interface RelationRow {
  name: string;
  table_type: string;
  row_estimate: number | string | null;
  comment: string | null;
}

export async function listRelations(session: ReadOnlySession, schema: string): Promise<RelationSummary[]> {
  const rows = await session.select<RelationRow>(`${RELATIONS} ORDER BY TABLE_NAME`, [schema]);
  return rows.map(toRelationSummary);
}

/** Undefined when the table does not exist in the schema or this user cannot see it. */
export async function describeRelation(
  session: ReadOnlySession,
  schema: string,
  table: string,
): Promise<TableDescription | undefined> {
  const [found] = await session.select<RelationRow>(`${RELATIONS} AND TABLE_NAME = ?`, [schema, table]);
  if (!found) return undefined;

  const columns = await session.select<{
    name: string;
    type: string;
    nullable: number;
    default_value: string | null;
    extra: string | null;
    generation: string | null;
    comment: string | null;
  }>(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE = 'YES' AS nullable,
            COLUMN_DEFAULT AS default_value, EXTRA AS extra, GENERATION_EXPRESSION AS generation,
            COLUMN_COMMENT AS comment
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?
      ORDER BY ORDINAL_POSITION`,
    [schema, table],
  );
  const keys = groupKeys(await loadKeyColumns(session, schema, table));
  const incoming = await session.select<KeyColumnRow>(
    `SELECT ${KEY_COLUMNS}
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?
      ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
    [schema, table],
  );

  return {
    schema,
    ...toRelationSummary(found),
    columns: columns.map((column) => ({
      name: column.name,
      type: column.type,
      nullable: Boolean(column.nullable),
      default: columnDefault(session.flavor, column.default_value, column.extra, column.generation),
      comment: column.comment || null,
    })),
    primary_key: keys.find((key) => key.name === 'PRIMARY' && !key.refTable)?.columns ?? [],
    foreign_keys: keys
      .filter((key) => key.refTable)
      .map((key) => ({
        name: key.name,
        columns: key.columns,
        references: { schema: key.refSchema ?? schema, table: key.refTable ?? '', columns: key.refColumns },
      })),
    referenced_by: groupKeys(incoming).map((key) => ({
      name: key.name,
      schema: key.schema,
      table: key.table,
      columns: key.columns,
      referenced_columns: key.refColumns,
    })),
  };
}

/** Every visible table of the schema with what a keyword search over it needs. */
export async function loadSearchTargets(session: ReadOnlySession, schema: string): Promise<SearchTarget[]> {
  const relations = await listRelations(session, schema);
  const columns = await session.select<{ table_name: string; column_name: string; is_text: number }>(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, DATA_TYPE IN ${TEXT_TYPES} AS is_text
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ?
      ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [schema],
  );
  const keys = groupKeys(await loadKeyColumns(session, schema));
  // Tables (in any schema) this user can see that have a text `name` column.
  const named = await session.select<{ table_schema: string; table_name: string }>(
    `SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name
       FROM information_schema.COLUMNS
      WHERE COLUMN_NAME = 'name' AND DATA_TYPE IN ${TEXT_TYPES}`,
  );
  const hasName = new Set(named.map((row) => `${row.table_schema}.${row.table_name}`));

  return relations.map(({ name }) => ({
    table: name,
    columns: columns.filter((row) => row.table_name === name).map((row) => row.column_name),
    textColumns: columns.filter((row) => row.table_name === name && row.is_text).map((row) => row.column_name),
    primaryKey: keys.find((key) => key.table === name && key.name === 'PRIMARY' && !key.refTable)?.columns ?? [],
    nameLookups: keys
      .filter((key) => key.table === name && key.refTable && hasName.has(`${key.refSchema ?? schema}.${key.refTable}`))
      .map((key) => ({
        referencedSchema: key.refSchema ?? schema,
        referencedTable: key.refTable ?? '',
        columns: key.columns,
        referencedColumns: key.refColumns,
      })),
  }));
}

export function unknownTableException(schema: string, table: string, known: readonly string[]): MySqlToolException {
  const hint = known.length
    ? ` Readable tables in \`${schema}\`: ${known.join(', ')}.`
    : ` Database \`${schema}\` has no tables this user can read (or does not exist).`;
  return new MySqlToolException(
    MySqlToolErrorCode.UnknownTable,
    `Table \`${schema}\`.\`${table}\` does not exist or is not readable.${hint}`,
  );
}

interface KeyColumnRow {
  table_schema: string;
  table_name: string;
  name: string;
  column_name: string;
  ref_schema: string | null;
  ref_table: string | null;
  ref_column: string | null;
}

interface KeyGroup {
  schema: string;
  table: string;
  name: string;
  columns: string[];
  refSchema: string | null;
  refTable: string | null;
  refColumns: string[];
}

/** Primary-key and foreign-key columns of one table, or of every table in the schema, in key order. */
async function loadKeyColumns(session: ReadOnlySession, schema: string, table?: string): Promise<KeyColumnRow[]> {
  return session.select<KeyColumnRow>(
    `SELECT ${KEY_COLUMNS}
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ? ${table === undefined ? '' : 'AND TABLE_NAME = ?'}
        AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL)
      ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
    table === undefined ? [schema] : [schema, table],
  );
}

/** Rows of KEY_COLUMN_USAGE (one per column) grouped into keys, keeping the rows' order. */
function groupKeys(rows: readonly KeyColumnRow[]): KeyGroup[] {
  const groups = new Map<string, KeyGroup>();
  for (const row of rows) {
    const id = `${row.table_schema}\u0000${row.table_name}\u0000${row.name}`;
    let group = groups.get(id);
    if (!group) {
      group = { schema: row.table_schema, table: row.table_name, name: row.name, columns: [], refSchema: row.ref_schema, refTable: row.ref_table, refColumns: [] };
      groups.set(id, group);
    }
    group.columns.push(row.column_name);
    if (row.ref_column !== null) group.refColumns.push(row.ref_column);
  }
  return [...groups.values()];
}

/**
 * The default as an expression, like the Postgres server reports it. MariaDB quotes literal
 * defaults ('open') and writes a NULL default as the bare word NULL; MySQL gives the raw value.
 */
function columnDefault(flavor: MySqlFlavor, value: string | null, extra: string | null, generation: string | null): string | null {
  const flags = (extra ?? '').toLowerCase();
  if (generation) return `generated always as (${generation}) ${/stored|persistent/.test(flags) ? 'stored' : 'virtual'}`;
  if (flags.includes('auto_increment')) return 'auto_increment';
  const base = value === null || (flavor === 'mariadb' && value === 'NULL') ? null : value;
  const onUpdate = /on update (.+)$/.exec(extra ?? '')?.[0];
  if (onUpdate) return base === null ? onUpdate : `${base} ${onUpdate}`;
  return base;
}

function toRelationSummary(row: RelationRow): RelationSummary {
  const kind: RelationKind = row.table_type === 'VIEW' ? 'view' : 'table';
  return {
    name: row.name,
    kind,
    row_estimate: kind === 'view' || row.row_estimate === null ? null : Number(row.row_estimate),
    // MariaDB fills a view's comment with the word VIEW.
    comment: row.comment && !(kind === 'view' && row.comment === 'VIEW') ? row.comment : null,
  };
}

/** The catalog queries the shared SQL tools run against MySQL and MariaDB. */
export const mysqlCatalogQueries: SqlCatalogQueries<ReadOnlySession> = {
  listRelations,
  describeRelation,
  loadSearchTargets,
  unknownTable: unknownTableException,
};
