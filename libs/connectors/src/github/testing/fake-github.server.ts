/**
 * A local GitHub REST API for tests (the edge of the world we do not run). It speaks
 * GitHub's wire format for the endpoints the connector uses: full JSON shapes, `Link`
 * pagination, `Bad credentials` 401s, 404/422 error bodies, and the search API's demand
 * for `is:issue`/`is:pull-request`. Faults are switched on per test: rate limits with
 * `Retry-After` or `x-ratelimit-reset`, 5xx, and requests that hang.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  BRANCHES,
  BranchFixture,
  COMMITS,
  CommitFixture,
  FIXTURE_ORG,
  ISSUES,
  IssueFixture,
  REPOS,
  RepoFixture,
  WORKFLOW_RUNS,
  WorkflowRunFixture,
} from './fake-github.fixtures';

export const FAKE_GITHUB_TOKEN = 'ghp_fakeTokenForTests0123456789abcdefXYZ';

const DOCS = 'https://docs.github.com/rest';

export type FakeGithubFault =
  /** 429 or 403 with `Retry-After` (a secondary rate limit). */
  | { kind: 'retry-after'; status: 429 | 403; seconds: number }
  /** 403 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` this many seconds ahead. */
  | { kind: 'primary-rate-limit'; resetInSeconds: number }
  /** 403 "You have exceeded a secondary rate limit" with no timing headers. */
  | { kind: 'secondary-rate-limit' }
  | { kind: 'server-error'; status?: number }
  /** Accepts the request and never answers. */
  | { kind: 'hang' };

export interface FakeGithubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
}

export interface FakeGithub {
  /** The API base URL, e.g. http://127.0.0.1:39123 */
  url: string;
  token: string;
  /** Every request received, faults and 401s included. */
  requests: FakeGithubRequest[];
  /** Requests per `METHOD /path`. */
  count(method: string, path: string): number;
  /** Applies `fault` to the next `times` requests (Infinity: until `clearFaults`). */
  failNext(fault: FakeGithubFault, times?: number): void;
  clearFaults(): void;
  /** Forgets recorded requests and created issues. */
  reset(): void;
  close(): Promise<void>;
}

interface Route {
  method: string;
  pattern: RegExp;
  handle(ctx: Context, params: string[]): Reply | Promise<Reply>;
}

interface Context {
  url: URL;
  base: string;
  body: unknown;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeGithubOptions {
  token?: string;
  /** The login the token belongs to: what `@me` means in search qualifiers. Default `carol`. */
  login?: string;
  /** Issues and pull requests served instead of the fixtures' own. */
  issues?: readonly IssueFixture[];
  /** Workflow runs served instead of the fixtures' own. */
  workflowRuns?: readonly WorkflowRunFixture[];
}

export async function startFakeGithub(options: FakeGithubOptions = {}): Promise<FakeGithub> {
  const token = options.token ?? FAKE_GITHUB_TOKEN;
  const login = options.login ?? 'carol';
  const issueFixtures = options.issues ?? ISSUES;
  const runFixtures = options.workflowRuns ?? WORKFLOW_RUNS;
  const requests: FakeGithubRequest[] = [];
  let faults: Array<{ fault: FakeGithubFault; remaining: number }> = [];
  let created: IssueFixture[] = [];
  let base = '';

  const allIssues = (): IssueFixture[] => [...issueFixtures, ...created];
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/user\/repos$/, handle: (ctx) => paginate(ctx, REPOS.map((r) => repoJson(r, base, issueFixtures))) },
    {
      method: 'GET',
      pattern: /^\/orgs\/([^/]+)\/repos$/,
      handle: (ctx, [org]) =>
        org!.toLowerCase() === FIXTURE_ORG ? paginate(ctx, REPOS.map((r) => repoJson(r, base, issueFixtures))) : notFound('repos/repos#list-organization-repositories'),
    },
    { method: 'GET', pattern: /^\/users\/([^/]+)\/repos$/, handle: () => notFound('repos/repos#list-repositories-for-a-user') },
    {
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/,
      handle: (ctx, [owner, repo]) =>
        withRepo(owner!, repo!, (r) => {
          const state = ctx.url.searchParams.get('state') ?? 'open';
          const labels = (ctx.url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
          const assignee = ctx.url.searchParams.get('assignee');
          const issues = allIssues()
            .filter((i) => i.repo === r.name && (state === 'all' || i.state === state))
            .filter((i) => labels.every((l) => i.labels.includes(l)))
            .filter((i) => !assignee || i.assignees.includes(assignee))
            .sort(byDesc((i) => i.created_at));
          return paginate(ctx, issues.map((i) => issueJson(i, base)));
        }),
    },
    {
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/,
      handle: (ctx, [owner, repo]) =>
        withRepo(owner!, repo!, (r) => {
          const input = (ctx.body ?? {}) as { title?: unknown; body?: unknown; labels?: unknown; assignees?: unknown };
          if (typeof input.title !== 'string' || !input.title) {
            return {
              status: 422,
              body: {
                message: 'Validation Failed',
                errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
                documentation_url: `${DOCS}/issues/issues#create-an-issue`,
                status: '422',
              },
            };
          }
          const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
          const issue: IssueFixture = {
            repo: r.name,
            number: Math.max(...allIssues().filter((i) => i.repo === r.name).map((i) => i.number)) + 1,
            title: input.title,
            body: typeof input.body === 'string' ? input.body : null,
            state: 'open',
            author: 'mosaic-bot',
            labels: Array.isArray(input.labels) ? input.labels.map(String) : [],
            assignees: Array.isArray(input.assignees) ? input.assignees.map(String) : [],
            created_at: now,
            updated_at: now,
          };
          created.push(issue);
          return { status: 201, body: issueJson(issue, base), headers: { Location: `${base}/repos/${FIXTURE_ORG}/${r.name}/issues/${issue.number}` } };
        }),
    },
    {
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls$/,
      handle: (ctx, [owner, repo]) =>
        withRepo(owner!, repo!, (r) => {
          const state = ctx.url.searchParams.get('state') ?? 'open';
          const baseRef = ctx.url.searchParams.get('base');
          const pulls = issueFixtures.filter((i) => i.repo === r.name && i.pull && (state === 'all' || i.state === state))
            .filter((i) => !baseRef || i.pull!.base === baseRef)
            .sort(byDesc((i) => i.created_at));
          return paginate(ctx, pulls.map((i) => pullJson(i, base)));
        }),
    },
    {
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/commits$/,
      handle: (ctx, [owner, repo]) =>
        withRepo(owner!, repo!, (r) => {
          const ref = ctx.url.searchParams.get('sha') ?? r.default_branch;
          const author = ctx.url.searchParams.get('author');
          if (!BRANCHES.some((b) => b.repo === r.name && b.name === ref) && !COMMITS.some((c) => c.sha.startsWith(ref))) {
            return { status: 404, body: { message: `No commit found for SHA: ${ref}`, documentation_url: `${DOCS}/commits/commits#list-commits`, status: '404' } };
          }
          // Branches share the default branch's history, newest first.
          const commits = COMMITS.filter((c) => c.repo === r.name && (c.branch === ref || c.branch === r.default_branch))
            .filter((c) => !author || c.author === author)
            .sort(byDesc((c) => c.date));
          return paginate(ctx, commits.map((c) => commitJson(c, base)));
        }),
    },
    {
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/branches$/,
      handle: (ctx, [owner, repo]) =>
        withRepo(owner!, repo!, (r) => {
          const onlyProtected = ctx.url.searchParams.get('protected') === 'true';
          const branches = BRANCHES.filter((b) => b.repo === r.name && (!onlyProtected || b.protected));
          return paginate(ctx, branches.map((b) => branchJson(b, base)));
        }),
    },
    {
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs$/,
      handle: (ctx, [owner, repo]) =>
        withRepo(owner!, repo!, (r) => {
          const branch = ctx.url.searchParams.get('branch');
          const status = ctx.url.searchParams.get('status');
          const event = ctx.url.searchParams.get('event');
          const created = dateRange(ctx.url.searchParams.get('created'));
          if (!created) return validationFailed('created', `${DOCS}/actions/workflow-runs#list-workflow-runs-for-a-repository`);
          const runs = runFixtures.filter((w) => w.repo === r.name)
            .filter((w) => !branch || w.head_branch === branch)
            .filter((w) => !status || w.status === status || w.conclusion === status)
            .filter((w) => !event || w.event === event)
            .filter((w) => created(w.created_at))
            .sort(byDesc((w) => w.created_at));
          return paginate(ctx, runs.map((w) => runJson(w, base)), (items) => ({ total_count: runs.length, workflow_runs: items }));
        }),
    },
    { method: 'GET', pattern: /^\/search\/issues$/, handle: (ctx) => searchIssues(ctx, allIssues(), base, login) },
  ];

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { message: `fake github failed: ${(error as Error).message}` } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers });
    const raw = await readBody(req);

    const authorization = req.headers['authorization'];
    if (!authorization) {
      return send(res, { status: 401, body: { message: 'Requires authentication', documentation_url: DOCS, status: '401' } });
    }
    if (authorization !== `Bearer ${token}` && authorization !== `token ${token}`) {
      return send(res, { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } });
    }

    const active = faults[0];
    if (active) {
      active.remaining -= 1;
      if (active.remaining <= 0) faults.shift();
      if (active.fault.kind === 'hang') return; // never answered; close() destroys the socket
      return send(res, faultReply(active.fault));
    }

    for (const route of routes) {
      const match = route.method === req.method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return send(res, { status: 400, body: { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' } });
      }
      return send(res, await route.handle({ url, base, body }, match.slice(1).map(decodeURIComponent)));
    }
    return send(res, { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    token,
    requests,
    count: (method, path) => requests.filter((r) => r.method === method && r.path === path).length,
    failNext: (fault, times = 1) => {
      faults.push({ fault, remaining: times });
    },
    clearFaults: () => {
      faults = [];
    },
    reset: () => {
      requests.length = 0;
      faults = [];
      created = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function faultReply(fault: FakeGithubFault): Reply {
  switch (fault.kind) {
    case 'retry-after':
      return {
        status: fault.status,
        headers: { 'Retry-After': String(fault.seconds) },
        body: {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: String(fault.status),
        },
      };
    case 'primary-rate-limit':
      return {
        status: 403,
        headers: {
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '5000',
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + fault.resetInSeconds),
          'x-ratelimit-resource': 'core',
        },
        body: {
          message: 'API rate limit exceeded for user ID 1.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          status: '403',
        },
      };
    case 'secondary-rate-limit':
      return {
        status: 403,
        body: {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: '403',
        },
      };
    case 'server-error':
      return { status: fault.status ?? 500, body: { message: 'Server Error' } };
    case 'hang':
      throw new Error('hang has no reply');
  }
}

/** GitHub's page/per_page pagination with a `Link` header (first, prev, next, last). */
function paginate<T>(ctx: Context, all: T[], wrap: (items: T[]) => unknown = (items) => items): Reply {
  const perPage = Math.min(100, Math.max(1, Number(ctx.url.searchParams.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(ctx.url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const link = (n: number, rel: string) => {
    const target = new URL(ctx.url.pathname + ctx.url.search, ctx.base);
    target.searchParams.set('page', String(n));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first')] : []),
  ];
  return { status: 200, body: wrap(items), headers: links.length ? { Link: links.join(', ') } : {} };
}

/** A subset of GitHub's issue search syntax: words, OR, and the common qualifiers (`@me` is the token's login). */
function searchIssues(ctx: Context, issues: IssueFixture[], base: string, login: string): Reply {
  const q = ctx.url.searchParams.get('q') ?? '';
  const tokens = q.match(/"[^"]*"|\S+/g) ?? [];
  const qualifiers = new Map<string, string[]>();
  const words: string[] = [];
  let anyWord = false;
  for (const token of tokens) {
    const qualifier = /^(-?[a-z-]+):(.+)$/i.exec(token);
    if (qualifier) {
      const key = qualifier[1]!.toLowerCase();
      const value = qualifier[2]!.replace(/"/g, '');
      // Dates keep their case (2025-03-13T12:00:00Z); names are case-insensitive.
      qualifiers.set(key, [...(qualifiers.get(key) ?? []), key === 'updated' || key === 'created' ? value : value.toLowerCase()]);
    } else if (token === 'OR') anyWord = true;
    else if (token !== 'AND') words.push(token.replace(/"/g, '').toLowerCase());
  }
  const kinds = [...(qualifiers.get('is') ?? []), ...(qualifiers.get('type') ?? [])];
  const wantIssues = kinds.includes('issue');
  const wantPulls = kinds.some((k) => k === 'pr' || k === 'pull-request');
  if (!wantIssues && !wantPulls) {
    return {
      status: 422,
      body: {
        message: "Query must include 'is:issue' or 'is:pull-request'",
        documentation_url: `${DOCS}/search/search#search-issues-and-pull-requests`,
        status: '422',
      },
    };
  }
  const states = [...(qualifiers.get('state') ?? []), ...kinds.filter((k) => k === 'open' || k === 'closed')];
  const repos = qualifiers.get('repo') ?? [];
  const owners = [...(qualifiers.get('org') ?? []), ...(qualifiers.get('user') ?? [])];
  const labels = qualifiers.get('label') ?? [];
  const authors = qualifiers.get('author') ?? [];
  const reviewers = (qualifiers.get('review-requested') ?? []).map((r) => (r === '@me' ? login : r));
  const dates: Array<{ field: 'updated_at' | 'created_at'; test: (at: string) => boolean }> = [];
  for (const field of ['updated', 'created'] as const) {
    for (const value of qualifiers.get(field) ?? []) {
      const test = dateRange(value);
      if (!test) return validationFailed('q', `${DOCS}/search/search#search-issues-and-pull-requests`);
      dates.push({ field: `${field}_at`, test });
    }
  }

  const matches = issues
    .filter((i) => (i.pull ? wantPulls : wantIssues))
    .filter((i) => states.length === 0 || states.includes(i.state))
    .filter((i) => repos.length === 0 || repos.includes(`${FIXTURE_ORG}/${i.repo}`))
    .filter(() => owners.length === 0 || owners.includes(FIXTURE_ORG))
    .filter((i) => labels.every((l) => i.labels.includes(l)))
    .filter((i) => authors.length === 0 || authors.includes(i.author))
    .filter((i) => reviewers.length === 0 || reviewers.some((r) => i.pull?.requested_reviewers.includes(r)))
    .filter((i) => dates.every(({ field, test }) => test(i[field])))
    .map((i) => {
      const text = `${i.title} ${i.body ?? ''}`.toLowerCase();
      const hits = words.filter((w) => text.includes(w)).length;
      return { issue: i, hits };
    })
    .filter(({ hits }) => words.length === 0 || (anyWord ? hits > 0 : hits === words.length))
    .sort((a, b) => b.hits - a.hits || b.issue.updated_at.localeCompare(a.issue.updated_at))
    .map(({ issue, hits }) => ({ ...issueJson(issue, base), score: hits }));
  return paginate(ctx, matches, (items) => ({ total_count: matches.length, incomplete_results: false, items }));
}

/**
 * GitHub's date qualifier syntax (`>=t`, `>t`, `<=t`, `<t`, `a..b` inclusive, or a bare day), as a
 * test of an ISO time; `() => true` for no range, undefined for one GitHub would refuse.
 */
function dateRange(value: string | null): ((at: string) => boolean) | undefined {
  if (!value) return () => true;
  const time = (text: string) => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  const between = /^(.+)\.\.(.+)$/.exec(value);
  if (between) {
    const [from, to] = [time(between[1]!), time(between[2]!)];
    return Number.isNaN(from) || Number.isNaN(to) ? undefined : (at) => Date.parse(at) >= from && Date.parse(at) <= to;
  }
  const compare = /^(>=|<=|>|<)?(.+)$/.exec(value)!;
  const bound = time(compare[2]!);
  if (Number.isNaN(bound)) return undefined;
  switch (compare[1]) {
    case '>=':
      return (at) => Date.parse(at) >= bound;
    case '>':
      return (at) => Date.parse(at) > bound;
    case '<=':
      return (at) => Date.parse(at) <= bound;
    case '<':
      return (at) => Date.parse(at) < bound;
    default:
      return (at) => at.slice(0, 10) === compare[2]!.slice(0, 10);
  }
}

function validationFailed(field: string, documentation: string): Reply {
  return {
    status: 422,
    body: { message: 'Validation Failed', errors: [{ resource: 'Search', field, code: 'invalid' }], documentation_url: documentation, status: '422' },
  };
}

function withRepo(owner: string, name: string, body: (repo: RepoFixture) => Reply): Reply {
  const repo = REPOS.find((r) => r.name.toLowerCase() === name.toLowerCase());
  if (owner.toLowerCase() !== FIXTURE_ORG || !repo) return notFound('repos/repos#get-a-repository');
  return body(repo);
}

function notFound(doc: string): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: `${DOCS}/${doc}`, status: '404' } };
}

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-GitHub-Media-Type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    ...(reply.headers ?? {}),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function byDesc<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => key(b).localeCompare(key(a));
}

function userJson(login: string, base: string): Record<string, unknown> {
  const id = [...login].reduce((sum, ch) => sum * 31 + ch.charCodeAt(0), 7) % 1_000_000;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    url: `${base}/users/${login}`,
    html_url: `https://github.com/${login}`,
    type: 'User',
    site_admin: false,
  };
}

function repoJson(repo: RepoFixture, base: string, issues: readonly IssueFixture[]): Record<string, unknown> {
  const fullName = `${FIXTURE_ORG}/${repo.name}`;
  return {
    id: 100 + REPOS.indexOf(repo),
    node_id: `R_${repo.name}`,
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    owner: { ...userJson(FIXTURE_ORG, base), type: 'Organization' },
    html_url: `https://github.com/${fullName}`,
    description: repo.description,
    fork: false,
    url: `${base}/repos/${fullName}`,
    created_at: '2023-01-05T10:00:00Z',
    updated_at: repo.updated_at,
    pushed_at: repo.updated_at,
    default_branch: repo.default_branch,
    visibility: repo.private ? 'private' : 'public',
    open_issues_count: issues.filter((i) => i.repo === repo.name && i.state === 'open').length,
    archived: false,
  };
}

function issueJson(issue: IssueFixture, base: string): Record<string, unknown> {
  const fullName = `${FIXTURE_ORG}/${issue.repo}`;
  const kind = issue.pull ? 'pull' : 'issues';
  return {
    url: `${base}/repos/${fullName}/issues/${issue.number}`,
    repository_url: `${base}/repos/${fullName}`,
    html_url: `https://github.com/${fullName}/${kind}/${issue.number}`,
    id: 50_000 + issue.number,
    node_id: `I_${issue.repo}_${issue.number}`,
    number: issue.number,
    title: issue.title,
    user: userJson(issue.author, base),
    labels: issue.labels.map((name, index) => ({ id: index + 1, name, color: 'd73a4a', default: name === 'bug', description: null })),
    state: issue.state,
    locked: false,
    assignee: issue.assignees[0] ? userJson(issue.assignees[0], base) : null,
    assignees: issue.assignees.map((login) => userJson(login, base)),
    comments: 0,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.state === 'closed' ? issue.updated_at : null,
    author_association: 'MEMBER',
    body: issue.body,
    ...(issue.pull
      ? {
          draft: issue.pull.draft,
          pull_request: {
            url: `${base}/repos/${fullName}/pulls/${issue.number}`,
            html_url: `https://github.com/${fullName}/pull/${issue.number}`,
            merged_at: issue.pull.merged ? issue.updated_at : null,
          },
        }
      : {}),
  };
}

function pullJson(issue: IssueFixture, base: string): Record<string, unknown> {
  const fullName = `${FIXTURE_ORG}/${issue.repo}`;
  const pull = issue.pull!;
  return {
    url: `${base}/repos/${fullName}/pulls/${issue.number}`,
    id: 60_000 + issue.number,
    html_url: `https://github.com/${fullName}/pull/${issue.number}`,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: userJson(issue.author, base),
    body: issue.body,
    labels: issue.labels.map((name, index) => ({ id: index + 1, name, color: 'ededed' })),
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.state === 'closed' ? issue.updated_at : null,
    merged_at: pull.merged ? issue.updated_at : null,
    assignees: issue.assignees.map((login) => userJson(login, base)),
    requested_reviewers: pull.requested_reviewers.map((login) => userJson(login, base)),
    requested_teams: [],
    draft: pull.draft,
    head: { label: `${FIXTURE_ORG}:${pull.head}`, ref: pull.head, sha: 'f'.repeat(40) },
    base: { label: `${FIXTURE_ORG}:${pull.base}`, ref: pull.base, sha: 'e'.repeat(40) },
    author_association: 'MEMBER',
  };
}

function commitJson(commit: CommitFixture, base: string): Record<string, unknown> {
  const fullName = `${FIXTURE_ORG}/${commit.repo}`;
  const person = { name: commit.author[0]!.toUpperCase() + commit.author.slice(1), email: `${commit.author}@northwind.example`, date: commit.date };
  return {
    sha: commit.sha,
    node_id: `C_${commit.sha.slice(0, 10)}`,
    commit: {
      author: person,
      committer: person,
      message: commit.message,
      tree: { sha: 'a'.repeat(40), url: `${base}/repos/${fullName}/git/trees/${'a'.repeat(40)}` },
      url: `${base}/repos/${fullName}/git/commits/${commit.sha}`,
      comment_count: 0,
    },
    url: `${base}/repos/${fullName}/commits/${commit.sha}`,
    html_url: `https://github.com/${fullName}/commit/${commit.sha}`,
    author: userJson(commit.author, base),
    committer: userJson(commit.author, base),
    parents: [],
  };
}

function branchJson(branch: BranchFixture, base: string): Record<string, unknown> {
  const head = COMMITS.filter((c) => c.repo === branch.repo && c.branch === branch.name).sort(byDesc((c) => c.date))[0] ??
    COMMITS.find((c) => c.repo === branch.repo)!;
  return {
    name: branch.name,
    commit: { sha: head.sha, url: `${base}/repos/${FIXTURE_ORG}/${branch.repo}/commits/${head.sha}` },
    protected: branch.protected,
  };
}

function runJson(run: WorkflowRunFixture, base: string): Record<string, unknown> {
  const fullName = `${FIXTURE_ORG}/${run.repo}`;
  return {
    id: run.id,
    name: run.name,
    node_id: `WFR_${run.id}`,
    head_branch: run.head_branch,
    head_sha: 'd'.repeat(40),
    path: `.github/workflows/${run.name.toLowerCase()}.yml`,
    display_title: run.name,
    run_number: run.run_number,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.name === 'CI' ? 1 : 2,
    url: `${base}/repos/${fullName}/actions/runs/${run.id}`,
    html_url: `https://github.com/${fullName}/actions/runs/${run.id}`,
    created_at: run.created_at,
    updated_at: run.created_at,
    run_attempt: 1,
    run_started_at: run.created_at,
  };
}
