import type { SqlToolException } from './sql-tool.exception';

/**
 * The shapes `list_tables`, `describe_table` and `search` return, the same for every SQL
 * connector, and the catalog queries each database answers in its own way (pg_catalog,
 * information_schema). `Kind` is the database's own set of relation kinds.
 */

export interface RelationSummary<Kind extends string = string> {
  name: string;
  kind: Kind;
  /** The database's own estimate (planner statistics, TABLE_ROWS); null when unknown or a view. */
  row_estimate: number | null;
  comment: string | null;
}

export interface ColumnDescription {
  name: string;
  /** The full column type as the database writes it, e.g. `character varying(200)`, `int(10) unsigned`. */
  type: string;
  nullable: boolean;
  default: string | null;
  comment: string | null;
}

export interface ForeignKeyDescription {
  name: string;
  columns: string[];
  references: { schema: string; table: string; columns: string[] };
}

export interface IncomingForeignKeyDescription {
  name: string;
  schema: string;
  table: string;
  columns: string[];
  referenced_columns: string[];
}

export interface TableDescription<Kind extends string = string> extends RelationSummary<Kind> {
  schema: string;
  columns: ColumnDescription[];
  primary_key: string[];
  foreign_keys: ForeignKeyDescription[];
  referenced_by: IncomingForeignKeyDescription[];
}

/** What `search` needs to know about one table. */
export interface SearchTarget {
  table: string;
  /** Every column, in table order. */
  columns: string[];
  /** Columns of a string type (including enums) that the search matches against. */
  textColumns: string[];
  primaryKey: string[];
  /** Foreign keys whose referenced table has a text `name` column to show and search. */
  nameLookups: Array<{ referencedSchema: string; referencedTable: string; columns: string[]; referencedColumns: string[] }>;
}

/** The catalog queries of one database, run inside a read-only session `S`. */
export interface SqlCatalogQueries<S> {
  listRelations(session: S, schema: string): Promise<RelationSummary[]>;
  /** Undefined when the table does not exist in the schema or cannot be read. */
  describeRelation(session: S, schema: string, table: string): Promise<TableDescription | undefined>;
  /** Every readable table of the schema with what a keyword search over it needs. */
  loadSearchTargets(session: S, schema: string): Promise<SearchTarget[]>;
  /** The `unknown_table` failure, naming the tables that can be read instead. */
  unknownTable(schema: string, table: string, known: readonly string[]): SqlToolException;
}
