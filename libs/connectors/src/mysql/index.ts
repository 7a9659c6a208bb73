export { createMySqlMcpServer, type MySqlMcpServerOptions } from './mysql-mcp.server';
export type { SearchHit as MySqlSearchHit, SearchResult as MySqlSearchResult } from './mysql-search';
export type {
  ColumnDescription as MySqlColumnDescription,
  ForeignKeyDescription as MySqlForeignKeyDescription,
  IncomingForeignKeyDescription as MySqlIncomingForeignKeyDescription,
  RelationKind as MySqlRelationKind,
  RelationSummary as MySqlRelationSummary,
  TableDescription as MySqlTableDescription,
} from './mysql-catalog';
export { MySqlToolErrorCode } from './mysql-tool.exception';
