import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
// zod/v4 (shipped inside zod 3.25) on purpose: with zod v3 shapes the SDK's registerTool
// generics make tsc run out of memory.
import { z } from 'zod/v4';
import { GithubApiClient, Page } from './github-api.client';
import { GithubApiErrorCode, GithubApiException } from './github-api.exception';
import { Branch, Commit, Issue, PullRequest, Repository, WorkflowRun } from './github-api.schemas';

export interface GithubMcpServerOptions {
  client: GithubApiClient;
  /** Registers `create_issue`. Off unless the deployment explicitly allows writes. */
  allowWrites: boolean;
  /** Used when a call names no owner (GITHUB_DEFAULT_OWNER). */
  defaultOwner?: string;
}

const DEFAULT_MAX_ITEMS = 30;
/** Issue and PR bodies are cut to this many characters: enough to cite, cheap to send. */
const BODY_EXCERPT_CHARS = 500;

const READ_ONLY_TOOL = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
const WRITE_TOOL = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };

// GitHub logins are letters, digits and single hyphens; repository names add "_" and ".".
const ownerArg = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub user or organization login')
  .optional()
  .describe('User or organization that owns the repository; defaults to the configured owner.');
const repoArg = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a repository name (without the owner)')
  .describe('Repository name without the owner, e.g. "web".');
const stateArg = z.enum(['open', 'closed', 'all']).optional().describe('Default "open".');
const perPageArg = z.number().int().min(1).max(100).optional().describe('Items per GitHub request (1-100).');
const maxItemsArg = z
  .number()
  .int()
  .min(1)
  .max(100)
  .optional()
  .describe(`Most items returned across pages (1-100, default ${DEFAULT_MAX_ITEMS}); "truncated" says when there were more.`);
const isoDateArg = z.iso.datetime({ offset: true }).optional();
const WORKFLOW_RUN_STATUSES = [
  'completed', 'action_required', 'cancelled', 'failure', 'neutral', 'skipped', 'stale', 'success', 'timed_out',
  'in_progress', 'queued', 'requested', 'waiting', 'pending',
] as const;

/**
 * An MCP server over the GitHub REST API: repositories, issues, pull requests, commits,
 * branches, workflow runs and issue search, read-only; plus `create_issue` only when the
 * server was started with writes allowed. Results are compact JSON objects (text and
 * structuredContent) that keep `html_url` for citations; failures are tool errors
 * (`isError: true`) carrying a code and a message that never contains the token.
 */
export function createGithubMcpServer(options: GithubMcpServerOptions): McpServer {
  const { client, allowWrites, defaultOwner } = options;
  const server = new McpServer({ name: 'mosaic-github', version: '0.1.0' });
  const respond = (body: () => Promise<object>) => respondWith(client, body);
  const ownerOf = (owner: string | undefined): string => {
    const resolved = owner ?? defaultOwner;
    if (!resolved) {
      throw new GithubApiException(GithubApiErrorCode.MissingOwner, 'owner is required: name the user or organization (no default owner is configured)');
    }
    return resolved;
  };

  server.registerTool(
    'list_repositories',
    {
      title: 'List repositories',
      description:
        "Lists an organization's or user's repositories, most recently updated first (the token's own repositories " +
        'when no owner is given and none is configured).',
      inputSchema: { owner: ownerArg, per_page: perPageArg, max_items: maxItemsArg },
      annotations: READ_ONLY_TOOL,
    },
    ({ owner, per_page, max_items = DEFAULT_MAX_ITEMS }, extra) =>
      respond(async () => {
        const target = owner ?? defaultOwner;
        const page = await client.listRepositories({ owner: target, perPage: per_page, maxItems: max_items, signal: extra.signal });
        return { owner: target ?? null, ...counts(page), repositories: page.items.map(compactRepository) };
      }),
  );

  server.registerTool(
    'list_issues',
    {
      title: 'List issues',
      description:
        'Lists the issues of one repository, newest first. Pull requests are left out unless include_pull_requests is true.',
      inputSchema: {
        owner: ownerArg,
        repo: repoArg,
        state: stateArg,
        labels: z.array(z.string().min(1).max(100)).max(20).optional().describe('Only issues carrying all of these labels.'),
        assignee: z.string().min(1).max(39).optional().describe('A login, "none" or "*".'),
        since: isoDateArg.describe('Only issues updated at or after this ISO 8601 time.'),
        include_pull_requests: z.boolean().optional(),
        per_page: perPageArg,
        max_items: maxItemsArg,
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ owner, repo, state = 'open', labels, assignee, since, include_pull_requests, per_page, max_items = DEFAULT_MAX_ITEMS }, extra) =>
      respond(async () => {
        const o = ownerOf(owner);
        const page = await client.listIssues(o, repo, {
          state,
          labels: labels?.join(','),
          assignee,
          since,
          includePullRequests: include_pull_requests,
          perPage: per_page,
          maxItems: max_items,
          signal: extra.signal,
        });
        const repository = `${o}/${repo}`;
        return { repository, state, ...counts(page), issues: page.items.map((issue) => compactIssue(issue, repository)) };
      }),
  );

  server.registerTool(
    'list_pull_requests',
    {
      title: 'List pull requests',
      description:
        'Lists the pull requests of one repository, newest first, with their requested reviewers and draft flag. ' +
        'awaiting_review keeps only non-draft pull requests that still have reviewers requested.',
      inputSchema: {
        owner: ownerArg,
        repo: repoArg,
        state: stateArg,
        base: z.string().min(1).max(255).optional().describe('Only pull requests into this branch.'),
        awaiting_review: z.boolean().optional(),
        per_page: perPageArg,
        max_items: maxItemsArg,
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ owner, repo, state = 'open', base, awaiting_review = false, per_page, max_items = DEFAULT_MAX_ITEMS }, extra) =>
      respond(async () => {
        const o = ownerOf(owner);
        const page = await client.listPullRequests(o, repo, { state, base, perPage: per_page, maxItems: max_items, signal: extra.signal });
        const repository = `${o}/${repo}`;
        const pulls = page.items
          .map((pull) => compactPullRequest(pull, repository))
          .filter((pull) => !awaiting_review || (!pull.draft && pull.requested_reviewers.length > 0));
        return { repository, state, count: pulls.length, truncated: page.truncated, pull_requests: pulls };
      }),
  );

  server.registerTool(
    'list_commits',
    {
      title: 'List commits',
      description: 'Lists the commits of a branch (the default branch unless "branch" is given), newest first.',
      inputSchema: {
        owner: ownerArg,
        repo: repoArg,
        branch: z.string().min(1).max(255).optional().describe('Branch name or commit SHA to start from.'),
        author: z.string().min(1).max(255).optional().describe('GitHub login or commit author email.'),
        path: z.string().min(1).max(1_000).optional().describe('Only commits touching this file path.'),
        since: isoDateArg.describe('Only commits at or after this ISO 8601 time.'),
        until: isoDateArg.describe('Only commits before this ISO 8601 time.'),
        per_page: perPageArg,
        max_items: maxItemsArg,
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ owner, repo, branch, author, path, since, until, per_page, max_items = DEFAULT_MAX_ITEMS }, extra) =>
      respond(async () => {
        const o = ownerOf(owner);
        const page = await client.listCommits(o, repo, {
          sha: branch,
          author,
          path,
          since,
          until,
          perPage: per_page,
          maxItems: max_items,
          signal: extra.signal,
        });
        const repository = `${o}/${repo}`;
        return { repository, branch: branch ?? null, ...counts(page), commits: page.items.map((commit) => compactCommit(commit, repository)) };
      }),
  );

  server.registerTool(
    'list_branches',
    {
      title: 'List branches',
      description: 'Lists the branches of one repository with their head commit and whether they are protected.',
      inputSchema: { owner: ownerArg, repo: repoArg, protected: z.boolean().optional(), per_page: perPageArg, max_items: maxItemsArg },
      annotations: READ_ONLY_TOOL,
    },
    ({ owner, repo, protected: protectedOnly, per_page, max_items = DEFAULT_MAX_ITEMS }, extra) =>
      respond(async () => {
        const o = ownerOf(owner);
        const page = await client.listBranches(o, repo, { protectedOnly, perPage: per_page, maxItems: max_items, signal: extra.signal });
        const repository = `${o}/${repo}`;
        return { repository, ...counts(page), branches: page.items.map((branch) => compactBranch(branch, repository)) };
      }),
  );

  server.registerTool(
    'get_workflow_runs',
    {
      title: 'Get workflow runs (CI/CD status)',
      description:
        'Lists GitHub Actions workflow runs of one repository, newest first, with status and conclusion ' +
        '(e.g. status "failure" for failed builds, "in_progress" for running ones), optionally only those created between since and until.',
      inputSchema: {
        owner: ownerArg,
        repo: repoArg,
        branch: z.string().min(1).max(255).optional(),
        status: z.enum(WORKFLOW_RUN_STATUSES).optional().describe('A run status or conclusion.'),
        event: z.string().min(1).max(64).optional().describe('Triggering event, e.g. push, pull_request.'),
        since: isoDateArg.describe('Only runs created at or after this ISO 8601 time.'),
        until: isoDateArg.describe('Only runs created at or before this ISO 8601 time.'),
        per_page: perPageArg,
        max_items: maxItemsArg,
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ owner, repo, branch, status, event, since, until, per_page, max_items = DEFAULT_MAX_ITEMS }, extra) =>
      respond(async () => {
        const o = ownerOf(owner);
        const created = createdRange(since, until);
        const page = await client.listWorkflowRuns(o, repo, { branch, status, event, created, perPage: per_page, maxItems: max_items, signal: extra.signal });
        return {
          repository: `${o}/${repo}`,
          total_count: page.totalCount ?? page.items.length,
          ...counts(page),
          workflow_runs: page.items.map(compactWorkflowRun),
        };
      }),
  );

  server.registerTool(
    'search_issues',
    {
      title: 'Search issues and pull requests',
      description:
        'Searches issues (or pull requests) by keywords with GitHub search syntax, e.g. "checkout timeout", ' +
        '"label:bug is:open", "crash OR panic". Scoped to owner/repo when given (else to the configured owner). ' +
        '"type" adds is:issue or is:pull-request unless the query already says which.',
      inputSchema: {
        query: z.string().min(1).max(256).describe('Keywords and GitHub search qualifiers.'),
        type: z.enum(['issue', 'pull_request']).optional().describe('Default "issue".'),
        owner: ownerArg,
        repo: repoArg.optional(),
        state: z.enum(['open', 'closed']).optional(),
        sort: z.enum(['comments', 'reactions', 'created', 'updated']).optional().describe('Default: best match.'),
        order: z.enum(['asc', 'desc']).optional(),
        per_page: perPageArg,
        max_items: maxItemsArg,
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ query, type = 'issue', owner, repo, state, sort, order, per_page, max_items = DEFAULT_MAX_ITEMS }, extra) =>
      respond(async () => {
        const effective = searchQuery(query, { type, owner: owner ?? defaultOwner, repo, state });
        const page = await client.searchIssues(effective, { sort, order, perPage: per_page, maxItems: max_items, signal: extra.signal });
        return {
          query: effective,
          total_count: page.totalCount ?? page.items.length,
          incomplete_results: page.incompleteResults ?? false,
          ...counts(page),
          items: page.items.map((issue) => compactIssue(issue, repositoryFromApiUrl(issue.repository_url))),
        };
      }),
  );

  if (allowWrites) {
    server.registerTool(
      'create_issue',
      {
        title: 'Create an issue',
        description: 'Opens a new issue in one repository. Only call this when the user explicitly asked for an issue to be created.',
        inputSchema: {
          owner: ownerArg,
          repo: repoArg,
          title: z.string().min(1).max(256),
          body: z.string().max(65_536).optional(),
          labels: z.array(z.string().min(1).max(100)).max(20).optional(),
          assignees: z.array(z.string().min(1).max(39)).max(10).optional(),
        },
        annotations: WRITE_TOOL,
      },
      ({ owner, repo, title, body, labels, assignees }, extra) =>
        respond(async () => {
          const o = ownerOf(owner);
          const issue = await client.createIssue(o, repo, { title, body, labels, assignees }, extra.signal);
          const repository = `${o}/${repo}`;
          return { repository, issue: compactIssue(issue, repository) };
        }),
    );
  }

  return server;
}

/**
 * The query GitHub gets: the caller's, plus `is:issue`/`is:pull-request` (GitHub answers 422
 * without one), a repo/user scope and a state, each only when the query does not say it already.
 */
export function searchQuery(
  query: string,
  scope: { type: 'issue' | 'pull_request'; owner?: string; repo?: string; state?: 'open' | 'closed' },
): string {
  const parts = [query.trim()];
  const has = (pattern: RegExp) => pattern.test(query);
  if (!has(/(^|\s)(is|type):(issue|pr|pull-request)\b/i)) parts.push(scope.type === 'issue' ? 'is:issue' : 'is:pull-request');
  if (!has(/(^|\s)(repo|org|user):\S/i)) {
    if (scope.owner && scope.repo) parts.push(`repo:${scope.owner}/${scope.repo}`);
    else if (scope.owner) parts.push(`user:${scope.owner}`);
  }
  if (scope.state && !has(/(^|\s)(state|is):(open|closed)\b/i)) parts.push(`state:${scope.state}`);
  return parts.join(' ');
}

/** GitHub's `created` range for runs: `a..b`, `>=a` or `<=b` (both ends inclusive). */
export function createdRange(since?: string, until?: string): string | undefined {
  if (since && until) return `${since}..${until}`;
  if (since) return `>=${since}`;
  return until ? `<=${until}` : undefined;
}

function counts(page: Page<unknown>): { count: number; truncated: boolean } {
  return { count: page.items.length, truncated: page.truncated };
}

function compactRepository(repo: Repository) {
  return {
    full_name: repo.full_name,
    description: repo.description,
    private: repo.private,
    default_branch: repo.default_branch,
    updated_at: repo.updated_at,
    html_url: repo.html_url,
  };
}

function compactIssue(issue: Issue, repository: string | null) {
  return {
    repository,
    number: issue.number,
    title: issue.title,
    state: issue.state,
    is_pull_request: issue.pull_request !== undefined,
    author: issue.user?.login ?? null,
    labels: issue.labels.map((label) => label.name),
    assignees: (issue.assignees ?? []).map((user) => user.login),
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    body: excerpt(issue.body ?? null),
    html_url: issue.html_url,
  };
}

function compactPullRequest(pull: PullRequest, repository: string) {
  return {
    repository,
    number: pull.number,
    title: pull.title,
    state: pull.state,
    draft: pull.draft ?? false,
    author: pull.user?.login ?? null,
    requested_reviewers: (pull.requested_reviewers ?? []).map((user) => user.login),
    head: pull.head?.ref ?? null,
    base: pull.base?.ref ?? null,
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    html_url: pull.html_url,
  };
}

function compactCommit(commit: Commit, repository: string) {
  const [headline = '', ...rest] = commit.commit.message.split('\n');
  return {
    repository,
    sha: commit.sha,
    message: headline,
    ...(rest.join('\n').trim() ? { message_body: excerpt(rest.join('\n').trim()) } : {}),
    author: commit.commit.author?.name ?? null,
    date: commit.commit.author?.date ?? null,
    html_url: commit.html_url,
  };
}

function compactBranch(branch: Branch, repository: string) {
  return { repository, name: branch.name, sha: branch.commit.sha, protected: branch.protected };
}

function compactWorkflowRun(run: WorkflowRun) {
  return {
    id: run.id,
    name: run.name ?? null,
    run_number: run.run_number,
    status: run.status,
    conclusion: run.conclusion,
    head_branch: run.head_branch,
    event: run.event ?? null,
    created_at: run.created_at,
    html_url: run.html_url,
  };
}

/** `https://api.github.com/repos/northwind/web` → `northwind/web`. */
function repositoryFromApiUrl(url: string | undefined): string | null {
  const match = url ? /\/repos\/([^/]+\/[^/]+)\/?$/.exec(url) : null;
  return match ? match[1]! : null;
}

function excerpt(text: string | null): string | null {
  if (text === null) return null;
  const flat = text.trim();
  return flat.length <= BODY_EXCERPT_CHARS ? flat : `${flat.slice(0, BODY_EXCERPT_CHARS - 1).trimEnd()}…`;
}

/** Runs a tool body and turns its value, or its failure, into a CallToolResult. */
async function respondWith(client: GithubApiClient, body: () => Promise<object>): Promise<CallToolResult> {
  try {
    const structured = JSON.parse(JSON.stringify(await body())) as Record<string, unknown>;
    return { content: [{ type: 'text', text: JSON.stringify(structured, null, 2) }], structuredContent: structured };
  } catch (error) {
    const failure =
      error instanceof GithubApiException
        ? error
        : new GithubApiException(GithubApiErrorCode.RequestFailed, `github call failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    const message = client.redact(failure.message);
    return {
      isError: true,
      content: [{ type: 'text', text: message }],
      structuredContent: {
        error: {
          code: failure.code,
          message,
          ...(failure.retryAfterSeconds !== undefined ? { retry_after_seconds: failure.retryAfterSeconds } : {}),
        },
      },
    };
  }
}
