import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LocalProvider } from '@mosaic/llm';
import { describeSource, directRoute, missingCredentials, ToolCaller } from '../connector';
import { filesConnector } from '../files/files.connector';
import { postgresConnector } from '../postgres/postgres.connector';
import { GithubApiClient } from './github-api.client';
import { createGithubMcpServer } from './github-mcp.server';
import { answerFromGithub, githubConnector, mentionedRepositories } from './github.connector';
import { FakeGithub, startFakeGithub } from './testing/fake-github.server';

// launch() needs `npm run build` output; the spec only checks what it would run.
jest.mock('../paths', () => ({
  ...jest.requireActual<typeof import('../paths')>('../paths'),
  builtServerEntry: (relative: string) => `/repo/dist/libs/connectors/src/${relative}`,
}));

describe('githubConnector', () => {
  describe('direct routing', () => {
    it.each([
      ['Which pull requests are waiting for review?', 'list_pull_requests', { awaiting_review: true }],
      ['Show me the open PRs in web', 'list_pull_requests', undefined],
      ['Did the CI build fail on main?', 'get_workflow_runs', undefined],
      ['Is the deploy workflow green?', 'get_workflow_runs', undefined],
      ['What were the latest commits?', 'list_commits', undefined],
      ['Which branches exist in api?', 'list_branches', undefined],
      ['List our repos', 'list_repositories', undefined],
    ])('should route "%s" to %s', (query, tool, args) => {
      const sut = directRoute(githubConnector, query);

      expect(sut?.tool).toBe(tool);
      expect(sut?.args).toEqual(args);
    });

    it('should not route when the question is about the content of issues', () => {
      expect(directRoute(githubConnector, 'What do we know about the checkout timeout?')).toBeUndefined();
    });
  });

  it('should describe itself to the planner with the GitHub vocabulary', () => {
    const sut = describeSource(githubConnector);

    expect(sut).toEqual(expect.objectContaining({ id: 'github', name: 'GitHub' }));
    expect(sut.keywords).toEqual(expect.arrayContaining(['github', 'pull', 'review', 'issue', 'commit', 'branch', 'ci', 'workflow']));
  });

  it.each([
    ['Which pull requests are waiting for review?', ['github']],
    ['Why did the CI build fail on the checkout branch?', ['github']],
    ['Which customers have open urgent support tickets, and what does our escalation runbook say to do?', ['files', 'postgres']],
  ])('should be planned by the local provider only when the question is about code work: "%s"', async (query, expected) => {
    const catalog = [filesConnector, postgresConnector, githubConnector].map(describeSource);

    const plan = await new LocalProvider().planSources(query, catalog);

    expect(plan.sources.map((s) => s.source).sort()).toEqual(expected);
  });

  it('should require only the token when credentials are checked', () => {
    expect(missingCredentials(githubConnector, {})).toEqual(['GITHUB_TOKEN']);
    expect(missingCredentials(githubConnector, { token: 'ghp_x' })).toEqual([]);
  });

  it('should launch the built server with only the GitHub variables it needs and writes off', () => {
    const sut = githubConnector.launch({ token: 'ghp_x', default_owner: 'northwind' });

    expect(sut).toEqual({
      kind: 'stdio',
      command: process.execPath,
      args: ['/repo/dist/libs/connectors/src/github/github-mcp.main.js'],
      env: { GITHUB_TOKEN: 'ghp_x', GITHUB_DEFAULT_OWNER: 'northwind' },
    });
  });

  it('should find repositories named by full name or bare name and ignore other words', () => {
    const repos = [{ full_name: 'northwind/web' }, { full_name: 'northwind/api' }, { full_name: 'northwind/infra' }];

    expect(mentionedRepositories('Why does the api repo fail on northwind/web?', repos).map((r) => r.full_name)).toEqual([
      'northwind/web',
      'northwind/api',
    ]);
    expect(mentionedRepositories('Is the website down?', repos)).toEqual([]);
  });

  describe('local strategy against the MCP server and a fake GitHub', () => {
    let github: FakeGithub;
    let client: Client;
    let closeServer: () => Promise<void>;
    let calls: Array<{ tool: string; args: Record<string, unknown> }>;

    const call: ToolCaller = async (tool, args) => {
      calls.push({ tool, args });
      const result = await client.callTool({ name: tool, arguments: args });
      const content = Array.isArray(result.content) ? (result.content as Array<{ type: string; text?: string }>) : [];
      return {
        ok: result.isError !== true,
        text: content.map((c) => c.text ?? '').join('\n'),
        structured: result.structuredContent as Record<string, unknown> | undefined,
      };
    };

    beforeAll(async () => {
      github = await startFakeGithub();
      // No default owner on the server: the strategy must find (and pass) the owner itself.
      const server = createGithubMcpServer({ client: new GithubApiClient({ token: github.token, baseUrl: github.url }), allowWrites: false });
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      client = new Client({ name: 'github-connector-spec', version: '0.0.0' });
      await server.connect(serverTransport);
      await client.connect(clientTransport);
      closeServer = () => server.close();
    });

    afterAll(async () => {
      await client?.close();
      await closeServer?.();
      await github?.close();
    });

    beforeEach(() => {
      calls = [];
      github.reset();
    });

    it('should cite the pull requests awaiting review with their html_url when asked which PRs wait for review', async () => {
      const sut = await answerFromGithub('Which pull requests are waiting for review?', call, 'northwind');

      expect(calls.map((c) => c.tool)).toEqual(['list_repositories', 'list_pull_requests', 'list_pull_requests', 'list_pull_requests']);
      expect(calls[1]!.args).toEqual(expect.objectContaining({ owner: 'northwind', repo: 'web', awaiting_review: true }));
      expect(sut.items.map((i) => i.id).sort()).toEqual(['northwind/api#210', 'northwind/web#110']);
      const web = sut.items.find((i) => i.id === 'northwind/web#110')!;
      expect(web).toEqual(
        expect.objectContaining({
          title: 'northwind/web#110 Fix Safari checkout button handler',
          url: 'https://github.com/northwind/web/pull/110',
          tool: 'list_pull_requests',
        }),
      );
      expect(web.content).toContain('awaiting review from carol');
      expect(sut.items.every((i) => i.score >= 0.3 && i.score <= 1)).toBe(true);
    });

    it('should ask only the named repository for failed runs when the question names it and says failed', async () => {
      const sut = await answerFromGithub('Did any CI builds fail in api?', call, 'northwind');

      expect(calls.slice(1)).toEqual([
        { tool: 'get_workflow_runs', args: { owner: 'northwind', repo: 'api', max_items: 10, status: 'failure' } },
      ]);
      expect(sut.items).toEqual([
        expect.objectContaining({
          id: 'northwind/api/actions/runs/7002',
          url: 'https://github.com/northwind/api/actions/runs/7002',
          content: 'CI run #88 in northwind/api on main (push): completed, failure, started 2025-03-13.',
        }),
      ]);
    });

    it('should search issues for the question\'s words, scoped to the owner, when no pattern matches', async () => {
      const sut = await answerFromGithub('What do we know about the checkout timeout?', call, undefined);

      const search = calls.find((c) => c.tool === 'search_issues')!;
      expect(search.args).toEqual({ query: 'checkout OR timeout', type: 'issue', owner: 'northwind', max_items: 20 });
      expect(sut.items[0]).toEqual(
        expect.objectContaining({ id: 'northwind/web#104', url: 'https://github.com/northwind/web/issues/104', tool: 'search_issues' }),
      );
      expect(sut.items[0]!.score).toBeGreaterThan(sut.items[1]!.score);
    });

    it('should link each branch to its page on GitHub when branches are listed', async () => {
      const sut = await answerFromGithub('Which branches exist in web?', call, 'northwind');

      expect(sut.items.map((i) => i.url).sort()).toEqual([
        'https://github.com/northwind/web/tree/feature/dark-mode',
        'https://github.com/northwind/web/tree/fix/safari-checkout',
        'https://github.com/northwind/web/tree/main',
      ]);
    });

    it('should cite recent commits by short SHA when asked about commits', async () => {
      const sut = await answerFromGithub('What were the latest commits to infra?', call, 'northwind');

      expect(sut.items).toHaveLength(1);
      expect(sut.items[0]!.id).toMatch(/^northwind\/infra@[0-9a-f]{7}$/);
      expect(sut.items[0]!.content).toContain('Add staging Postgres module');
    });

    it('should fail with the server\'s message when GitHub rejects the credentials', async () => {
      const rejecting = await startFakeGithub({ token: 'ghp_someOtherToken' });
      const server = createGithubMcpServer({ client: new GithubApiClient({ token: github.token, baseUrl: rejecting.url }), allowWrites: false });
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      const rejected = new Client({ name: 'github-connector-spec', version: '0.0.0' });
      await server.connect(serverTransport);
      await rejected.connect(clientTransport);
      const rejectedCall: ToolCaller = async (tool, args) => {
        const result = await rejected.callTool({ name: tool, arguments: args });
        const content = result.content as Array<{ text?: string }>;
        return { ok: result.isError !== true, text: content.map((c) => c.text ?? '').join('\n') };
      };
      try {
        await expect(answerFromGithub('Which PRs are open?', rejectedCall, 'northwind')).rejects.toThrow(
          /list_repositories failed: credentials rejected for github/,
        );
      } finally {
        await rejected.close();
        await server.close();
        await rejecting.close();
      }
    });
  });
});
