import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { credentialsFromEnv, missingCredentials, ToolCaller } from '../connector';
import { JiraApiClient } from './jira-api.client';
import { createJiraMcpServer } from './jira-mcp.server';
import { answerFromJira, ASSIGNED_TO_ME_JQL, jiraConnector, jiraSearchTerms, textJql } from './jira.connector';
import { FAKE_JIRA_EMAIL, FAKE_JIRA_TOKEN, FakeJiraServer } from './testing/fake-jira.server';

// builtServerEntry needs `npm run build`; the launch env is what these tests look at.
jest.mock('../paths', () => ({ ...jest.requireActual('../paths'), builtServerEntry: (file: string) => `/dist/${file}` }));

describe('jiraConnector', () => {
  it('should map url, email and api_token to the JIRA_* variables, all required', () => {
    expect(jiraConnector.credentialFields.map((f) => [f.name, f.envVar, f.type, f.required])).toEqual([
      ['url', 'JIRA_URL', 'url', true],
      ['email', 'JIRA_EMAIL', 'text', true],
      ['api_token', 'JIRA_API_TOKEN', 'password', true],
    ]);
    expect(missingCredentials(jiraConnector, { url: 'https://x.atlassian.net' })).toEqual(['JIRA_EMAIL', 'JIRA_API_TOKEN']);
  });

  it('should launch the server with only the Jira credentials and writes off when the request did not allow them', () => {
    const credentials = credentialsFromEnv(jiraConnector, {
      JIRA_URL: 'https://northwind.atlassian.net',
      JIRA_EMAIL: 'a@b.c',
      JIRA_API_TOKEN: 'secret',
      JIRA_ALLOW_WRITES: 'true',
      HOME: '/root',
    });
    const spec = jiraConnector.launch(credentials);

    expect(spec).toMatchObject({ kind: 'stdio', args: ['/dist/jira/jira-mcp.main.js'] });
    expect(spec.kind === 'stdio' && spec.env).toEqual({
      JIRA_URL: 'https://northwind.atlassian.net',
      JIRA_EMAIL: 'a@b.c',
      JIRA_API_TOKEN: 'secret',
    });
  });
});

describe(jiraSearchTerms.name, () => {
  it('should keep content words and drop words that only say "Jira" when building a text search', () => {
    expect(jiraSearchTerms('Which Jira tickets mention the Acme checkout outage?')).toEqual(['acme', 'checkout', 'outage']);
    expect(textJql(['acme', 'checkout'])).toBe('text ~ "acme checkout" ORDER BY updated DESC');
  });

  it('should strip quotes and JQL operators from the terms when the question contains them', () => {
    expect(jiraSearchTerms('refund "bug" for order-2231')).toEqual(['refund', 'bug', 'order', '2231']);
  });
});

describe(answerFromJira.name, () => {
  let fake: FakeJiraServer;
  let client: Client;
  let close: () => Promise<void>;
  let calls: Array<[string, Record<string, unknown>]>;
  let call: ToolCaller;

  beforeEach(async () => {
    fake = await FakeJiraServer.start();
    const api = new JiraApiClient({ baseUrl: fake.url, email: FAKE_JIRA_EMAIL, apiToken: FAKE_JIRA_TOKEN, timeoutMs: 2_000 });
    const server = createJiraMcpServer({ client: api, allowWrites: false });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'jira-connector-spec', version: '0.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    close = async () => {
      await client.close();
      await server.close();
      await fake.close();
    };
    calls = [];
    call = async (tool, args) => {
      calls.push([tool, args]);
      const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      return { ok: !result.isError, text, structured: result.structuredContent };
    };
  });

  afterEach(async () => {
    await close();
  });

  it('should search text and return citeable issues when the question names no key', async () => {
    const sut = await answerFromJira('Which Jira tickets mention the Acme checkout outage?', call);

    expect(calls).toEqual([['query_jira', { jql: 'text ~ "acme checkout outage" ORDER BY updated DESC', max_items: 20 }]]);
    expect(sut.items).toEqual([
      {
        id: 'NW-101',
        title: 'NW-101: Acme Corp checkout outage: payments failing with 502',
        url: `${fake.url}/browse/NW-101`,
        tool: 'query_jira',
        content:
          'Acme Corp checkout outage: payments failing with 502; status: In Progress; priority: Highest; assignee: Dana Whitfield; updated: 2024-05-03',
        score: 1,
      },
    ]);
  });

  it('should fall back to any of the words when no issue has them all', async () => {
    const sut = await answerFromJira('Any refund or escalation bugs?', call);

    expect(calls.map(([, args]) => args['jql'])).toEqual([
      'text ~ "refund escalation bugs" ORDER BY updated DESC',
      '(text ~ "refund" OR text ~ "escalation" OR text ~ "bugs") ORDER BY updated DESC',
    ]);
    expect(sut.items.map((i) => i.id).sort()).toEqual(['NW-102', 'NW-103']);
    expect(sut.items.every((i) => i.score > 0 && i.score <= 1)).toBe(true);
  });

  it('should read the issue when the question names an issue key', async () => {
    const sut = await answerFromJira('What is the status of NW-102?', call);

    expect(calls).toEqual([['get_issue', { key: 'NW-102' }]]);
    expect(sut.items).toHaveLength(1);
    expect(sut.items[0]).toMatchObject({ id: 'NW-102', url: `${fake.url}/browse/NW-102`, tool: 'get_issue', score: 1 });
    expect(sut.items[0]?.content).toContain('status: To Do; priority: High; assignee: Mosaic Bot');
    expect(sut.items[0]?.content).toContain('description: Customer cancelled within 30 days');
  });

  it('should ask for currentUser() when the question is about issues assigned to me', async () => {
    const sut = await answerFromJira('What is assigned to me right now?', call);

    expect(calls).toEqual([['query_jira', { jql: ASSIGNED_TO_ME_JQL, max_items: 20 }]]);
    expect(sut.items.map((i) => i.id)).toEqual(['NW-102']);
  });

  it('should list projects when the question asks for projects', async () => {
    const sut = await answerFromJira('Which Jira projects do we have?', call);

    expect(calls).toEqual([['list_projects', { max_items: 50 }]]);
    expect(sut.items.map((i) => [i.id, i.url])).toEqual([
      ['NW', `${fake.url}/browse/NW`],
      ['OPS', `${fake.url}/browse/OPS`],
      ['MOB', `${fake.url}/browse/MOB`],
    ]);
  });

  it('should throw with the tool error when Jira fails', async () => {
    fake.failNext(10, 500);

    await expect(answerFromJira('Acme outage', call)).rejects.toThrow(/query_jira failed: jira is unavailable/);
  });

  it('should offer write tools only when the request explicitly allowed writes', () => {
    const credentials = { url: 'https://northwind.atlassian.net', email: 'a@b.c', api_token: 'secret' };
    const spec = jiraConnector.launch(credentials, { allowWrites: true });
    expect(spec.kind === 'stdio' && spec.env?.['JIRA_ALLOW_WRITES']).toBe('true');
    const readOnly = jiraConnector.launch(credentials, { allowWrites: false });
    expect(readOnly.kind === 'stdio' && readOnly.env?.['JIRA_ALLOW_WRITES']).toBeUndefined();
  });
});
