import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { JiraApiClient, JiraApiClientOptions } from './jira-api.client';
import { createJiraMcpServer } from './jira-mcp.server';
import { FAKE_JIRA_EMAIL, FAKE_JIRA_TOKEN, FakeJiraServer } from './testing/fake-jira.server';

interface Harness {
  client: Client;
  close(): Promise<void>;
}

const BASIC = Buffer.from(`${FAKE_JIRA_EMAIL}:${FAKE_JIRA_TOKEN}`).toString('base64');

async function connect(
  fake: FakeJiraServer,
  options: { allowWrites?: boolean; defaultProject?: string; client?: Partial<JiraApiClientOptions> } = {},
): Promise<Harness> {
  const api = new JiraApiClient({
    baseUrl: fake.url,
    email: FAKE_JIRA_EMAIL,
    apiToken: FAKE_JIRA_TOKEN,
    timeoutMs: 2_000,
    serverErrorRetryDelaysMs: [10, 20],
    ...options.client,
  });
  const server = createJiraMcpServer({ client: api, allowWrites: options.allowWrites ?? false, defaultProject: options.defaultProject });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'jira-mcp-spec', version: '0.0.0' });
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** Every text a tool result carries, to check that no credential leaks into any of it. */
const seen: string[] = [];

async function call(harness: Harness, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  const result = (await harness.client.callTool({ name, arguments: args })) as CallToolResult;
  seen.push(JSON.stringify(result));
  return result;
}

function structured<T>(result: CallToolResult): T {
  if (result.isError) throw new Error(`unexpected tool error: ${JSON.stringify(result.content)}`);
  const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
  expect(JSON.parse(text)).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

function errorOf(result: CallToolResult): { code: string; message: string } {
  expect(result.isError).toBe(true);
  return (result.structuredContent as { error: { code: string; message: string } }).error;
}

interface IssueSummary {
  key: string;
  summary: string;
  status: string | null;
  priority: string | null;
  assignee: string | null;
  assignee_email: string | null;
  updated: string | null;
  url: string;
}

describe('Jira MCP server', () => {
  let fake: FakeJiraServer;
  let sut: Harness;

  beforeEach(async () => {
    fake = await FakeJiraServer.start();
    sut = await connect(fake);
  });

  afterEach(async () => {
    await sut.close();
    await fake.close();
  });

  afterAll(() => {
    const everything = seen.join('\n');
    expect(everything).not.toContain(FAKE_JIRA_TOKEN);
    expect(everything).not.toContain(BASIC);
  });

  it('should offer only the read tools, marked read-only, when writes are not allowed', async () => {
    const { tools } = await sut.client.listTools();

    expect(tools.map((t) => t.name).sort()).toEqual(['get_issue', 'list_projects', 'query_jira']);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  });

  it('should send Basic auth built from the email and the API token', async () => {
    await call(sut, 'list_projects');

    expect(fake.requests[0]?.authorization).toBe(`Basic ${BASIC}`);
  });

  describe('list_projects', () => {
    it('should list every project with key, name, type and browse URL when all fit one page', async () => {
      const result = structured<{ projects: Array<Record<string, unknown>>; count: number; truncated: boolean }>(
        await call(sut, 'list_projects'),
      );

      expect(result.projects).toEqual([
        { key: 'NW', name: 'Northwind Support', type: 'software', url: `${fake.url}/browse/NW` },
        { key: 'OPS', name: 'Operations', type: 'business', url: `${fake.url}/browse/OPS` },
        { key: 'MOB', name: 'Mobile App', type: 'software', url: `${fake.url}/browse/MOB` },
      ]);
      expect(result.truncated).toBe(false);
    });

    it('should follow startAt until isLast when Jira pages the results', async () => {
      fake.pageSizeCap = 1;

      const result = structured<{ projects: Array<{ key: string }>; truncated: boolean }>(await call(sut, 'list_projects'));

      expect(result.projects.map((p) => p.key)).toEqual(['NW', 'OPS', 'MOB']);
      expect(fake.requests.map((r) => r.query.get('startAt'))).toEqual(['0', '1', '2']);
      expect(result.truncated).toBe(false);
    });

    it('should stop at max_items and say it truncated when there are more projects', async () => {
      fake.pageSizeCap = 1;

      const result = structured<{ projects: Array<{ key: string }>; truncated: boolean }>(
        await call(sut, 'list_projects', { max_items: 2 }),
      );

      expect(result.projects.map((p) => p.key)).toEqual(['NW', 'OPS']);
      expect(result.truncated).toBe(true);
      expect(fake.requests).toHaveLength(2);
    });
  });

  describe('query_jira', () => {
    it('should return key, summary, status, priority, assignee, updated and browse URL per issue', async () => {
      const result = structured<{ issues: IssueSummary[]; total: number }>(
        await call(sut, 'query_jira', { jql: 'text ~ "checkout outage" ORDER BY updated DESC' }),
      );

      expect(result.total).toBe(1);
      expect(result.issues).toEqual([
        {
          key: 'NW-101',
          summary: 'Acme Corp checkout outage: payments failing with 502',
          status: 'In Progress',
          priority: 'Highest',
          assignee: 'Dana Whitfield',
          assignee_email: 'dana@northwind.example',
          updated: '2024-05-03T10:15:30.000+0000',
          url: `${fake.url}/browse/NW-101`,
        },
      ]);
      const request = fake.requests[0]!;
      expect(request.path).toBe('/rest/api/3/search');
      expect(request.query.get('fields')).toBe('summary,status,priority,assignee,updated');
    });

    it('should page through results by startAt and stop at max_items', async () => {
      fake.pageSizeCap = 2;

      const all = structured<{ issues: IssueSummary[]; truncated: boolean }>(
        await call(sut, 'query_jira', { jql: 'project = NW ORDER BY updated DESC' }),
      );
      const capped = structured<{ issues: IssueSummary[]; truncated: boolean; total: number }>(
        await call(sut, 'query_jira', { jql: 'project = NW', max_items: 3 }),
      );

      expect(all.issues.map((i) => i.key)).toEqual(['NW-101', 'NW-102', 'NW-103', 'NW-104']);
      expect(all.truncated).toBe(false);
      expect(capped.issues).toHaveLength(3);
      expect(capped.truncated).toBe(true);
      expect(capped.total).toBe(4);
      expect(fake.requests.map((r) => [r.query.get('startAt'), r.query.get('maxResults')])).toEqual([
        ['0', '25'],
        ['2', '23'],
        ['0', '3'],
        ['2', '1'],
      ]);
    });

    it('should find the issues assigned to the caller when the JQL uses currentUser()', async () => {
      const result = structured<{ issues: IssueSummary[] }>(
        await call(sut, 'query_jira', { jql: 'assignee = currentUser() ORDER BY updated DESC' }),
      );

      expect(result.issues.map((i) => i.key)).toEqual(['NW-102']);
    });

    it("should pass on Jira's errorMessages when the JQL is invalid", async () => {
      const error = errorOf(await call(sut, 'query_jira', { jql: 'summary ~~ broken' }));

      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/^jira rejected issue search: Error in the JQL Query/);
    });

    it('should search the default project when no JQL is given', async () => {
      const scoped = await connect(fake, { defaultProject: 'NW' });
      try {
        const result = structured<{ jql: string; issues: IssueSummary[] }>(await call(scoped, 'query_jira'));

        expect(result.jql).toBe('project = NW ORDER BY updated DESC');
        expect(result.issues).toHaveLength(4);
      } finally {
        await scoped.close();
      }
    });
  });

  describe('get_issue', () => {
    it('should return the issue with its ADF description rendered as plain text', async () => {
      const result = structured<Record<string, unknown>>(await call(sut, 'get_issue', { key: 'NW-101' }));

      expect(result).toMatchObject({
        key: 'NW-101',
        summary: 'Acme Corp checkout outage: payments failing with 502',
        status: 'In Progress',
        issue_type: 'Bug',
        project: 'NW',
        reporter: 'Sam Ortega',
        labels: ['acme', 'outage', 'payments'],
        url: `${fake.url}/browse/NW-101`,
        description: 'Acme Corp reports checkout errors since 08:00 UTC.\n\nThe payment gateway returns 502 for card payments.',
      });
    });

    it('should report not_found with Jira\'s message when the issue does not exist', async () => {
      const error = errorOf(await call(sut, 'get_issue', { key: 'NW-999' }));

      expect(error).toEqual({
        code: 'not_found',
        message: 'not found on jira (issue NW-999): Issue does not exist or you do not have permission to see it.',
      });
    });
  });

  describe('failures', () => {
    it('should say the credentials were rejected, and nothing of them, when Jira answers 401', async () => {
      const wrong = await connect(fake, { client: { apiToken: 'wrong-token-abcdef' } });
      try {
        const error = errorOf(await call(wrong, 'list_projects'));

        expect(error.code).toBe('credentials_rejected');
        expect(error.message).toContain('credentials rejected for jira');
        expect(error.message).not.toContain('wrong-token-abcdef');
      } finally {
        await wrong.close();
      }
    });

    it('should redact the token when Jira echoes it back in an error', async () => {
      const error = errorOf(await call(sut, 'query_jira', { jql: `summary ~~ ${FAKE_JIRA_TOKEN}` }));

      expect(error.message).toContain('[redacted]');
      expect(error.message).not.toContain(FAKE_JIRA_TOKEN);
    });

    it('should wait out a short Retry-After once and succeed when Jira rate limits', async () => {
      fake.rateLimitNext(1);

      const started = Date.now();
      const result = structured<{ issues: IssueSummary[] }>(await call(sut, 'query_jira', { jql: 'project = NW' }));

      expect(result.issues).toHaveLength(4);
      expect(fake.requests).toHaveLength(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('should fail at once with the wait when Retry-After is longer than the client waits', async () => {
      fake.rateLimitNext(120);

      const error = errorOf(await call(sut, 'query_jira', { jql: 'project = NW' }));

      expect(error).toEqual({ code: 'rate_limited', message: 'jira rate limited; retry after 120 s' });
      expect(fake.requests).toHaveLength(1);
    });

    it('should fail after one wait when Jira keeps rate limiting', async () => {
      fake.rateLimitNext(0, 2);

      const error = errorOf(await call(sut, 'list_projects'));

      expect(error.code).toBe('rate_limited');
      expect(fake.requests).toHaveLength(2);
    });

    it('should retry a 5xx and succeed when Jira recovers within the retries', async () => {
      fake.failNext(2, 503);

      const result = structured<{ projects: unknown[] }>(await call(sut, 'list_projects'));

      expect(result.projects).toHaveLength(3);
      expect(fake.requests).toHaveLength(3);
    });

    it('should give up with unavailable after the bounded retries when Jira keeps failing', async () => {
      fake.failNext(5, 500);

      const error = errorOf(await call(sut, 'get_issue', { key: 'NW-101' }));

      expect(error).toEqual({ code: 'unavailable', message: 'jira is unavailable (HTTP 500 on issue NW-101 after 3 attempts)' });
      expect(fake.requests).toHaveLength(3);
    });

    it('should time out a request Jira never answers', async () => {
      const impatient = await connect(fake, { client: { timeoutMs: 200, serverErrorRetryDelaysMs: [] } });
      fake.hangNext();
      try {
        const error = errorOf(await call(impatient, 'get_issue', { key: 'NW-101' }));

        expect(error).toEqual({ code: 'timeout', message: 'jira did not answer issue NW-101 within 200 ms' });
      } finally {
        await impatient.close();
      }
    });
  });

  describe('writes', () => {
    let writer: Harness;

    beforeEach(async () => {
      writer = await connect(fake, { allowWrites: true, defaultProject: 'NW' });
    });

    afterEach(async () => {
      await writer.close();
    });

    it('should offer create_issue and update_issue when writes are allowed', async () => {
      const { tools } = await writer.client.listTools();

      expect(tools.map((t) => t.name).sort()).toEqual(['create_issue', 'get_issue', 'list_projects', 'query_jira', 'update_issue']);
    });

    it('should refuse a write tool as unknown when writes are not allowed', async () => {
      const result = await call(sut, 'create_issue', { summary: 'Should not exist' });

      expect(result.isError).toBe(true);
      expect(fake.requests).toHaveLength(0);
    });

    it('should create an issue in the default project and read it back', async () => {
      const created = structured<{ key: string; url: string }>(
        await call(writer, 'create_issue', { summary: 'Refund webhook retries', description: 'Line one\nLine two', priority: 'High' }),
      );
      const read = structured<Record<string, unknown>>(await call(writer, 'get_issue', { key: created.key }));

      expect(created.key).toMatch(/^NW-\d+$/);
      expect(created.url).toBe(`${fake.url}/browse/${created.key}`);
      expect(read).toMatchObject({ summary: 'Refund webhook retries', priority: 'High', issue_type: 'Task', description: 'Line one\n\nLine two' });
    });

    it("should pass on Jira's field errors when creating in an unknown project", async () => {
      const error = errorOf(await call(writer, 'create_issue', { project: 'NOPE', summary: 'x' }));

      expect(error).toEqual({ code: 'invalid_request', message: 'jira rejected issue creation in NOPE: project: valid project is required' });
    });

    it('should not retry a create when Jira answers 5xx', async () => {
      fake.failNext(1, 502);

      const error = errorOf(await call(writer, 'create_issue', { summary: 'Only once' }));

      expect(error.code).toBe('unavailable');
      expect(fake.requests).toHaveLength(1);
    });

    it('should change only the given fields when updating', async () => {
      const result = structured<{ updated_fields: string[] }>(
        await call(writer, 'update_issue', { key: 'NW-102', priority: 'Highest', labels: ['refund', 'urgent'] }),
      );
      const read = structured<Record<string, unknown>>(await call(writer, 'get_issue', { key: 'NW-102' }));

      expect(result.updated_fields).toEqual(['priority', 'labels']);
      expect(read).toMatchObject({ summary: 'Refund not issued for cancelled order ORD-2231', priority: 'Highest', labels: ['refund', 'urgent'] });
      expect(fake.requests.find((r) => r.method === 'PUT')?.body).toEqual({
        fields: { priority: { name: 'Highest' }, labels: ['refund', 'urgent'] },
      });
    });
  });
});
