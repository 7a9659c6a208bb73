export { createPostgresMcpServer, type PostgresMcpServerOptions } from './postgres-mcp.server';
export type { SearchHit, SearchResult } from './postgres-search';
export type {
  ColumnDescription,
  ForeignKeyDescription,
  IncomingForeignKeyDescription,
  RelationKind,
  RelationSummary,
  TableDescription,
} from './postgres-catalog';
export { PostgresToolErrorCode } from './postgres-tool.exception';
export { extractSearchKeywords } from '../sql/search-keywords';
