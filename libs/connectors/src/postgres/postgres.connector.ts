import { ConnectorDefinition, StrategyResult, ToolCaller } from '../connector';
import { builtServerEntry } from '../paths';
import { digestFromSql, POSTGRES_DIGEST_DIALECT } from '../sql/sql-digest';
import { answerFromSqlSearch } from '../sql/sql-search-strategy';

export { parseSearchRows } from '../sql/sql-search-strategy';

/** Our own read-only Postgres MCP server. */
export const postgresConnector: ConnectorDefinition = {
  metadata: {
    id: 'postgres',
    name: 'Postgres',
    description: 'Customers, orders, refunds and support tickets in the company database',
    icon: 'database',
  },
  keywords: [
    'database', 'sql', 'table', 'row', 'record', 'customer', 'client', 'account', 'order', 'purchase', 'refund',
    'refunded', 'revenue', 'arr', 'invoice', 'ticket', 'support', 'urgent', 'open', 'priority', 'plan', 'enterprise',
    'count', 'total', 'amount',
  ],
  probe: { tool: 'list_tables', args: {} },
  credentialFields: [
    { name: 'url', label: 'Connection URL (read-only role)', type: 'password', required: true, envVar: 'POSTGRES_URL' },
  ],
  directRouting: [{ keywords: ['tables', 'schema'], tool: 'list_tables' }],
  launch: (credentials) => ({
    kind: 'stdio',
    command: process.execPath,
    args: [builtServerEntry('postgres/postgres-mcp.main.js')],
    env: { POSTGRES_URL: credentials['url'] ?? '' },
  }),
  localStrategy: (query, call) => answerFromPostgres(query, call),
  digestStrategy: (window, call) => digestFromSql(window, call, POSTGRES_DIGEST_DIALECT),
};

/** Lists the tables, or searches the text columns of every table for the question's keywords. */
export function answerFromPostgres(query: string, call: ToolCaller): Promise<StrategyResult> {
  return answerFromSqlSearch(postgresConnector, query, call, { tablesItemId: 'schema:public', sourceLabel: 'the database' });
}
