import { z } from 'zod/v4';
import {
  abortableSleep,
  AbortedError,
  fetchJson,
  networkReason,
  RawResponse,
  redactSecrets,
  RetryPolicy,
  RetryVerdict,
  withRetries,
} from '../http/api-request';
import { JiraApiErrorCode, JiraApiException } from './jira-api.exception';
import {
  CreatedIssue,
  CreatedIssueSchema,
  ErrorBodySchema,
  Issue,
  IssueSchema,
  Project,
  ProjectSearchPageSchema,
  SearchPageSchema,
} from './jira-api.schemas';

/** Jira Cloud's page-size ceiling for search and project listing. */
export const MAX_PAGE_SIZE = 100;
/** The issue fields `search` asks for: what a one-line summary of an issue needs. */
export const SEARCH_FIELDS = ['summary', 'status', 'priority', 'assignee', 'updated'] as const;
const ISSUE_FIELDS = [...SEARCH_FIELDS, 'reporter', 'issuetype', 'project', 'labels', 'created', 'description'];

export interface JiraApiClientOptions {
  /** `https://<site>.atlassian.net`; issue links are `<baseUrl>/browse/<KEY>`. */
  baseUrl: string;
  email: string;
  /** Sent only inside `Authorization: Basic`; never logged, never part of an error message. */
  apiToken: string;
  /** Per HTTP request, including reading the body. */
  timeoutMs?: number;
  /** A 429 whose Retry-After is at most this long is waited out once; a longer one fails at once. */
  maxRateLimitWaitMs?: number;
  /** Delays before each retry of a 5xx or unreachable Jira (idempotent requests only). */
  serverErrorRetryDelaysMs?: readonly number[];
  /** Most pages one listing follows, whatever `maxItems` says. */
  maxPages?: number;
  fetch?: typeof fetch;
}

export interface ListOptions {
  /** Most items returned across pages. */
  maxItems?: number;
  signal?: AbortSignal;
}

/** One listing, possibly gathered from several pages. */
export interface Page<T> {
  items: T[];
  /** True when Jira had more than was returned (item or page bound reached). */
  truncated: boolean;
  /** Jira's own count, when it reports one. */
  total?: number;
}

export interface CreateIssueInput {
  project: string;
  summary: string;
  issueType: string;
  /** Atlassian Document Format. */
  description?: Record<string, unknown>;
  priority?: string;
  labels?: string[];
}

export interface UpdateIssueInput {
  summary?: string;
  description?: Record<string, unknown>;
  priority?: string;
  labels?: string[];
}


type Query = Record<string, string | number | undefined>;

const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);
/** A 429 without Retry-After: Atlassian's guidance is to back off for about a minute. */
const UNSPECIFIED_RATE_LIMIT_WAIT_S = 60;
const DEFAULT_MAX_ITEMS = 50;

/**
 * Jira Cloud REST v3 over `fetch`: Basic auth, bounded startAt pagination, one short wait
 * on a 429, bounded retries with backoff on 5xx, a timeout per request and the caller's
 * AbortSignal. Every failure is a JiraApiException with a code and a message free of credentials.
 */
export class JiraApiClient {
  readonly baseUrl: string;
  private readonly authorization: string;
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly maxPages: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: JiraApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const basic = Buffer.from(`${options.email}:${options.apiToken}`).toString('base64');
    this.authorization = `Basic ${basic}`;
    this.secrets = [options.apiToken, basic].filter((s) => s.length >= 4);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 5_000;
    this.retryDelaysMs = options.serverErrorRetryDelaysMs ?? [500, 1_500];
    this.maxPages = options.maxPages ?? 10;
    this.fetchImpl = options.fetch ?? fetch;
  }

  browseUrl(key: string): string {
    return `${this.baseUrl}/browse/${encodeURIComponent(key)}`;
  }

  /** GET /rest/api/3/project/search, following startAt until isLast. */
  async listProjects(options: ListOptions & { query?: string } = {}): Promise<Page<Project>> {
    const maxItems = Math.max(1, options.maxItems ?? DEFAULT_MAX_ITEMS);
    const items: Project[] = [];
    let total: number | undefined;
    for (let page = 0; page < this.maxPages; page++) {
      const body = await this.request('GET', '/rest/api/3/project/search', {
        query: { startAt: items.length, maxResults: Math.min(MAX_PAGE_SIZE, maxItems - items.length), query: options.query, orderBy: 'key' },
        signal: options.signal,
        what: 'project search',
      });
      const parsed = this.parse(ProjectSearchPageSchema, body, 'project search');
      total = parsed.total ?? total;
      items.push(...parsed.values);
      const last = parsed.isLast ?? (parsed.values.length === 0 || (total !== undefined && items.length >= total));
      if (last || parsed.values.length === 0) return { items: items.slice(0, maxItems), truncated: items.length > maxItems, total };
      if (items.length >= maxItems) return { items: items.slice(0, maxItems), truncated: true, total };
    }
    return { items: items.slice(0, maxItems), truncated: true, total };
  }

  /** GET /rest/api/3/search with JQL, following startAt until `total` is reached. */
  async search(jql: string, options: ListOptions = {}): Promise<Page<Issue>> {
    const maxItems = Math.max(1, options.maxItems ?? DEFAULT_MAX_ITEMS);
    const items: Issue[] = [];
    let total = 0;
    for (let page = 0; page < this.maxPages; page++) {
      const body = await this.request('GET', '/rest/api/3/search', {
        query: {
          jql,
          startAt: items.length,
          maxResults: Math.min(MAX_PAGE_SIZE, maxItems - items.length),
          fields: SEARCH_FIELDS.join(','),
        },
        signal: options.signal,
        what: 'issue search',
      });
      const parsed = this.parse(SearchPageSchema, body, 'issue search');
      total = parsed.total;
      items.push(...parsed.issues);
      if (parsed.issues.length === 0 || items.length >= total) return { items, truncated: false, total };
      if (items.length >= maxItems) return { items: items.slice(0, maxItems), truncated: true, total };
    }
    return { items: items.slice(0, maxItems), truncated: items.length < total, total };
  }

  /** GET /rest/api/3/issue/{key} */
  async getIssue(key: string, options: { signal?: AbortSignal } = {}): Promise<Issue> {
    const body = await this.request('GET', `/rest/api/3/issue/${encodeURIComponent(key)}`, {
      query: { fields: ISSUE_FIELDS.join(',') },
      signal: options.signal,
      what: `issue ${key}`,
    });
    return this.parse(IssueSchema, body, `issue ${key}`);
  }

  /** POST /rest/api/3/issue. Never retried on 5xx: a lost answer may still have created the issue. */
  async createIssue(input: CreateIssueInput, options: { signal?: AbortSignal } = {}): Promise<CreatedIssue> {
    const fields: Record<string, unknown> = {
      project: { key: input.project },
      summary: input.summary,
      issuetype: { name: input.issueType },
    };
    if (input.description) fields['description'] = input.description;
    if (input.priority) fields['priority'] = { name: input.priority };
    if (input.labels) fields['labels'] = input.labels;
    const body = await this.request('POST', '/rest/api/3/issue', {
      payload: { fields },
      signal: options.signal,
      what: `issue creation in ${input.project}`,
      idempotent: false,
    });
    return this.parse(CreatedIssueSchema, body, 'issue creation');
  }

  /** PUT /rest/api/3/issue/{key}; Jira answers 204 with no body. */
  async updateIssue(key: string, input: UpdateIssueInput, options: { signal?: AbortSignal } = {}): Promise<string[]> {
    const fields: Record<string, unknown> = {};
    if (input.summary !== undefined) fields['summary'] = input.summary;
    if (input.description !== undefined) fields['description'] = input.description;
    if (input.priority !== undefined) fields['priority'] = { name: input.priority };
    if (input.labels !== undefined) fields['labels'] = input.labels;
    await this.request('PUT', `/rest/api/3/issue/${encodeURIComponent(key)}`, {
      payload: { fields },
      signal: options.signal,
      what: `update of issue ${key}`,
    });
    return Object.keys(fields);
  }

  private async request(
    method: string,
    path: string,
    options: { query?: Query; payload?: unknown; signal?: AbortSignal; what: string; idempotent?: boolean },
  ): Promise<unknown> {
    const { what, signal } = options;
    const idempotent = options.idempotent ?? true;
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    const policy: RetryPolicy = {
      serverErrorDelaysMs: idempotent ? this.retryDelaysMs : [],
      rateLimitRetries: 1,
      maxRateLimitWaitMs: this.maxRateLimitWaitMs,
    };
    const response = await withRetries(
      policy,
      () => this.attempt(method, url, options.payload, signal, what),
      (outcome) => this.classify(outcome, what),
      (ms) => abortableSleep(ms, signal, this.aborted(what)),
    );
    return response.body;
  }

  private classify(outcome: RawResponse | { error: unknown }, what: string): RetryVerdict<RawResponse> {
    if ('error' in outcome) {
      return {
        serverError: () =>
          this.fail(JiraApiErrorCode.Unavailable, `jira is unreachable (${what}: ${networkReason(outcome.error)})`, { cause: outcome.error }),
      };
    }
    const { status, headers, body } = outcome;
    if (status >= 200 && status < 300) return { done: outcome };
    const detail = errorDetail(body);
    if (status === 401) {
      return {
        fail: this.fail(JiraApiErrorCode.CredentialsRejected, 'credentials rejected for jira (check JIRA_EMAIL and JIRA_API_TOKEN)', { status }),
      };
    }
    if (status === 429) {
      const seconds = retryAfterSeconds(headers) ?? UNSPECIFIED_RATE_LIMIT_WAIT_S;
      return {
        retryAfterMs: seconds * 1000,
        rateLimited: () =>
          this.fail(JiraApiErrorCode.RateLimited, `jira rate limited; retry after ${Math.ceil(seconds)} s`, {
            status,
            retryAfterSeconds: Math.ceil(seconds),
          }),
      };
    }
    if (RETRYABLE_STATUSES.has(status)) {
      return {
        serverError: ({ serverErrors }) => {
          const attempts = serverErrors + 1;
          return this.fail(
            JiraApiErrorCode.Unavailable,
            `jira is unavailable (HTTP ${status} on ${what}${attempts > 1 ? ` after ${attempts} attempts` : ''})`,
            { status },
          );
        },
      };
    }
    const suffix = detail ? `: ${detail}` : '';
    if (status === 403) return { fail: this.fail(JiraApiErrorCode.Forbidden, `jira refused ${what}${suffix}`, { status }) };
    if (status === 404) return { fail: this.fail(JiraApiErrorCode.NotFound, `not found on jira (${what})${suffix}`, { status }) };
    if (status === 400) return { fail: this.fail(JiraApiErrorCode.InvalidRequest, `jira rejected ${what}${suffix}`, { status }) };
    return { fail: this.fail(JiraApiErrorCode.InvalidRequest, `jira answered ${what} with HTTP ${status}${suffix}`, { status }) };
  }

  /** One HTTP exchange, body included, bounded by the timeout and the caller's signal. */
  private attempt(method: string, url: URL, payload: unknown, signal: AbortSignal | undefined, what: string): Promise<RawResponse | { error: unknown }> {
    return fetchJson(
      this.fetchImpl,
      url,
      {
        method,
        headers: {
          Accept: 'application/json',
          Authorization: this.authorization,
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      },
      {
        signal,
        timeoutMs: this.timeoutMs,
        aborted: this.aborted(what),
        timedOut: (cause) => this.fail(JiraApiErrorCode.Timeout, `jira did not answer ${what} within ${this.timeoutMs} ms`, { cause }),
        isOwnError: (error) => error instanceof JiraApiException,
        notJson: (cause) => new JiraApiException(JiraApiErrorCode.UnexpectedResponse, 'jira returned a response that is not JSON', { cause }),
      },
    );
  }

  private parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw this.fail(JiraApiErrorCode.UnexpectedResponse, `jira returned an unexpected response to ${what}${where}: ${issue?.message}`, {
      cause: parsed.error,
    });
  }

  private aborted(what: string): AbortedError {
    return (options) => this.fail(JiraApiErrorCode.Aborted, `jira request aborted (${what})`, options);
  }

  private fail(
    code: JiraApiErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; retryAfterSeconds?: number },
  ): JiraApiException {
    return new JiraApiException(code, this.redact(message), options);
  }

  /** Jira error bodies and network messages are passed on; make sure no credential rides along. */
  private redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }
}

/** Retry-After in seconds (a number or an HTTP date), if Jira sent one. */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - now) / 1000)) : undefined;
}

/** `{"errorMessages":[...],"errors":{field: message}}` as one line. */
function errorDetail(body: unknown): string | undefined {
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) return typeof body === 'string' && body.length < 300 ? body.trim() || undefined : undefined;
  const messages = [
    ...(parsed.data.errorMessages ?? []),
    ...Object.entries(parsed.data.errors ?? {}).map(([field, message]) => `${field}: ${message}`),
  ];
  return messages.length ? messages.join('; ') : undefined;
}


