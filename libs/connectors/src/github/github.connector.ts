import { SourceItem } from '@mosaic/contracts';
import { keywords, overlapScore, searchTerms, truncate } from '@mosaic/llm';
import { ConnectorDefinition, DigestWindow, directRoute, StrategyResult, ToolCaller } from '../connector';
import { DigestBounds, digestBounds, formatLocal, instantOf, isWithin } from '../digest-window';
import { builtServerEntry } from '../paths';

const MAX_ITEMS = 8;
/** Repositories a repo-scoped question is asked of when it names none. */
const MAX_REPOS_PER_QUESTION = 3;
const ITEMS_PER_REPO = 10;
/** GitHub search allows at most five AND/OR/NOT operators. */
const MAX_SEARCH_TERMS = 6;

/** Words that say "GitHub" or frame the question, never what an issue is about. */
const META_WORDS = new Set([
  'github', 'issue', 'issues', 'ticket', 'tickets', 'repo', 'repos', 'repository', 'repositories', 'open', 'opened',
  'closed', 'mention', 'mentions', 'mentioned', 'anyone', 'someone', 'reported', 'filed', 'related', 'there',
]);

/** GitHub through our own MCP server (`github/github-mcp.main.ts`), read-only unless writes are enabled. */
export const githubConnector: ConnectorDefinition = {
  metadata: {
    id: 'github',
    name: 'GitHub',
    description: 'Repositories, issues, pull requests and reviews, commits, branches and CI/CD workflow runs on GitHub',
    icon: 'github',
  },
  keywords: [
    'github', 'repo', 'repository', 'pull', 'pr', 'prs', 'review', 'reviewer', 'issue', 'bug', 'commit', 'branch',
    'ci', 'build', 'workflow', 'pipeline', 'deploy', 'deployment', 'merge', 'release',
  ],
  // Filled in when the call left them out: the user's default owner, and the question's time window.
  injections: [
    { tool: '*', param: 'owner', from: { kind: 'credential', field: 'default_owner' } },
    { tool: 'list_issues', param: 'since', from: { kind: 'window_start' } },
    { tool: 'list_commits', param: 'since', from: { kind: 'window_start' } },
    { tool: 'list_commits', param: 'until', from: { kind: 'window_end' } },
  ],
  probe: { tool: 'list_repositories', args: { max_items: 1 } },
  credentialFields: [
    { name: 'token', label: 'Personal access token', type: 'password', required: true, envVar: 'GITHUB_TOKEN' },
    { name: 'api_url', label: 'API URL (GitHub Enterprise Server)', type: 'url', required: false, envVar: 'GITHUB_API_URL' },
    { name: 'default_owner', label: 'Default organization or user', type: 'text', required: false, envVar: 'GITHUB_DEFAULT_OWNER' },
  ],
  // First match wins, so the more specific intent comes first: "is CI green on the PR" is about CI.
  directRouting: [
    {
      keywords: ['waiting for review', 'awaiting review', 'needs review', 'review', 'reviews', 'reviewer', 'reviewers'],
      tool: 'list_pull_requests',
      args: { awaiting_review: true },
    },
    {
      keywords: ['workflow', 'workflows', 'ci', 'build', 'builds', 'pipeline', 'pipelines', 'deploy', 'deploys', 'deployment', 'deployments'],
      tool: 'get_workflow_runs',
    },
    { keywords: ['pull request', 'pull requests', 'pr', 'prs', 'merge request', 'merge requests'], tool: 'list_pull_requests' },
    { keywords: ['commit', 'commits', 'committed'], tool: 'list_commits' },
    { keywords: ['branch', 'branches'], tool: 'list_branches' },
    { keywords: ['repos', 'repositories'], tool: 'list_repositories' },
  ],
  // Writes stay off here: the worker's sessions are keyed by credentials alone, so a server
  // with create_issue must never be the one read-only questions reuse.
  launch: (credentials, options) => ({
    kind: 'stdio',
    command: process.execPath,
    args: [builtServerEntry('github/github-mcp.main.js')],
    env: {
      GITHUB_TOKEN: credentials['token'] ?? '',
      ...(credentials['api_url'] ? { GITHUB_API_URL: credentials['api_url'] } : {}),
      ...(credentials['default_owner'] ? { GITHUB_DEFAULT_OWNER: credentials['default_owner'] } : {}),
      ...(options?.allowWrites ? { GITHUB_ALLOW_WRITES: 'true' } : {}),
    },
  }),
  localStrategy: (query, call, credentials) => answerFromGithub(query, call, credentials['default_owner']),
  digestStrategy: (window, call, credentials) => githubDigest(window, call, credentials['default_owner']),
};

interface RepositoryRef {
  full_name: string;
  html_url?: string;
}

/**
 * Picks the tool by direct routing, asks it about the repositories the question names (else
 * the most recently updated ones), and turns the results into citeable items. Questions no
 * pattern matches become an issue search for the question's own words.
 */
export async function answerFromGithub(query: string, call: ToolCaller, defaultOwner?: string): Promise<StrategyResult> {
  const route = directRoute(githubConnector, query);
  const queryKeywords = keywords(query);
  const repositories = await listRepositories(call, defaultOwner);

  if (route?.tool === 'list_repositories') {
    const items = repositories.raw.map((repo) => repositoryItem(repo, queryKeywords));
    return finish(items, `Listed ${items.length} repositories${repositories.truncated ? ' (more exist)' : ''}.`);
  }

  const mentioned = mentionedRepositories(query, repositories.refs);
  if (!route) return searchIssues(query, call, queryKeywords, mentioned, repositories.refs, defaultOwner);

  const targets = (mentioned.length ? mentioned : repositories.refs).slice(0, MAX_REPOS_PER_QUESTION);
  if (targets.length === 0) return { items: [], summary: 'The token can see no repositories.' };
  const args = { ...route.args, ...toolArgs(route.tool, query) };
  const items: SourceItem[] = [];
  const failures: string[] = [];
  for (const target of targets) {
    const [owner, repo] = target.full_name.split('/') as [string, string];
    const result = await call(route.tool, { owner, repo, max_items: ITEMS_PER_REPO, ...args });
    if (!result.ok) {
      failures.push(`${target.full_name}: ${result.text}`);
      continue;
    }
    items.push(...itemsOf(route.tool, result.structured ?? safeJson(result.text), target, queryKeywords));
  }
  if (items.length === 0 && failures.length === targets.length) throw new Error(`${route.tool} failed: ${failures.join('; ')}`);
  const scope = targets.map((t) => t.full_name).join(', ');
  const failed = failures.length ? ` ${route.tool} failed for ${failures.map((f) => f.split(':')[0]).join(', ')}.` : '';
  return finish(items, `${describeTool(route.tool)} in ${scope}: ${items.length} found.${failed}`);
}

async function listRepositories(
  call: ToolCaller,
  owner: string | undefined,
): Promise<{ refs: RepositoryRef[]; raw: Record<string, unknown>[]; truncated: boolean }> {
  const result = await call('list_repositories', { ...(owner ? { owner } : {}), max_items: 30 });
  if (!result.ok) throw new Error(`list_repositories failed: ${result.text}`);
  const body = (result.structured ?? safeJson(result.text)) as { repositories?: unknown; truncated?: unknown } | undefined;
  const raw = (Array.isArray(body?.repositories) ? body.repositories : []).filter(
    (r): r is Record<string, unknown> => typeof r === 'object' && r !== null && typeof (r as { full_name?: unknown }).full_name === 'string',
  );
  return {
    refs: raw.map((r) => ({ full_name: String(r['full_name']), html_url: typeof r['html_url'] === 'string' ? r['html_url'] : undefined })),
    raw,
    truncated: body?.truncated === true,
  };
}

/** Repositories named in the question, as `owner/name` or as a bare name (whole word). */
export function mentionedRepositories(query: string, repositories: readonly RepositoryRef[]): RepositoryRef[] {
  const lower = query.toLowerCase();
  const named = (name: string) => new RegExp(`(^|[^a-z0-9._/-])${escapeRegExp(name.toLowerCase())}($|[^a-z0-9_/-])`).test(lower);
  return repositories.filter((repo) => named(repo.full_name) || named(repo.full_name.split('/')[1] ?? repo.full_name));
}

/** Arguments the question implies beyond the routing pattern's own. */
function toolArgs(tool: string, query: string): Record<string, unknown> {
  const lower = query.toLowerCase();
  if (tool === 'get_workflow_runs' && /\b(fail\w*|broken|red|errored)\b/.test(lower)) return { status: 'failure' };
  if (tool === 'get_workflow_runs' && /\b(running|in progress)\b/.test(lower)) return { status: 'in_progress' };
  if ((tool === 'list_pull_requests' || tool === 'list_issues') && /\b(closed|merged)\b/.test(lower)) return { state: 'closed' };
  if (tool === 'list_branches' && /\bprotected\b/.test(lower)) return { protected: true };
  return {};
}

async function searchIssues(
  query: string,
  call: ToolCaller,
  queryKeywords: readonly string[],
  mentioned: readonly RepositoryRef[],
  visible: readonly RepositoryRef[],
  defaultOwner: string | undefined,
): Promise<StrategyResult> {
  const repoWords = new Set(mentioned.flatMap((r) => [r.full_name.toLowerCase(), ...r.full_name.toLowerCase().split('/')]));
  const terms = searchTerms(query)
    .filter((t) => !META_WORDS.has(t) && !repoWords.has(t))
    .slice(0, MAX_SEARCH_TERMS);
  const lower = query.toLowerCase();
  const state = /\bopen\b/.test(lower) ? 'open' : /\bclosed\b/.test(lower) ? 'closed' : undefined;
  const only = mentioned.length === 1 ? mentioned[0]!.full_name.split('/') : undefined;
  // Never search all of GitHub: scope to the named repository, the configured owner, or the owner
  // of the repositories the token sees.
  const owner = only?.[0] ?? defaultOwner ?? visible[0]?.full_name.split('/')[0];
  if (!owner) return { items: [], summary: 'The token can see no repositories to search.' };
  if (terms.length === 0 && !state) return { items: [], summary: 'The question has no searchable terms.' };

  const args = {
    query: terms.length ? terms.join(' OR ') : `is:${state}`,
    type: 'issue',
    owner,
    ...(only ? { repo: only[1] } : {}),
    ...(state ? { state } : {}),
    max_items: 20,
  };
  const result = await call('search_issues', args);
  if (!result.ok) throw new Error(`search_issues failed: ${result.text}`);
  const body = (result.structured ?? safeJson(result.text)) as { items?: unknown; total_count?: unknown } | undefined;
  const found = records(body?.items);
  const items = found.map((issue) => issueItem(issue, 'search_issues', queryKeywords, 0.2));
  return finish(
    items,
    items.length
      ? `GitHub search for ${terms.join(', ') || state} found ${typeof body?.total_count === 'number' ? body.total_count : items.length} issue(s).`
      : `No issues mention ${terms.join(', ')}.`,
  );
}

function itemsOf(tool: string, body: unknown, repo: RepositoryRef, queryKeywords: readonly string[]): SourceItem[] {
  const container = (body ?? {}) as Record<string, unknown>;
  switch (tool) {
    case 'list_pull_requests':
      return records(container['pull_requests']).map((pull) => pullRequestItem(pull, queryKeywords));
    case 'list_issues':
      return records(container['issues']).map((issue) => issueItem(issue, tool, queryKeywords, 0.3));
    case 'list_commits':
      return records(container['commits']).map((commit) => commitItem(commit, queryKeywords));
    case 'list_branches':
      return records(container['branches']).map((branch) => branchItem(branch, repo, queryKeywords));
    case 'get_workflow_runs':
      return records(container['workflow_runs']).map((run) => workflowRunItem(run, repo, queryKeywords));
    default:
      return [];
  }
}

function repositoryItem(repo: Record<string, unknown>, queryKeywords: readonly string[]): SourceItem {
  const name = str(repo['full_name']);
  const content =
    `Repository ${name} (${repo['private'] ? 'private' : 'public'}, default branch ${str(repo['default_branch'])})` +
    `${repo['description'] ? `: ${str(repo['description'])}` : ''}; updated ${day(repo['updated_at'])}.`;
  return { id: name, title: name, url: url(repo['html_url']), tool: 'list_repositories', content, score: routedScore(queryKeywords, content, name) };
}

/** An issue (or a pull request found by search); `floor` is the score a listed or matched item starts from. */
function issueItem(issue: Record<string, unknown>, tool: string, queryKeywords: readonly string[], floor: number): SourceItem {
  const repository = str(issue['repository']);
  const kind = issue['is_pull_request'] ? 'Pull request' : 'Issue';
  const labels = strings(issue['labels']);
  const assignees = strings(issue['assignees']);
  const title = str(issue['title']);
  const details = [
    str(issue['state']),
    issue['author'] ? `opened by ${str(issue['author'])}` : '',
    labels.length ? `labels ${labels.join(', ')}` : '',
    assignees.length ? `assigned to ${assignees.join(', ')}` : '',
    `updated ${day(issue['updated_at'])}`,
  ].filter(Boolean);
  const body = issue['body'] ? ` ${truncate(str(issue['body']).replace(/\s+/g, ' '), 200)}` : '';
  const content = `${kind} #${str(issue['number'])} in ${repository} "${title}" (${details.join('; ')}).${body}`;
  return {
    id: `${repository}#${str(issue['number'])}`,
    title: `${repository}#${str(issue['number'])} ${title}`,
    url: url(issue['html_url']),
    tool,
    content,
    score: scaled(floor, queryKeywords, content, title),
  };
}

function pullRequestItem(pull: Record<string, unknown>, queryKeywords: readonly string[]): SourceItem {
  const repository = str(pull['repository']);
  const reviewers = strings(pull['requested_reviewers']);
  const title = str(pull['title']);
  const details = [
    pull['draft'] ? `draft, ${str(pull['state'])}` : str(pull['state']),
    pull['author'] ? `by ${str(pull['author'])}` : '',
    reviewers.length ? `awaiting review from ${reviewers.join(', ')}` : 'no review requested',
    pull['head'] && pull['base'] ? `${str(pull['head'])} into ${str(pull['base'])}` : '',
    `updated ${day(pull['updated_at'])}`,
  ].filter(Boolean);
  const content = `Pull request #${str(pull['number'])} in ${repository} "${title}" (${details.join('; ')}).`;
  return {
    id: `${repository}#${str(pull['number'])}`,
    title: `${repository}#${str(pull['number'])} ${title}`,
    url: url(pull['html_url']),
    tool: 'list_pull_requests',
    content,
    score: routedScore(queryKeywords, content, title),
  };
}

function commitItem(commit: Record<string, unknown>, queryKeywords: readonly string[]): SourceItem {
  const repository = str(commit['repository']);
  const sha = str(commit['sha']).slice(0, 7);
  const message = str(commit['message']);
  const content = `Commit ${sha} in ${repository} by ${str(commit['author'] ?? 'unknown')} on ${day(commit['date'])}: ${message}`;
  return {
    id: `${repository}@${sha}`,
    title: `${repository}@${sha} ${message}`,
    url: url(commit['html_url']),
    tool: 'list_commits',
    content,
    score: routedScore(queryKeywords, content, message),
  };
}

function branchItem(branch: Record<string, unknown>, repo: RepositoryRef, queryKeywords: readonly string[]): SourceItem {
  const name = str(branch['name']);
  const content = `Branch ${name} in ${repo.full_name}${branch['protected'] ? ' (protected)' : ''}, head commit ${str(branch['sha']).slice(0, 7)}.`;
  return {
    id: `${repo.full_name}:${name}`,
    title: `${repo.full_name} branch ${name}`,
    // The branches API has no html_url; the repository's page plus /tree/<branch> is the branch's page.
    url: repo.html_url ? `${repo.html_url}/tree/${name.split('/').map(encodeURIComponent).join('/')}` : undefined,
    tool: 'list_branches',
    content,
    score: routedScore(queryKeywords, content, name),
  };
}

function workflowRunItem(run: Record<string, unknown>, repo: RepositoryRef, queryKeywords: readonly string[]): SourceItem {
  const name = str(run['name'] ?? 'workflow');
  const outcome = run['conclusion'] ? `${str(run['status'])}, ${str(run['conclusion'])}` : str(run['status']);
  const content =
    `${name} run #${str(run['run_number'])} in ${repo.full_name} on ${str(run['head_branch'] ?? 'unknown branch')}` +
    `${run['event'] ? ` (${str(run['event'])})` : ''}: ${outcome}, started ${day(run['created_at'])}.`;
  return {
    id: `${repo.full_name}/actions/runs/${str(run['id'])}`,
    title: `${repo.full_name} ${name} #${str(run['run_number'])} ${run['conclusion'] ? str(run['conclusion']) : str(run['status'])}`,
    url: url(run['html_url']),
    tool: 'get_workflow_runs',
    content,
    score: routedScore(queryKeywords, content, name),
  };
}

// ---- "What you missed" -------------------------------------------------------------------

const DIGEST_MAX_ITEMS = 20;
const DIGEST_PULLS_SCANNED = 50;
/** Repositories whose failed runs the digest reads: the most recently updated ones. */
const DIGEST_REPOS = 10;
const DIGEST_RUNS_PER_REPO = 20;

/**
 * Open pull requests awaiting the user's review (`review-requested:@me`, so the token's own user)
 * updated within the window, and workflow runs that failed within it across the user's
 * repositories (the default owner's, else the token's), newest first.
 */
export async function githubDigest(window: DigestWindow, call: ToolCaller, defaultOwner?: string): Promise<StrategyResult> {
  const bounds = digestBounds(window);
  const since = githubTime(bounds.since);
  const until = githubTime(bounds.until);
  const found: Array<{ item: SourceItem; at: number }> = [];

  const search = await call('search_issues', {
    query: `review-requested:@me updated:>=${since}`,
    type: 'pull_request',
    state: 'open',
    ...(defaultOwner ? { owner: defaultOwner } : {}),
    sort: 'updated',
    order: 'desc',
    max_items: DIGEST_PULLS_SCANNED,
  });
  if (!search.ok) throw new Error(`search_issues failed: ${search.text}`);
  const pulls = records(((search.structured ?? safeJson(search.text)) as { items?: unknown } | undefined)?.items).filter(
    (pull) => pull['is_pull_request'] !== false && isWithin(bounds, str(pull['updated_at'])),
  );
  for (const pull of pulls) found.push({ item: reviewRequestItem(pull, bounds), at: instantOf(str(pull['updated_at'])) });

  const repositories = (await listRepositories(call, defaultOwner)).refs.slice(0, DIGEST_REPOS);
  const failures: string[] = [];
  const runLists = await Promise.all(
    repositories.map(async (target) => {
      const [owner, repo] = target.full_name.split('/') as [string, string];
      const result = await call('get_workflow_runs', { owner, repo, status: 'failure', since, until, max_items: DIGEST_RUNS_PER_REPO });
      if (!result.ok) {
        failures.push(target.full_name);
        return [];
      }
      const body = (result.structured ?? safeJson(result.text)) as { workflow_runs?: unknown } | undefined;
      return records(body?.workflow_runs)
        .filter((run) => run['conclusion'] === 'failure' && isWithin(bounds, str(run['created_at'])))
        .map((run) => ({ item: failedRunItem(run, target, bounds), at: instantOf(str(run['created_at'])) }));
    }),
  );
  const runs = runLists.flat();
  found.push(...runs);

  found.sort((a, b) => b.at - a.at || a.item.id.localeCompare(b.item.id));
  const failed = failures.length ? ` Workflow runs could not be read for ${failures.sort().join(', ')}.` : '';
  return {
    items: found.slice(0, DIGEST_MAX_ITEMS).map((f) => f.item),
    summary:
      `Since ${window.since}: ${pulls.length} pull request(s) await your review; ` +
      `${runs.length} workflow run(s) failed in ${repositories.length} repositories checked.${failed}`,
  };
}

function reviewRequestItem(pull: Record<string, unknown>, bounds: DigestBounds): SourceItem {
  const repository = str(pull['repository']);
  const number = str(pull['number']);
  const title = str(pull['title']);
  const updated = `${formatLocal(bounds.timeZone, instantOf(str(pull['updated_at'])))} ${bounds.timeZone}`;
  return {
    id: `${repository}#${number}`,
    title: `PR #${number} awaits your review: ${title}`,
    url: url(pull['html_url']),
    tool: 'search_issues',
    content:
      `Pull request #${number} in ${repository} "${title}"${pull['author'] ? ` by ${str(pull['author'])}` : ''} ` +
      `awaits your review; updated ${updated}.`,
    score: 1,
  };
}

function failedRunItem(run: Record<string, unknown>, repo: RepositoryRef, bounds: DigestBounds): SourceItem {
  const name = str(run['name'] ?? 'workflow');
  const branch = str(run['head_branch'] ?? 'unknown branch');
  const started = `${formatLocal(bounds.timeZone, instantOf(str(run['created_at'])))} ${bounds.timeZone}`;
  return {
    id: `${repo.full_name}/actions/runs/${str(run['id'])}`,
    title: `Workflow ${name} failed on ${branch}: ${repo.full_name} run #${str(run['run_number'])}`,
    url: url(run['html_url']),
    tool: 'get_workflow_runs',
    content:
      `${name} run #${str(run['run_number'])} in ${repo.full_name} failed on ${branch}` +
      `${run['event'] ? ` (${str(run['event'])})` : ''}, started ${started}.`,
    score: 1,
  };
}

/** ISO 8601 to the second, as GitHub's search qualifiers and `created` ranges take it. */
function githubTime(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function finish(items: SourceItem[], summary: string): StrategyResult {
  items.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return { items: items.slice(0, MAX_ITEMS), summary };
}

/** A listed item answers the routed question by being listed; keyword overlap only ranks. */
function routedScore(queryKeywords: readonly string[], content: string, title: string): number {
  return scaled(0.3, queryKeywords, content, title);
}

function scaled(floor: number, queryKeywords: readonly string[], content: string, title: string): number {
  return Number((floor + (1 - floor) * overlapScore(queryKeywords, content, title)).toFixed(3));
}

function describeTool(tool: string): string {
  const names: Record<string, string> = {
    list_pull_requests: 'Pull requests',
    list_issues: 'Issues',
    list_commits: 'Recent commits',
    list_branches: 'Branches',
    get_workflow_runs: 'Workflow runs',
  };
  return names[tool] ?? tool;
}

function records(value: unknown): Record<string, unknown>[] {
  return (Array.isArray(value) ? value : []).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function url(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function day(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 10) : 'unknown date';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
