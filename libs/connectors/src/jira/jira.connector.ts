import { SourceItem } from '@mosaic/contracts';
import { keywords, overlapScore, searchTerms } from '@mosaic/llm';
import { ConnectorDefinition, DigestWindow, directRoute, StrategyResult, ToolCaller } from '../connector';
import { DigestBounds, digestBounds, formatLocal, instantOf, isWithin } from '../digest-window';
import { builtServerEntry } from '../paths';

const MAX_ITEMS = 8;
const SEARCH_LIMIT = 20;
/** Issues Jira matched but whose one-line summary shares no word with the question still count a little. */
const MATCHED_FLOOR = 0.2;
const ISSUE_KEY = /\b([A-Z][A-Z0-9_]+-\d+)\b/;
export const ASSIGNED_TO_ME_JQL = 'assignee = currentUser() ORDER BY updated DESC';
/** Words that pick Jira as a source but would only narrow a text search to nothing. */
const FILLER = new Set([
  'jira', 'ticket', 'tickets', 'issue', 'issues', 'mention', 'mentions', 'mentioned', 'related', 'regarding',
  'latest', 'recent', 'recently', 'currently', 'anyone', 'working', 'filed', 'logged', 'raised',
]);

/** Jira Cloud through our own MCP server (REST v3, Basic auth with an API token). */
export const jiraConnector: ConnectorDefinition = {
  metadata: {
    id: 'jira',
    name: 'Jira',
    description: 'Issues, bugs, epics and projects tracked in Jira',
    icon: 'trello',
  },
  keywords: [
    'jira', 'ticket', 'issue', 'bug', 'sprint', 'epic', 'story', 'backlog', 'assigned', 'assignee', 'project',
    'blocker', 'blocked', 'task', 'subtask', 'kanban', 'board', 'release', 'regression', 'triage', 'jql',
  ],
  probe: { tool: 'list_projects', args: { max_items: 1 } },
  credentialFields: [
    { name: 'url', label: 'Jira site URL (https://<site>.atlassian.net)', type: 'url', required: true, envVar: 'JIRA_URL' },
    { name: 'email', label: 'Atlassian account email', type: 'text', required: true, envVar: 'JIRA_EMAIL' },
    { name: 'api_token', label: 'API token', type: 'password', required: true, envVar: 'JIRA_API_TOKEN' },
  ],
  directRouting: [
    { keywords: ['projects'], tool: 'list_projects' },
    { keywords: ['assigned to me', 'my issues', 'my tickets'], tool: 'query_jira', args: { jql: ASSIGNED_TO_ME_JQL } },
  ],
  // Only the three credentials: the worker's environment never reaches the server, and
  // JIRA_ALLOW_WRITES is set only for a request that explicitly allows writes.
  launch: (credentials, options) => ({
    kind: 'stdio',
    command: process.execPath,
    args: [builtServerEntry('jira/jira-mcp.main.js')],
    env: {
      JIRA_URL: credentials['url'] ?? '',
      JIRA_EMAIL: credentials['email'] ?? '',
      JIRA_API_TOKEN: credentials['api_token'] ?? '',
      ...(options?.allowWrites ? { JIRA_ALLOW_WRITES: 'true' } : {}),
    },
  }),
  localStrategy: (query, call) => answerFromJira(query, call),
  digestStrategy: (window, call) => jiraDigest(window, call),
};

/** What `query_jira` and `get_issue` return per issue (the fields the items use). */
interface IssueRow {
  key: string;
  summary: string;
  status: string | null;
  priority: string | null;
  assignee: string | null;
  updated: string | null;
  url: string;
  description?: string;
}

export async function answerFromJira(query: string, call: ToolCaller): Promise<StrategyResult> {
  const key = ISSUE_KEY.exec(query)?.[1];
  if (key) {
    const result = await call('get_issue', { key });
    if (!result.ok) throw new Error(`get_issue failed: ${result.text}`);
    const issue = parseIssues(result.structured ?? safeJson(result.text))[0];
    if (!issue) return { items: [], summary: `Jira returned nothing readable for ${key}.` };
    return { items: [issueItem(issue, 'get_issue', 1)], summary: `Read issue ${issue.key}.` };
  }

  const route = directRoute(jiraConnector, query);
  if (route?.tool === 'list_projects') {
    const result = await call('list_projects', { max_items: 50 });
    if (!result.ok) throw new Error(`list_projects failed: ${result.text}`);
    const projects = parseProjects(result.structured ?? safeJson(result.text));
    return {
      summary: `Listed ${projects.length} Jira project(s).`,
      items: projects.map((p) => ({
        id: p.key,
        title: `${p.key} ${p.name}`,
        url: p.url,
        tool: 'list_projects',
        content: `Jira project ${p.key}: ${p.name}`,
        score: 1,
      })),
    };
  }

  if (route?.tool === 'query_jira') {
    const issues = await runJql(call, String(route.args?.['jql'] ?? ASSIGNED_TO_ME_JQL));
    return rank(issues, [], 'assigned to you', 1);
  }

  const terms = jiraSearchTerms(query);
  if (terms.length === 0) return { items: [], summary: 'The question has no searchable terms.' };
  let issues = await runJql(call, textJql(terms));
  // Jira's text ~ "a b" wants every word; when that finds nothing, any word will do.
  if (issues.length === 0 && terms.length > 1) issues = await runJql(call, anyTermJql(terms));
  // Scored against the search terms: "jira" or "ticket" in the question says nothing about relevance.
  return rank(issues, keywords(terms.join(' ')), `matching ${terms.join(', ')}`, MATCHED_FLOOR);
}

/** The question's content words, cleaned for a JQL string literal. */
export function jiraSearchTerms(query: string): string[] {
  const words = searchTerms(query)
    .map((t) => t.replace(/[^a-z0-9]+/g, ' ').trim())
    .flatMap((t) => t.split(' '))
    .filter((t) => t.length >= 3 && !FILLER.has(t));
  return [...new Set(words)];
}

export function textJql(terms: readonly string[]): string {
  return `text ~ "${terms.join(' ')}" ORDER BY updated DESC`;
}

function anyTermJql(terms: readonly string[]): string {
  return `(${terms.map((t) => `text ~ "${t}"`).join(' OR ')}) ORDER BY updated DESC`;
}

async function runJql(call: ToolCaller, jql: string): Promise<IssueRow[]> {
  const result = await call('query_jira', { jql, max_items: SEARCH_LIMIT });
  if (!result.ok) throw new Error(`query_jira failed: ${result.text}`);
  return parseIssues(result.structured ?? safeJson(result.text));
}

function rank(issues: IssueRow[], queryKeywords: readonly string[], what: string, floor: number): StrategyResult {
  const items = issues.map((issue) => {
    const content = issueLine(issue);
    return issueItem(issue, 'query_jira', Math.max(floor, overlapScore(queryKeywords, content, issue.summary)));
  });
  items.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  const top = items.slice(0, MAX_ITEMS);
  return {
    items: top,
    summary: top.length ? `Found ${issues.length} Jira issue(s) ${what}; kept the ${top.length} most relevant.` : `No Jira issues ${what}.`,
  };
}

function issueItem(issue: IssueRow, tool: string, score: number): SourceItem {
  const description = issue.description?.replace(/\s+/g, ' ').trim();
  const line = issueLine(issue);
  return {
    id: issue.key,
    title: `${issue.key}: ${issue.summary}`,
    url: issue.url,
    tool,
    content: description ? `${line}; description: ${truncate(description, 600)}` : line,
    score: Number(Math.min(1, score).toFixed(3)),
  };
}

/** One line: summary, status, priority, assignee, updated. */
export function issueLine(issue: IssueRow): string {
  return [
    issue.summary,
    `status: ${issue.status ?? 'unknown'}`,
    `priority: ${issue.priority ?? 'none'}`,
    `assignee: ${issue.assignee ?? 'unassigned'}`,
    issue.updated ? `updated: ${issue.updated.slice(0, 10)}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
}

export function parseIssues(value: unknown): IssueRow[] {
  const container = value as { issues?: unknown; key?: unknown } | undefined;
  const list = Array.isArray(container?.issues) ? container.issues : typeof container?.key === 'string' ? [container] : [];
  return (list as IssueRow[]).filter((i) => i && typeof i.key === 'string' && typeof i.url === 'string').map((i) => ({
    ...i,
    summary: typeof i.summary === 'string' ? i.summary : '',
  }));
}

function parseProjects(value: unknown): Array<{ key: string; name: string; url: string }> {
  const list = (value as { projects?: unknown } | undefined)?.projects;
  return Array.isArray(list) ? list.filter((p) => p && typeof p.key === 'string' && typeof p.name === 'string') : [];
}

// ---- "What you missed" -------------------------------------------------------------------

const DIGEST_MAX_ITEMS = 20;
const DIGEST_SCANNED = 50;
/**
 * Jira reads a JQL date in the user's profile time zone, which we do not know: asking from this
 * much before `since` covers every zone (UTC-12 to UTC+14); the exact bound is applied afterwards.
 */
const JQL_ZONE_SLACK_MS = 14 * 60 * 60 * 1000;

/** The account's roles in an issue, most telling first: an issue found as several counts as the first. */
const DIGEST_ROLES = [
  { field: 'assignee', label: 'assigned to you' },
  { field: 'reporter', label: 'you reported' },
  { field: 'watcher', label: 'you watch' },
] as const;

/**
 * Issues assigned to the user (the account the API token belongs to, `currentUser()`), then those
 * they reported or watch, updated within the window, newest first.
 */
export async function jiraDigest(window: DigestWindow, call: ToolCaller): Promise<StrategyResult> {
  const bounds = digestBounds(window);
  const from = jqlDate(bounds.since - JQL_ZONE_SLACK_MS);
  const found = new Map<string, { issue: IssueRow; role: string; at: number }>();
  for (const role of DIGEST_ROLES) {
    const jql = `${role.field} = currentUser() AND updated >= "${from}" ORDER BY updated DESC`;
    const result = await call('query_jira', { jql, max_items: DIGEST_SCANNED });
    if (!result.ok) throw new Error(`query_jira failed: ${result.text}`);
    for (const issue of parseIssues(result.structured ?? safeJson(result.text))) {
      if (found.has(issue.key) || !isWithin(bounds, issue.updated)) continue;
      found.set(issue.key, { issue, role: role.label, at: instantOf(issue.updated!) });
    }
  }
  const updated = [...found.values()].sort((a, b) => b.at - a.at || a.issue.key.localeCompare(b.issue.key));
  const counts = DIGEST_ROLES.map((r) => `${updated.filter((u) => u.role === r.label).length} ${r.label}`);
  return {
    items: updated.slice(0, DIGEST_MAX_ITEMS).map(({ issue, role, at }) => digestItem(issue, role, at, bounds)),
    summary: `Since ${window.since}: ${updated.length} Jira issue(s) updated (${counts.join(', ')}).`,
  };
}

function digestItem(issue: IssueRow, role: string, at: number, bounds: DigestBounds): SourceItem {
  const when = `${formatLocal(bounds.timeZone, at)} ${bounds.timeZone}`;
  return {
    id: issue.key,
    title: `${issue.key} (${role}) updated: ${issue.summary}`,
    url: issue.url,
    tool: 'query_jira',
    content: `Issue ${issue.key}, ${role}, was updated ${when}: ${issueLine({ ...issue, updated: null })}.`,
    score: 1,
  };
}

/** `yyyy-MM-dd HH:mm` in UTC, a date format JQL accepts. */
function jqlDate(instant: number): string {
  return new Date(instant).toISOString().slice(0, 16).replace('T', ' ');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
