import { credentialsFromEnv, directRoute, missingCredentials, ToolCaller } from '../connector';
import { answerFromMySql, mysqlConnector } from './mysql.connector';

// builtServerEntry needs `npm run build`; the launch env is what these tests look at.
jest.mock('../paths', () => ({ ...jest.requireActual('../paths'), builtServerEntry: (file: string) => `/dist/${file}` }));

/** The `search` result shape of mysql-mcp.server.ts, as the worker receives it. */
const SEARCH_RESULT = {
  query: 'acme checkout',
  schema: 'shop',
  keywords: ['acme', 'checkout'],
  tables_searched: ['customers', 'support_tickets'],
  truncated: false,
  results: [
    {
      table: 'support_tickets',
      primary_key: { id: 7 },
      matched_keywords: ['acme', 'checkout'],
      score: 2,
      row: {
        id: 7,
        customer_id: 1,
        subject: 'Checkout failing with payment gateway timeout',
        status: 'open',
        priority: 'urgent',
        assignee: null,
        opened_at: '2024-05-02T09:30:00.000Z',
        customer_name: 'Acme Corp',
      },
    },
    {
      table: 'customers',
      primary_key: { id: 1 },
      matched_keywords: ['acme'],
      score: 1,
      row: { id: 1, name: 'Acme Corp', plan: 'enterprise', arr_usd: '120000.00' },
    },
  ],
};

function recordingCaller(respond: (tool: string) => { ok: boolean; text: string; structured?: Record<string, unknown> }) {
  const calls: Array<[string, Record<string, unknown>]> = [];
  const call: ToolCaller = async (tool, args) => {
    calls.push([tool, args]);
    return respond(tool);
  };
  return { calls, call };
}

describe('mysqlConnector', () => {
  it('should map url to MYSQL_URL as a required secret and probe with list_tables', () => {
    expect(mysqlConnector.metadata.id).toBe('mysql');
    expect(mysqlConnector.credentialFields.map((f) => [f.name, f.envVar, f.type, f.required])).toEqual([
      ['url', 'MYSQL_URL', 'password', true],
    ]);
    expect(missingCredentials(mysqlConnector, {})).toEqual(['MYSQL_URL']);
    expect(mysqlConnector.probe).toEqual({ tool: 'list_tables', args: {} });
  });

  it("should launch the built server with only MYSQL_URL when the worker's environment holds more", () => {
    const credentials = credentialsFromEnv(mysqlConnector, {
      MYSQL_URL: 'mysql://reader:pw@db:3306/shop',
      POSTGRES_URL: 'postgres://x',
      HOME: '/root',
    });

    const spec = mysqlConnector.launch(credentials, { allowWrites: true });

    expect(spec).toEqual({
      kind: 'stdio',
      command: process.execPath,
      args: ['/dist/mysql/mysql-mcp.main.js'],
      env: { MYSQL_URL: 'mysql://reader:pw@db:3306/shop' },
    });
  });

  it('should route questions about tables to list_tables when they name tables or the schema', () => {
    expect(directRoute(mysqlConnector, 'Which tables are in the shop database?')?.tool).toBe('list_tables');
    expect(directRoute(mysqlConnector, 'Which customers churned?')).toBeUndefined();
  });
});

describe(answerFromMySql.name, () => {
  it('should search the content words and cite each row as table:primary key', async () => {
    const { calls, call } = recordingCaller(() => ({ ok: true, text: JSON.stringify(SEARCH_RESULT), structured: SEARCH_RESULT }));

    const sut = await answerFromMySql('Why is Acme checkout failing?', call, 'shop');

    expect(calls).toEqual([['search', { query: expect.stringContaining('acme'), limit: 40 }]]);
    expect(calls[0]?.[1]['query']).toContain('checkout');
    expect(sut.items.map((item) => item.id)).toEqual(['support_tickets:7', 'customers:1']);
    expect(sut.items[0]).toEqual({
      id: 'support_tickets:7',
      title: 'support_tickets 7 Checkout failing with payment gateway timeout (Acme Corp)',
      tool: 'search',
      content:
        'subject: Checkout failing with payment gateway timeout; status: open; priority: urgent; opened_at: 2024-05-02; customer_name: Acme Corp',
      score: expect.any(Number),
    });
    expect(sut.items[0]!.score).toBeGreaterThan(sut.items[1]!.score);
    expect(sut.summary).toBe('Found 2 matching row(s); the 2 best are from support_tickets, customers.');
  });

  it('should parse the text content when the result has no structured content', async () => {
    const { call } = recordingCaller(() => ({ ok: true, text: JSON.stringify(SEARCH_RESULT) }));

    const sut = await answerFromMySql('acme checkout', call);

    expect(sut.items).toHaveLength(2);
  });

  it('should list the tables as one item named after the database when the question asks for tables', async () => {
    const { calls, call } = recordingCaller(() => ({ ok: true, text: '{"schema":"shop","tables":[]}' }));

    const sut = await mysqlConnector.localStrategy('What tables are there?', call, { url: 'mysql://r:p@db/shop' });

    expect(calls).toEqual([['list_tables', {}]]);
    expect(sut.items).toEqual([{ id: 'schema:shop', title: 'Tables', tool: 'list_tables', content: '{"schema":"shop","tables":[]}', score: 1 }]);
  });

  it('should say nothing matched when the search finds no rows', async () => {
    const { call } = recordingCaller(() => ({ ok: true, text: '{"results":[]}', structured: { results: [] } }));

    const sut = await answerFromMySql('acme refunds', call);

    expect(sut.items).toEqual([]);
    expect(sut.summary).toMatch(/^No rows mention /);
  });

  it('should fail with the tool error when the search fails', async () => {
    const { call } = recordingCaller(() => ({ ok: false, text: 'Database unavailable: connect ECONNREFUSED.' }));

    await expect(answerFromMySql('acme refunds', call)).rejects.toThrow('search failed: Database unavailable');
  });

  it('should not call any tool when the question has no searchable terms', async () => {
    const { calls, call } = recordingCaller(() => ({ ok: true, text: '{}' }));

    const sut = await answerFromMySql('what is it?', call);

    expect(calls).toEqual([]);
    expect(sut.items).toEqual([]);
  });
});
