import { ConnectorDefinition, StrategyResult, ToolCaller } from '../connector';
import { builtServerEntry } from '../paths';
import { answerFromSqlSearch } from '../sql/sql-search-strategy';
import { parseMySqlUrl } from './mysql-mcp.config';
import { digestFromSql, MYSQL_DIGEST_DIALECT } from '../sql/sql-digest';

/** Our own read-only MySQL / MariaDB MCP server. */
export const mysqlConnector: ConnectorDefinition = {
  metadata: {
    id: 'mysql',
    name: 'MySQL',
    description: 'Tables of a MySQL or MariaDB database, read-only: records, orders, customers, inventory',
    icon: 'database',
  },
  keywords: [
    'mysql', 'mariadb', 'database', 'sql', 'table', 'row', 'record', 'customer', 'client', 'account', 'order',
    'purchase', 'product', 'inventory', 'stock', 'sku', 'invoice', 'refund', 'count', 'total', 'amount',
  ],
  probe: { tool: 'list_tables', args: {} },
  credentialFields: [
    { name: 'url', label: 'Connection URL (read-only user)', type: 'password', required: true, envVar: 'MYSQL_URL' },
  ],
  directRouting: [{ keywords: ['tables', 'schema'], tool: 'list_tables' }],
  // Only the URL: the worker's environment never reaches the server. There are no write
  // tools to allow; the server is read-only whatever the launch options say.
  launch: (credentials) => ({
    kind: 'stdio',
    command: process.execPath,
    args: [builtServerEntry('mysql/mysql-mcp.main.js')],
    env: { MYSQL_URL: credentials['url'] ?? '' },
  }),
  localStrategy: (query, call, credentials) => answerFromMySql(query, call, databaseOf(credentials['url'])),
  digestStrategy: (window, call) => digestFromSql(window, call, MYSQL_DIGEST_DIALECT),
};

/**
 * Lists the tables, or searches the text columns of every table for the question's keywords.
 * `database` (from the connection URL) names the table listing's item, `schema:<database>`.
 */
export function answerFromMySql(query: string, call: ToolCaller, database = 'default'): Promise<StrategyResult> {
  return answerFromSqlSearch(mysqlConnector, query, call, { tablesItemId: `schema:${database}`, sourceLabel: 'the MySQL database' });
}

function databaseOf(url: string | undefined): string | undefined {
  const parsed = url ? parseMySqlUrl(url) : undefined;
  return typeof parsed === 'object' ? parsed.database : undefined;
}
