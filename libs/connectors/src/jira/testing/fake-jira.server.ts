import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Jira Cloud's REST v3 API, serving the response shapes (and the
 * `{"errorMessages":[...],"errors":{}}` error body) of the real endpoints Mosaic calls,
 * with Basic auth, startAt pagination and injectable faults. Tests only.
 */

export interface FakeJiraUser {
  accountId: string;
  displayName: string;
  emailAddress?: string;
}

export interface FakeJiraIssue {
  key: string;
  summary: string;
  status: string;
  priority: string;
  assignee: FakeJiraUser | null;
  reporter: FakeJiraUser;
  issueType: string;
  labels: string[];
  created: string;
  updated: string;
  description: string;
  watchers?: FakeJiraUser[];
}

export interface FakeJiraRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body?: unknown;
}

export const FAKE_JIRA_EMAIL = 'mosaic-bot@northwind.example';
export const FAKE_JIRA_TOKEN = 'ATATT3xFfGF0-fake-jira-token-1234567890';

const ME: FakeJiraUser = { accountId: '5b10a2844c20165700ede21g', displayName: 'Mosaic Bot', emailAddress: FAKE_JIRA_EMAIL };
const DANA: FakeJiraUser = { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Dana Whitfield', emailAddress: 'dana@northwind.example' };
const SAM: FakeJiraUser = { accountId: '5b109f2e9729b51b54dc274d', displayName: 'Sam Ortega' };

export const FAKE_PROJECTS = [
  { id: '10000', key: 'NW', name: 'Northwind Support', projectTypeKey: 'software' },
  { id: '10001', key: 'OPS', name: 'Operations', projectTypeKey: 'business' },
  { id: '10002', key: 'MOB', name: 'Mobile App', projectTypeKey: 'software' },
];

export function fixtureIssues(): FakeJiraIssue[] {
  return [
    {
      key: 'NW-101',
      summary: 'Acme Corp checkout outage: payments failing with 502',
      status: 'In Progress',
      priority: 'Highest',
      assignee: DANA,
      reporter: SAM,
      issueType: 'Bug',
      labels: ['acme', 'outage', 'payments'],
      created: '2024-05-02T08:11:00.000+0000',
      updated: '2024-05-03T10:15:30.000+0000',
      description: 'Acme Corp reports checkout errors since 08:00 UTC.\nThe payment gateway returns 502 for card payments.',
    },
    {
      key: 'NW-102',
      summary: 'Refund not issued for cancelled order ORD-2231',
      status: 'To Do',
      priority: 'High',
      assignee: ME,
      reporter: DANA,
      issueType: 'Bug',
      labels: ['refund'],
      created: '2024-04-28T14:00:00.000+0000',
      updated: '2024-05-01T09:00:00.000+0000',
      description: 'Customer cancelled within 30 days but the refund job skipped the order.',
    },
    {
      key: 'NW-103',
      summary: 'Escalation: Acme Corp enterprise account needs on-call follow-up',
      status: 'Done',
      priority: 'Medium',
      assignee: SAM,
      reporter: ME,
      issueType: 'Task',
      labels: ['escalation'],
      created: '2024-04-20T10:00:00.000+0000',
      updated: '2024-04-22T16:45:00.000+0000',
      description: 'Escalated per runbook; account manager informed.',
    },
    {
      key: 'NW-104',
      summary: 'Update onboarding checklist for new support agents',
      status: 'To Do',
      priority: 'Low',
      assignee: null,
      reporter: DANA,
      issueType: 'Story',
      labels: [],
      created: '2024-04-10T10:00:00.000+0000',
      updated: '2024-04-11T10:00:00.000+0000',
      description: '',
    },
  ];
}

/** The "what you missed" window the digest specs use: the bot account's previous login, and now. */
export const DIGEST_SINCE = '2024-05-01T12:00:00Z';
export const DIGEST_UNTIL = '2024-05-03T12:00:00Z';

/**
 * Issues for the digest specs, added to the fixtures: the account's own (assigned, reported,
 * watched) updated within the window, one updated after it, and someone else's within it.
 * NW-102 (assigned to the account) was updated three hours before the window.
 */
export function digestIssues(): FakeJiraIssue[] {
  const issue = (key: string, summary: string, fields: Partial<FakeJiraIssue>): FakeJiraIssue => ({
    key,
    summary,
    status: 'To Do',
    priority: 'Medium',
    assignee: null,
    reporter: DANA,
    issueType: 'Task',
    labels: [],
    created: '2024-04-30T09:00:00.000+0000',
    updated: '2024-04-30T09:00:00.000+0000',
    description: '',
    ...fields,
  });
  return [
    issue('NW-105', 'Refund job skips orders cancelled on weekends', { assignee: ME, reporter: ME, priority: 'High', updated: '2024-05-02T09:30:00.000+0000' }),
    issue('OPS-7', 'Rotate the payment gateway API keys', { assignee: DANA, reporter: ME, status: 'In Progress', updated: '2024-05-02T15:00:00.000+0000' }),
    issue('NW-107', 'Acme Corp asks for an outage credit', { assignee: SAM, watchers: [ME, DANA], updated: '2024-05-03T08:00:00.000+0000' }),
    issue('NW-108', 'Nightly export timed out', { assignee: ME, updated: '2024-05-03T13:00:00.000+0000' }),
    issue('MOB-3', 'Crash on the order history screen', { assignee: DANA, reporter: SAM, updated: '2024-05-02T10:00:00.000+0000' }),
  ];
}

type Fault = { kind: 'status'; status: number } | { kind: 'rate_limit'; retryAfter: number } | { kind: 'hang' };

export class FakeJiraServer {
  readonly requests: FakeJiraRequest[] = [];
  readonly issues = new Map<string, FakeJiraIssue>();
  /** Jira caps maxResults; tests lower this to force several pages. */
  pageSizeCap = 50;
  private readonly faults: Fault[] = [];
  private nextIssueNumber = 200;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly email: string,
    private readonly apiToken: string,
  ) {
    for (const issue of fixtureIssues()) this.issues.set(issue.key, issue);
  }

  static async start(options: { email?: string; apiToken?: string } = {}): Promise<FakeJiraServer> {
    const holder: { fake?: FakeJiraServer } = {};
    const server = createServer((req, res) => void holder.fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeJiraServer(server, `http://127.0.0.1:${port}`, options.email ?? FAKE_JIRA_EMAIL, options.apiToken ?? FAKE_JIRA_TOKEN);
    return holder.fake;
  }

  /** The next `times` requests get HTTP `status` (default 500). */
  failNext(times: number, status = 500): void {
    for (let i = 0; i < times; i++) this.faults.push({ kind: 'status', status });
  }

  /** The next `times` requests get 429 with `Retry-After: retryAfter`. */
  rateLimitNext(retryAfter: number, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ kind: 'rate_limit', retryAfter });
  }

  /** The next `times` requests never get an answer. */
  hangNext(times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ kind: 'hang' });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    const request: FakeJiraRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: raw ? safeJson(raw) : undefined,
    };
    this.requests.push(request);

    const fault = this.faults.shift();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'rate_limit') {
      res.setHeader('Retry-After', String(fault.retryAfter));
      return sendError(res, 429, ['Rate limit exceeded.']);
    }
    if (fault?.kind === 'status') return sendError(res, fault.status, ['Internal server error']);

    const expected = `Basic ${Buffer.from(`${this.email}:${this.apiToken}`).toString('base64')}`;
    if (request.authorization !== expected) {
      res.setHeader('WWW-Authenticate', 'Basic realm="protected-area"');
      return sendError(res, 401, ['You are not authenticated. Authentication required to perform this operation.']);
    }
    this.route(request, res);
  }

  private route(req: FakeJiraRequest, res: ServerResponse): void {
    const issueMatch = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && req.path === '/rest/api/3/project/search') return this.projectSearch(req, res);
    if (req.method === 'GET' && req.path === '/rest/api/3/search') return this.search(req, res);
    if (req.method === 'POST' && req.path === '/rest/api/3/issue') return this.create(req, res);
    if (issueMatch && req.method === 'GET') return this.getIssue(decodeURIComponent(issueMatch[1]!), req, res);
    if (issueMatch && req.method === 'PUT') return this.update(decodeURIComponent(issueMatch[1]!), req, res);
    sendError(res, 404, ['Not found']);
  }

  private projectSearch(req: FakeJiraRequest, res: ServerResponse): void {
    const { startAt, maxResults } = this.paging(req.query);
    const filter = (req.query.get('query') ?? '').toLowerCase();
    const all = FAKE_PROJECTS.filter((p) => !filter || p.key.toLowerCase().includes(filter) || p.name.toLowerCase().includes(filter));
    const values = all.slice(startAt, startAt + maxResults).map((p) => ({
      expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
      self: `${this.url}/rest/api/3/project/${p.id}`,
      ...p,
      avatarUrls: { '48x48': `${this.url}/rest/api/3/universal_avatar/view/type/project/avatar/10400` },
      simplified: false,
      style: 'classic',
      isPrivate: false,
      properties: {},
    }));
    sendJson(res, 200, {
      self: `${this.url}/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}`,
      ...(startAt + values.length < all.length
        ? { nextPage: `${this.url}/rest/api/3/project/search?startAt=${startAt + values.length}&maxResults=${maxResults}` }
        : {}),
      maxResults,
      startAt,
      total: all.length,
      isLast: startAt + values.length >= all.length,
      values,
    });
  }

  private search(req: FakeJiraRequest, res: ServerResponse): void {
    const jql = req.query.get('jql') ?? '';
    const matcher = compileJql(jql, this.email);
    if (typeof matcher === 'string') {
      return sendError(res, 400, [`Error in the JQL Query: ${matcher} (line 1, character 1)`]);
    }
    const { startAt, maxResults } = this.paging(req.query);
    const fields = (req.query.get('fields') ?? '*navigable').split(',');
    const matches = [...this.issues.values()].filter(matcher).sort((a, b) => b.updated.localeCompare(a.updated));
    sendJson(res, 200, {
      expand: 'schema,names',
      startAt,
      maxResults,
      total: matches.length,
      issues: matches.slice(startAt, startAt + maxResults).map((issue) => this.issueJson(issue, fields)),
    });
  }

  private getIssue(key: string, req: FakeJiraRequest, res: ServerResponse): void {
    const issue = this.issues.get(key.toUpperCase());
    if (!issue) return sendError(res, 404, ['Issue does not exist or you do not have permission to see it.']);
    sendJson(res, 200, this.issueJson(issue, (req.query.get('fields') ?? '*all').split(',')));
  }

  private create(req: FakeJiraRequest, res: ServerResponse): void {
    const fields = (req.body as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
    const projectKey = (fields['project'] as { key?: string } | undefined)?.key;
    const errors: Record<string, string> = {};
    if (!FAKE_PROJECTS.some((p) => p.key === projectKey)) errors['project'] = 'valid project is required';
    if (typeof fields['summary'] !== 'string' || !fields['summary']) errors['summary'] = 'You must specify a summary of the issue.';
    if (Object.keys(errors).length) return sendError(res, 400, [], errors);
    const key = `${projectKey}-${this.nextIssueNumber++}`;
    const now = new Date().toISOString().replace('Z', '+0000');
    this.issues.set(key, {
      key,
      summary: fields['summary'] as string,
      status: 'To Do',
      priority: (fields['priority'] as { name?: string } | undefined)?.name ?? 'Medium',
      assignee: null,
      reporter: ME,
      issueType: (fields['issuetype'] as { name?: string } | undefined)?.name ?? 'Task',
      labels: (fields['labels'] as string[] | undefined) ?? [],
      created: now,
      updated: now,
      description: adfText(fields['description']),
    });
    sendJson(res, 201, { id: String(20000 + this.nextIssueNumber), key, self: `${this.url}/rest/api/3/issue/${key}` });
  }

  private update(key: string, req: FakeJiraRequest, res: ServerResponse): void {
    const issue = this.issues.get(key);
    if (!issue) return sendError(res, 404, ['Issue does not exist or you do not have permission to see it.']);
    const fields = (req.body as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
    if (typeof fields['summary'] === 'string') issue.summary = fields['summary'];
    if (fields['description'] !== undefined) issue.description = adfText(fields['description']);
    if (fields['priority']) issue.priority = (fields['priority'] as { name: string }).name;
    if (Array.isArray(fields['labels'])) issue.labels = fields['labels'] as string[];
    issue.updated = new Date().toISOString().replace('Z', '+0000');
    res.writeHead(204).end();
  }

  private paging(query: URLSearchParams): { startAt: number; maxResults: number } {
    const startAt = Math.max(0, Number(query.get('startAt') ?? 0) || 0);
    const asked = Number(query.get('maxResults') ?? 50) || 50;
    return { startAt, maxResults: Math.min(asked, this.pageSizeCap) };
  }

  private issueJson(issue: FakeJiraIssue, fields: string[]): Record<string, unknown> {
    const user = (u: FakeJiraUser | null) =>
      u && { self: `${this.url}/rest/api/3/user?accountId=${u.accountId}`, ...u, active: true, timeZone: 'Europe/London', accountType: 'atlassian' };
    const all: Record<string, unknown> = {
      summary: issue.summary,
      status: { self: `${this.url}/rest/api/3/status/3`, name: issue.status, id: '3', statusCategory: { key: statusCategory(issue.status) } },
      priority: { self: `${this.url}/rest/api/3/priority/2`, name: issue.priority, id: '2' },
      assignee: user(issue.assignee),
      reporter: user(issue.reporter),
      issuetype: { name: issue.issueType, subtask: false },
      project: FAKE_PROJECTS.find((p) => issue.key.startsWith(`${p.key}-`)),
      labels: issue.labels,
      created: issue.created,
      updated: issue.updated,
      description: issue.description
        ? {
            type: 'doc',
            version: 1,
            content: issue.description.split('\n').map((line) => ({ type: 'paragraph', content: [{ type: 'text', text: line }] })),
          }
        : null,
    };
    const wanted = fields.includes('*all') || fields.includes('*navigable') ? Object.keys(all) : fields;
    return {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: String(10_000 + Number(issue.key.split('-')[1])),
      self: `${this.url}/rest/api/3/issue/${issue.key}`,
      key: issue.key,
      fields: Object.fromEntries(wanted.filter((f) => f in all).map((f) => [f, all[f]])),
    };
  }
}

function statusCategory(status: string): string {
  return status === 'Done' ? 'done' : status === 'To Do' ? 'new' : 'indeterminate';
}

/**
 * The slice of JQL the tests need: `text ~ "..."` (every word, case-insensitive prefix
 * match), a parenthesised OR of those, `project = KEY`, `assignee`/`reporter`/`watcher =
 * currentUser()`, `updated`/`created` compared with a date, joined by AND, with an optional
 * ORDER BY. Anything else is a JQL error, as on a real site.
 */
function compileJql(jql: string, myEmail: string): ((issue: FakeJiraIssue) => boolean) | string {
  const where = jql.replace(/\s+ORDER\s+BY\s+.*$/i, '').trim();
  if (!where) return () => true;
  const clauses = where.split(/\s+AND\s+/i).map((clause) => compileClause(clause.trim(), myEmail));
  const bad = clauses.find((c) => typeof c === 'string');
  if (bad) return bad as string;
  return (issue) => (clauses as Array<(i: FakeJiraIssue) => boolean>).every((c) => c(issue));
}

function compileClause(clause: string, myEmail: string): ((issue: FakeJiraIssue) => boolean) | string {
  if (clause.startsWith('(') && clause.endsWith(')')) {
    const parts = clause.slice(1, -1).split(/\s+OR\s+/i).map((part) => compileClause(part.trim(), myEmail));
    const bad = parts.find((p) => typeof p === 'string');
    if (bad) return bad as string;
    return (issue) => (parts as Array<(i: FakeJiraIssue) => boolean>).some((p) => p(issue));
  }
  const text = /^text\s*~\s*"([^"]*)"$/i.exec(clause);
  if (text) {
    const words = text[1]!.toLowerCase().split(/\s+/).filter(Boolean);
    return (issue) => {
      const haystack = `${issue.summary} ${issue.description} ${issue.labels.join(' ')}`.toLowerCase().split(/[^a-z0-9]+/);
      return words.every((w) => haystack.some((h) => h.startsWith(w.replace(/s$/, ''))));
    };
  }
  const project = /^project\s*=\s*"?([A-Z][A-Z0-9_]+)"?$/.exec(clause);
  if (project) return (issue) => issue.key.startsWith(`${project[1]}-`);
  if (/^assignee\s*=\s*currentUser\(\)$/i.test(clause)) return (issue) => issue.assignee?.emailAddress === myEmail;
  if (/^reporter\s*=\s*currentUser\(\)$/i.test(clause)) return (issue) => issue.reporter.emailAddress === myEmail;
  if (/^watcher\s*=\s*currentUser\(\)$/i.test(clause)) return (issue) => (issue.watchers ?? []).some((w) => w.emailAddress === myEmail);
  // Jira reads "yyyy-MM-dd HH:mm" (or yyyy/MM/dd, time optional) in the user's time zone; the fake's users live in UTC.
  const date = /^(updated|created)\s*(>=|<=|>|<|=)\s*"?(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+(\d{2}):(\d{2}))?"?$/i.exec(clause);
  if (date) {
    const [, field, op, year, month, day, hour = '00', minute = '00'] = date;
    const bound = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute));
    const at = (issue: FakeJiraIssue) => Date.parse((field!.toLowerCase() === 'updated' ? issue.updated : issue.created).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    const tests: Record<string, (t: number) => boolean> = {
      '>=': (t) => t >= bound,
      '>': (t) => t > bound,
      '<=': (t) => t <= bound,
      '<': (t) => t < bound,
      '=': (t) => t === bound,
    };
    return (issue) => tests[op!]!(at(issue));
  }
  return `The JQL clause '${clause}' is not supported by the fake`;
}

function adfText(value: unknown): string {
  const doc = value as { content?: Array<{ content?: Array<{ text?: string }> }> } | undefined;
  return (doc?.content ?? []).map((p) => (p.content ?? []).map((t) => t.text ?? '').join('')).join('\n');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

function sendError(res: ServerResponse, status: number, errorMessages: string[], errors: Record<string, string> = {}): void {
  sendJson(res, status, { errorMessages, errors });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
