import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolCaller } from '../connector';
import { JiraApiClient } from './jira-api.client';
import { createJiraMcpServer } from './jira-mcp.server';
import { jiraConnector } from './jira.connector';
import { DIGEST_SINCE, DIGEST_UNTIL, digestIssues, FAKE_JIRA_EMAIL, FAKE_JIRA_TOKEN, FakeJiraServer } from './testing/fake-jira.server';

const WINDOW = { since: DIGEST_SINCE, until: DIGEST_UNTIL };

describe('jiraConnector.digestStrategy against the Jira MCP server and a fake Jira', () => {
  let fake: FakeJiraServer;
  let call: ToolCaller;
  let close: () => Promise<void>;

  beforeEach(async () => {
    fake = await FakeJiraServer.start();
    for (const issue of digestIssues()) fake.issues.set(issue.key, issue);
    const api = new JiraApiClient({ baseUrl: fake.url, email: FAKE_JIRA_EMAIL, apiToken: FAKE_JIRA_TOKEN, timeoutMs: 2_000 });
    const server = createJiraMcpServer({ client: api, allowWrites: false });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'jira-digest-spec', version: '0.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    close = async () => {
      await client.close();
      await server.close();
    };
    call = async (tool, args) => {
      const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      return { ok: result.isError !== true, text, structured: result.structuredContent as Record<string, unknown> | undefined };
    };
  });

  afterEach(async () => {
    await close();
    await fake.close();
  });

  const digest = jiraConnector.digestStrategy!;
  const credentials = { url: 'ignored', email: FAKE_JIRA_EMAIL, api_token: FAKE_JIRA_TOKEN };

  it("should list only the account's assigned, reported and watched issues updated within the window, newest first, when others changed before, within and after it", async () => {
    const result = await digest(WINDOW, call, credentials);

    // NW-102 is assigned to the account but was updated before the window, NW-108 after it;
    // MOB-3 changed within it but is someone else's.
    expect(result.items.map((i) => i.title)).toEqual([
      'NW-107 (you watch) updated: Acme Corp asks for an outage credit',
      'OPS-7 (you reported) updated: Rotate the payment gateway API keys',
      'NW-105 (assigned to you) updated: Refund job skips orders cancelled on weekends',
    ]);
    expect(result.items[2]).toEqual({
      id: 'NW-105',
      title: 'NW-105 (assigned to you) updated: Refund job skips orders cancelled on weekends',
      url: `${fake.url}/browse/NW-105`,
      tool: 'query_jira',
      content:
        'Issue NW-105, assigned to you, was updated 2024-05-02 09:30 UTC: Refund job skips orders cancelled on weekends; ' +
        'status: To Do; priority: High; assignee: Mosaic Bot.',
      score: 1,
    });
    expect(result.summary).toBe(`Since ${DIGEST_SINCE}: 3 Jira issue(s) updated (1 assigned to you, 1 you reported, 1 you watch).`);
  });

  it("should ask Jira from 14 hours before since when building the JQL, as Jira reads its dates in the user's unknown time zone", async () => {
    await digest(WINDOW, call, credentials);

    const jqls = fake.requests.filter((r) => r.path === '/rest/api/3/search').map((r) => r.query.get('jql'));
    expect(jqls).toEqual([
      'assignee = currentUser() AND updated >= "2024-04-30 22:00" ORDER BY updated DESC',
      'reporter = currentUser() AND updated >= "2024-04-30 22:00" ORDER BY updated DESC',
      'watcher = currentUser() AND updated >= "2024-04-30 22:00" ORDER BY updated DESC',
    ]);
  });

  it('should count an issue once, by its most telling role, when the account is both its assignee and its reporter', async () => {
    const result = await digest({ since: '2024-05-02T09:00:00Z', until: '2024-05-02T10:00:00Z' }, call, credentials);

    expect(result.items.map((i) => [i.id, i.title.split(' updated')[0]])).toEqual([['NW-105', 'NW-105 (assigned to you)']]);
  });
});
