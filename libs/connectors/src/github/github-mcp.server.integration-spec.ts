import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { GithubApiClient, GithubApiClientOptions } from './github-api.client';
import { createGithubMcpServer, GithubMcpServerOptions } from './github-mcp.server';
import { FakeGithub, startFakeGithub } from './testing/fake-github.server';

interface Harness {
  client: Client;
  close(): Promise<void>;
}

const READ_TOOLS = [
  'get_workflow_runs',
  'list_branches',
  'list_commits',
  'list_issues',
  'list_pull_requests',
  'list_repositories',
  'search_issues',
];

describe('GitHub MCP server', () => {
  let github: FakeGithub;
  const harnesses: Harness[] = [];
  /** Every tool result the specs saw, to prove the token never leaks into one. */
  const seen: string[] = [];

  beforeAll(async () => {
    github = await startFakeGithub();
  });

  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    await github?.close();
  });

  beforeEach(() => {
    github.reset();
  });

  async function connect(
    server: Partial<Omit<GithubMcpServerOptions, 'client'>> = {},
    api: Partial<GithubApiClientOptions> = {},
  ): Promise<Harness> {
    const apiClient = new GithubApiClient({ token: github.token, baseUrl: github.url, serverErrorRetryDelaysMs: [20, 60], ...api });
    const mcp = createGithubMcpServer({ client: apiClient, allowWrites: false, defaultOwner: 'northwind', ...server });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'github-mcp-spec', version: '0.0.0' });
    await mcp.connect(serverTransport);
    await client.connect(clientTransport);
    const harness = {
      client,
      close: async () => {
        await client.close();
        await mcp.close();
      },
    };
    harnesses.push(harness);
    return harness;
  }

  async function call(harness: Harness, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
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

  function errorOf(result: CallToolResult): { code: string; message: string; retry_after_seconds?: number } {
    expect(result.isError).toBe(true);
    return (result.structuredContent as { error: { code: string; message: string; retry_after_seconds?: number } }).error;
  }

  describe('tools', () => {
    let sut: Harness;

    beforeAll(async () => {
      sut = await connect();
    });

    it('should offer the seven read tools, all read-only, and no write tool when writes are not allowed', async () => {
      const { tools } = await sut.client.listTools();

      expect(tools.map((t) => t.name).sort()).toEqual(READ_TOOLS);
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      expect(tools.find((t) => t.name === 'list_issues')?.inputSchema.required).toEqual(['repo']);
      expect(tools.find((t) => t.name === 'search_issues')?.inputSchema.required).toEqual(['query']);
    });

    it('should list the organization repositories with html_url when asked for repositories', async () => {
      const result = structured<{ owner: string; count: number; truncated: boolean; repositories: Array<Record<string, unknown>> }>(
        await call(sut, 'list_repositories', {}),
      );

      expect(result.owner).toBe('northwind');
      expect(result.truncated).toBe(false);
      expect(result.repositories).toHaveLength(3);
      expect(result.repositories[0]).toEqual({
        full_name: 'northwind/web',
        description: 'Storefront web app (Next.js)',
        private: false,
        default_branch: 'main',
        updated_at: '2025-03-14T16:20:00Z',
        html_url: 'https://github.com/northwind/web',
      });
      expect(github.requests[0]!.path).toBe('/orgs/northwind/repos');
    });

    it('should list open issues without pull requests, with labels, assignees and a body excerpt', async () => {
      const result = structured<{ repository: string; issues: Array<Record<string, unknown>> }>(
        await call(sut, 'list_issues', { repo: 'web', labels: ['bug'] }),
      );

      expect(result.repository).toBe('northwind/web');
      expect(result.issues.map((i) => i['number'])).toEqual([104, 101, 105]);
      expect(result.issues[1]).toEqual({
        repository: 'northwind/web',
        number: 101,
        title: 'Checkout button unresponsive on Safari 17',
        state: 'open',
        is_pull_request: false,
        author: 'dana',
        labels: ['bug', 'checkout'],
        assignees: ['erin'],
        created_at: '2025-03-10T08:00:00Z',
        updated_at: '2025-03-14T10:00:00Z',
        body: 'Clicking "Pay now" on Safari 17 does nothing; the console shows a TypeError in checkout.js.',
        html_url: 'https://github.com/northwind/web/issues/101',
      });
    });

    it('should keep only non-draft pull requests with requested reviewers when awaiting_review is set', async () => {
      const all = structured<{ pull_requests: Array<{ number: number }> }>(await call(sut, 'list_pull_requests', { repo: 'web' }));
      const waiting = structured<{ count: number; pull_requests: Array<Record<string, unknown>> }>(
        await call(sut, 'list_pull_requests', { repo: 'web', awaiting_review: true }),
      );

      expect(all.pull_requests.map((p) => p.number)).toEqual([110, 111]);
      expect(waiting.count).toBe(1);
      expect(waiting.pull_requests[0]).toEqual(
        expect.objectContaining({
          number: 110,
          draft: false,
          requested_reviewers: ['carol'],
          head: 'fix/safari-checkout',
          base: 'main',
          html_url: 'https://github.com/northwind/web/pull/110',
        }),
      );
    });

    it('should page through commits and report truncation when max_items is below the total', async () => {
      const result = structured<{ count: number; truncated: boolean; commits: Array<Record<string, unknown>> }>(
        await call(sut, 'list_commits', { repo: 'web', per_page: 4, max_items: 10 }),
      );

      expect(result.count).toBe(10);
      expect(result.truncated).toBe(true);
      expect(github.count('GET', '/repos/northwind/web/commits')).toBe(3);
      expect(result.commits[0]).toEqual({
        repository: 'northwind/web',
        sha: expect.stringMatching(/^[0-9a-f]{40}$/),
        message: 'Bind checkout click handler after hydration',
        message_body: 'Fixes #101.',
        author: 'Erin',
        date: '2025-03-14T16:00:00Z',
        html_url: expect.stringMatching(/^https:\/\/github\.com\/northwind\/web\/commit\/[0-9a-f]{40}$/),
      });
    });

    it('should list a branch history when branch is given', async () => {
      const result = structured<{ branch: string; commits: Array<{ message: string }> }>(
        await call(sut, 'list_commits', { repo: 'web', branch: 'fix/safari-checkout', max_items: 2 }),
      );

      expect(result.branch).toBe('fix/safari-checkout');
      expect(result.commits[0]!.message).toBe('Fix Safari checkout button handler');
      expect(github.requests[0]!.query['sha']).toBe('fix/safari-checkout');
    });

    it('should list branches with head SHA and protection when protected is set', async () => {
      const result = structured<{ branches: Array<Record<string, unknown>> }>(
        await call(sut, 'list_branches', { owner: 'northwind', repo: 'api', protected: true }),
      );

      expect(result.branches.map((b) => [b['name'], b['protected']])).toEqual([
        ['main', true],
        ['release/2.4', true],
      ]);
      expect(result.branches[0]!['sha']).toMatch(/^[0-9a-f]{40}$/);
    });

    it('should return failed workflow runs with total_count when status is failure', async () => {
      const result = structured<{ total_count: number; workflow_runs: Array<Record<string, unknown>> }>(
        await call(sut, 'get_workflow_runs', { repo: 'web', status: 'failure' }),
      );

      expect(result.total_count).toBe(1);
      expect(result.workflow_runs).toEqual([
        {
          id: 9001,
          name: 'CI',
          run_number: 42,
          status: 'completed',
          conclusion: 'failure',
          head_branch: 'fix/safari-checkout',
          event: 'pull_request',
          created_at: '2025-03-14T16:31:00Z',
          html_url: 'https://github.com/northwind/web/actions/runs/9001',
        },
      ]);
    });

    it('should return only the runs created within since and until when both are given', async () => {
      const result = structured<{ workflow_runs: Array<Record<string, unknown>> }>(
        await call(sut, 'get_workflow_runs', { repo: 'web', since: '2025-03-14T14:01:00Z', until: '2025-03-14T16:00:00Z' }),
      );

      // CI #41 (14:00) started before the window and CI #42 (16:31) after it.
      expect(result.workflow_runs.map((r) => r['id'])).toEqual([8999]);
      expect(github.requests.at(-1)?.query['created']).toBe('2025-03-14T14:01:00Z..2025-03-14T16:00:00Z');
    });

    it('should add is:issue and the owner scope to a keyword search and name each hit\'s repository', async () => {
      const result = structured<{ query: string; total_count: number; items: Array<Record<string, unknown>> }>(
        await call(sut, 'search_issues', { query: 'checkout' }),
      );

      expect(result.query).toBe('checkout is:issue user:northwind');
      expect(result.items.map((i) => `${i['repository']}#${i['number']}`)).toEqual(['northwind/web#101', 'northwind/web#104']);
      expect(result.total_count).toBe(2);
    });

    it('should search pull requests in one repository when type and repo are given', async () => {
      const result = structured<{ query: string; items: Array<Record<string, unknown>> }>(
        await call(sut, 'search_issues', { query: 'refunds', type: 'pull_request', repo: 'api', state: 'open' }),
      );

      expect(result.query).toBe('refunds is:pull-request repo:northwind/api state:open');
      expect(result.items).toEqual([expect.objectContaining({ number: 210, is_pull_request: true, repository: 'northwind/api' })]);
    });

    it('should return not_found naming the request when the repository does not exist', async () => {
      const error = errorOf(await call(sut, 'list_issues', { repo: 'does-not-exist' }));

      expect(error.code).toBe('not_found');
      expect(error.message).toContain('GET /repos/northwind/does-not-exist/issues');
    });

    it('should reject arguments outside the schema when max_items is above 100', async () => {
      const result = await call(sut, 'list_commits', { repo: 'web', max_items: 500 });

      expect(result.isError).toBe(true);
      expect(github.requests).toHaveLength(0);
    });
  });

  it('should return missing_owner when no owner is given and none is configured', async () => {
    const sut = await connect({ defaultOwner: undefined });

    const error = errorOf(await call(sut, 'list_branches', { repo: 'web' }));

    expect(error.code).toBe('missing_owner');
    expect(github.requests).toHaveLength(0);
  });

  describe('create_issue', () => {
    it('should not exist when the server was started without writes', async () => {
      const sut = await connect({ allowWrites: false });

      const result = await call(sut, 'create_issue', { repo: 'web', title: 'Should not be created' });

      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/create_issue not found/i);
      expect(github.count('POST', '/repos/northwind/web/issues')).toBe(0);
    });

    it('should open an issue and return it when writes are allowed', async () => {
      const sut = await connect({ allowWrites: true });

      const { tools } = await sut.client.listTools();
      const result = structured<{ repository: string; issue: Record<string, unknown> }>(
        await call(sut, 'create_issue', { repo: 'web', title: 'Checkout fails for gift cards', labels: ['bug'] }),
      );

      expect(tools.find((t) => t.name === 'create_issue')?.annotations?.readOnlyHint).toBe(false);
      expect(result.issue).toEqual(
        expect.objectContaining({ number: 113, title: 'Checkout fails for gift cards', labels: ['bug'], html_url: 'https://github.com/northwind/web/issues/113' }),
      );
      expect(github.count('POST', '/repos/northwind/web/issues')).toBe(1);
    });
  });

  describe('failures', () => {
    it('should say "credentials rejected for github" without the token when the token is wrong', async () => {
      const sut = await connect({}, { token: 'ghp_wrongTokenValue123' });

      const result = await call(sut, 'list_repositories', {});
      const error = errorOf(result);

      expect(error.code).toBe('credentials_rejected');
      expect(error.message).toContain('credentials rejected for github');
      expect(JSON.stringify(result)).not.toContain('ghp_wrongTokenValue123');
    });

    it('should retry after a short Retry-After and succeed when GitHub answers 429 once', async () => {
      const sut = await connect();
      github.failNext({ kind: 'retry-after', status: 429, seconds: 1 });

      const result = structured<{ count: number }>(await call(sut, 'list_branches', { repo: 'web' }));

      expect(result.count).toBe(3);
      expect(github.requests).toHaveLength(2);
    });

    it('should return rate_limited with the wait when Retry-After is long', async () => {
      const sut = await connect();
      github.failNext({ kind: 'retry-after', status: 429, seconds: 900 });

      const error = errorOf(await call(sut, 'list_branches', { repo: 'web' }));

      expect(error).toEqual({ code: 'rate_limited', message: 'github rate limited; retry after 900 s', retry_after_seconds: 900 });
    });

    it('should return rate_limited when the primary limit resets in an hour', async () => {
      const sut = await connect();
      github.failNext({ kind: 'primary-rate-limit', resetInSeconds: 3_600 });

      const error = errorOf(await call(sut, 'get_workflow_runs', { repo: 'api' }));

      expect(error.code).toBe('rate_limited');
      expect(error.message).toMatch(/^github rate limited; retry after 3[56]\d\d s$/);
    });

    it('should retry 5xx and succeed when GitHub recovers', async () => {
      const sut = await connect();
      github.failNext({ kind: 'server-error', status: 500 }, 2);

      const result = structured<{ count: number }>(await call(sut, 'list_pull_requests', { repo: 'api' }));

      expect(result.count).toBe(1);
      expect(github.requests).toHaveLength(3);
    });

    it('should return unavailable after bounded retries when GitHub keeps failing', async () => {
      const sut = await connect();
      github.failNext({ kind: 'server-error', status: 502 }, Infinity);

      const error = errorOf(await call(sut, 'search_issues', { query: 'checkout' }));

      expect(error.code).toBe('unavailable');
      expect(error.message).toContain('after 3 attempts');
      expect(github.requests).toHaveLength(3);
    });

    it('should return a timeout error when GitHub hangs', async () => {
      const sut = await connect({}, { timeoutMs: 250 });
      github.failNext({ kind: 'hang' });

      const error = errorOf(await call(sut, 'list_commits', { repo: 'web' }));

      expect(error.code).toBe('timeout');
      expect(error.message).toContain('within 250 ms');
    });

    it('should abort the GitHub request when the MCP client cancels the call', async () => {
      const sut = await connect({}, { timeoutMs: 10_000 });
      github.failNext({ kind: 'hang' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();

      await expect(
        sut.client.callTool({ name: 'list_commits', arguments: { repo: 'web' } }, undefined, { signal: controller.signal }),
      ).rejects.toThrow(/abort/i);
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  // Runs last in file order: checks everything the specs above saw.
  it('should never put the token in a tool result or error message', () => {
    expect(seen.length).toBeGreaterThan(15);
    for (const text of seen) expect(text).not.toContain(github.token);
  });
});
