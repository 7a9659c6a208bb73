import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolCaller } from '../connector';
import { GithubApiClient } from './github-api.client';
import { createGithubMcpServer } from './github-mcp.server';
import { githubConnector } from './github.connector';
import { DIGEST_ISSUES, DIGEST_SINCE, DIGEST_UNTIL, DIGEST_WORKFLOW_RUNS } from './testing/fake-github.fixtures';
import { FakeGithub, startFakeGithub } from './testing/fake-github.server';

const WINDOW = { since: DIGEST_SINCE, until: DIGEST_UNTIL };

describe('githubConnector.digestStrategy against the GitHub MCP server and a fake GitHub', () => {
  const fakes: FakeGithub[] = [];
  const closers: Array<() => Promise<void>> = [];

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  });

  /** A fake GitHub where the token belongs to `login`, and a ToolCaller over the real MCP server in front of it. */
  async function connect(login: string): Promise<{ github: FakeGithub; call: ToolCaller }> {
    const github = await startFakeGithub({ login, issues: DIGEST_ISSUES, workflowRuns: DIGEST_WORKFLOW_RUNS });
    fakes.push(github);
    // No default owner on the server: the strategy must scope by the credential itself.
    const server = createGithubMcpServer({ client: new GithubApiClient({ token: github.token, baseUrl: github.url }), allowWrites: false });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'github-digest-spec', version: '0.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    closers.push(async () => {
      await client.close();
      await server.close();
    });
    const call: ToolCaller = async (tool, args) => {
      const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      return { ok: result.isError !== true, text, structured: result.structuredContent as Record<string, unknown> | undefined };
    };
    return { github, call };
  }

  const digest = githubConnector.digestStrategy!;

  it('should list the open pull requests awaiting your review and the runs that failed within the window, newest first, when the token is carol', async () => {
    const { github, call } = await connect('carol');

    const result = await digest(WINDOW, call, { token: github.token, default_owner: 'northwind' });

    expect(result.items.map((i) => [i.id, i.title])).toEqual([
      ['northwind/web/actions/runs/9001', 'Workflow CI failed on fix/safari-checkout: northwind/web run #42'],
      ['northwind/web#110', 'PR #110 awaits your review: Fix Safari checkout button handler'],
      ['northwind/infra/actions/runs/6001', 'Workflow Terraform failed on main: northwind/infra run #12'],
      ['northwind/infra#302', 'PR #302 awaits your review: Move staging secrets to the vault'],
    ]);
    expect(result.items[1]).toEqual({
      id: 'northwind/web#110',
      title: 'PR #110 awaits your review: Fix Safari checkout button handler',
      url: 'https://github.com/northwind/web/pull/110',
      tool: 'search_issues',
      content: 'Pull request #110 in northwind/web "Fix Safari checkout button handler" by erin awaits your review; updated 2025-03-14 16:00 UTC.',
      score: 1,
    });
    expect(result.items[0]).toMatchObject({
      url: 'https://github.com/northwind/web/actions/runs/9001',
      tool: 'get_workflow_runs',
      content: 'CI run #42 in northwind/web failed on fix/safari-checkout (pull_request), started 2025-03-14 16:31 UTC.',
    });
    expect(result.summary).toBe(`Since ${DIGEST_SINCE}: 2 pull request(s) await your review; 2 workflow run(s) failed in 3 repositories checked.`);
    const search = github.requests.find((r) => r.path === '/search/issues');
    expect(search?.query['q']).toBe('review-requested:@me updated:>=2025-03-13T12:00:00Z is:pull-request user:northwind state:open');
    expect(github.requests.filter((r) => r.path.endsWith('/actions/runs')).map((r) => r.query['created'])).toEqual([
      '2025-03-13T12:00:00Z..2025-03-14T18:00:00Z',
      '2025-03-13T12:00:00Z..2025-03-14T18:00:00Z',
      '2025-03-13T12:00:00Z..2025-03-14T18:00:00Z',
    ]);
  });

  it("should list the pull requests awaiting the token's own user when someone else is signed in", async () => {
    const { github, call } = await connect('dana');

    const result = await digest(WINDOW, call, { token: github.token });

    // #210 awaits dana too, but was last updated before the window.
    expect(result.items.filter((i) => i.tool === 'search_issues').map((i) => i.title)).toEqual([
      'PR #212 awaits your review: Paginate the refunds list',
    ]);
  });

  it("should say times in the user's time zone when the window names one", async () => {
    const { github, call } = await connect('carol');

    const result = await digest({ ...WINDOW, timeZone: 'America/New_York' }, call, { token: github.token, default_owner: 'northwind' });

    expect(result.items[1]!.content).toMatch(/updated 2025-03-14 12:00 America\/New_York\.$/);
  });
});
