import { z } from 'zod/v4';
import {
  abortableSleep,
  AbortedError,
  fetchJson,
  networkReason,
  RawResponse,
  RetryPolicy,
  RetryVerdict,
  withRetries,
} from '../http/api-request';
import { GithubApiErrorCode, GithubApiException } from './github-api.exception';
import {
  Branch,
  BranchSchema,
  Commit,
  CommitSchema,
  ErrorBodySchema,
  Issue,
  IssueSchema,
  PullRequest,
  PullRequestSchema,
  Repository,
  RepositorySchema,
  SearchIssuesPageSchema,
  WorkflowRun,
  WorkflowRunsPageSchema,
} from './github-api.schemas';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
/** The REST API version every request pins, so GitHub never changes shapes under us. */
export const GITHUB_API_VERSION = '2022-11-28';
/** GitHub's own page-size ceiling. */
export const MAX_PER_PAGE = 100;

export interface GithubApiClientOptions {
  /** Sent only as `Authorization: Bearer`; never logged, never part of an error message. */
  token: string;
  /** `https://api.github.com`, or `https://<host>/api/v3` for GitHub Enterprise Server. */
  baseUrl?: string;
  userAgent?: string;
  /** Per HTTP request, including reading the body. */
  timeoutMs?: number;
  /** A rate limit that lifts within this long is waited out once; a longer one fails at once. */
  maxRateLimitWaitMs?: number;
  /** Delays before each retry of a 5xx or unreachable GitHub (idempotent requests only). */
  serverErrorRetryDelaysMs?: readonly number[];
  /** Most pages one listing follows, whatever `maxItems` says. */
  maxPages?: number;
  fetch?: typeof fetch;
}

export interface ListOptions {
  /** Items per request (1..100); defaults to `maxItems` capped at 100. */
  perPage?: number;
  /** Most items returned across pages. */
  maxItems?: number;
  signal?: AbortSignal;
}

/** One listing, possibly gathered from several pages. */
export interface Page<T> {
  items: T[];
  /** True when GitHub had more than was returned (item or page bound reached). */
  truncated: boolean;
  /** GitHub's own count, for endpoints that report one (workflow runs, search). */
  totalCount?: number;
  /** Search only: GitHub gave up before searching everything. */
  incompleteResults?: boolean;
}

export type IssueState = 'open' | 'closed' | 'all';

export interface ListIssuesOptions extends ListOptions {
  state?: IssueState;
  /** Comma-separated label names, all required. */
  labels?: string;
  assignee?: string;
  /** ISO 8601: only issues updated at or after this time. */
  since?: string;
  /** The issues endpoint also returns pull requests; they are dropped unless this is true. */
  includePullRequests?: boolean;
}

export interface ListPullRequestsOptions extends ListOptions {
  state?: IssueState;
  base?: string;
  sort?: 'created' | 'updated' | 'popularity' | 'long-running';
  direction?: 'asc' | 'desc';
}

export interface ListCommitsOptions extends ListOptions {
  /** Branch name or commit SHA to start from; the default branch when absent. */
  sha?: string;
  author?: string;
  path?: string;
  since?: string;
  until?: string;
}

export interface ListWorkflowRunsOptions extends ListOptions {
  branch?: string;
  /** A status (`queued`, `in_progress`, `completed`) or a conclusion (`success`, `failure`, ...). */
  status?: string;
  event?: string;
  /** GitHub's date-range syntax for the run's creation: `>=2025-03-13T12:00:00Z`, `a..b`. */
  created?: string;
}

export interface SearchIssuesOptions extends ListOptions {
  sort?: 'comments' | 'reactions' | 'created' | 'updated';
  order?: 'asc' | 'desc';
}

export interface CreateIssueInput {
  title: string;
  body?: string;
  labels?: string[];
  assignees?: string[];
}


type Query = Record<string, string | number | boolean | undefined>;

const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);
/** GitHub's advice for a secondary rate limit that names no wait: at least a minute. */
const UNSPECIFIED_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * A small typed client for the GitHub REST endpoints Mosaic reads (and the one it may
 * write). It follows `Link` pagination within bounds, waits out short rate limits once,
 * retries 5xx with backoff for idempotent requests, bounds every request by a timeout and
 * the caller's AbortSignal, and parses each response against the fields it uses.
 */
export class GithubApiClient {
  private readonly baseUrl: string;
  private readonly origin: string;
  private readonly token: string;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly maxPages: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: GithubApiClientOptions) {
    if (!options.token) throw new Error('a GitHub token is required');
    this.baseUrl = (options.baseUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.token = options.token;
    this.userAgent = options.userAgent ?? 'mosaic-github-connector/0.1';
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 5_000;
    this.retryDelaysMs = options.serverErrorRetryDelaysMs ?? [200, 600];
    this.maxPages = options.maxPages ?? 10;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** An organization's or user's repositories, or the authenticated user's when no owner is given. */
  async listRepositories(options: ListOptions & { owner?: string } = {}): Promise<Page<Repository>> {
    const query = { sort: 'updated' };
    if (!options.owner) return this.list('/user/repos', query, options, RepositorySchema);
    try {
      return await this.list(`/orgs/${segment(options.owner)}/repos`, query, options, RepositorySchema);
    } catch (error) {
      // Not an organization: try it as a user account.
      if (error instanceof GithubApiException && error.code === GithubApiErrorCode.NotFound) {
        return this.list(`/users/${segment(options.owner)}/repos`, query, options, RepositorySchema);
      }
      throw error;
    }
  }

  async listIssues(owner: string, repo: string, options: ListIssuesOptions = {}): Promise<Page<Issue>> {
    const { state = 'open', labels, assignee, since, includePullRequests = false } = options;
    return this.list(repoPath(owner, repo, '/issues'), { state, labels, assignee, since }, options, IssueSchema, (issue) =>
      includePullRequests || issue.pull_request === undefined,
    );
  }

  async listPullRequests(owner: string, repo: string, options: ListPullRequestsOptions = {}): Promise<Page<PullRequest>> {
    const { state = 'open', base, sort, direction } = options;
    return this.list(repoPath(owner, repo, '/pulls'), { state, base, sort, direction }, options, PullRequestSchema);
  }

  async listCommits(owner: string, repo: string, options: ListCommitsOptions = {}): Promise<Page<Commit>> {
    const { sha, author, path, since, until } = options;
    return this.list(repoPath(owner, repo, '/commits'), { sha, author, path, since, until }, options, CommitSchema);
  }

  async listBranches(owner: string, repo: string, options: ListOptions & { protectedOnly?: boolean } = {}): Promise<Page<Branch>> {
    return this.list(repoPath(owner, repo, '/branches'), { protected: options.protectedOnly || undefined }, options, BranchSchema);
  }

  async listWorkflowRuns(owner: string, repo: string, options: ListWorkflowRunsOptions = {}): Promise<Page<WorkflowRun>> {
    const { branch, status, event, created } = options;
    return this.paginate(repoPath(owner, repo, '/actions/runs'), { branch, status, event, created }, options, (body, what) => {
      const page = this.parse(WorkflowRunsPageSchema, body, what);
      return { items: page.workflow_runs, totalCount: page.total_count };
    });
  }

  /** GitHub's issue search (`q` uses GitHub search syntax; it must say `is:issue` or `is:pull-request`). */
  async searchIssues(query: string, options: SearchIssuesOptions = {}): Promise<Page<Issue>> {
    const { sort, order } = options;
    return this.paginate('/search/issues', { q: query, sort, order }, options, (body, what) => {
      const page = this.parse(SearchIssuesPageSchema, body, what);
      return { items: page.items, totalCount: page.total_count, incompleteResults: page.incomplete_results };
    });
  }

  /** Never retried on 5xx: GitHub may have created the issue before failing. */
  async createIssue(owner: string, repo: string, input: CreateIssueInput, signal?: AbortSignal): Promise<Issue> {
    const path = repoPath(owner, repo, '/issues');
    const response = await this.request('POST', this.url(path, {}), input, signal);
    return this.parse(IssueSchema, response.body, `POST ${path}`);
  }

  /** Replaces the token wherever it might occur, for text that crosses a trust boundary. */
  redact(text: string): string {
    return text.split(this.token).join('[redacted]');
  }

  private list<S extends z.ZodType>(
    path: string,
    query: Query,
    options: ListOptions,
    schema: S,
    keep: (item: z.infer<S>) => boolean = () => true,
  ): Promise<Page<z.infer<S>>> {
    return this.paginate(path, query, options, (body, what) => ({
      items: this.parse(z.array(schema), body, what).filter(keep),
    }));
  }

  private async paginate<T>(
    path: string,
    query: Query,
    options: ListOptions,
    extract: (body: unknown, what: string) => { items: T[]; totalCount?: number; incompleteResults?: boolean },
  ): Promise<Page<T>> {
    const maxItems = Math.max(1, options.maxItems ?? 30);
    const perPage = clamp(options.perPage ?? maxItems, 1, MAX_PER_PAGE);
    const items: T[] = [];
    let url: URL | undefined = this.url(path, { ...query, per_page: perPage });
    let pages = 0;
    let truncated = false;
    let totalCount: number | undefined;
    let incompleteResults: boolean | undefined;
    while (url) {
      const response = await this.request('GET', url, undefined, options.signal);
      const page = extract(response.body, `GET ${path}`);
      items.push(...page.items);
      totalCount ??= page.totalCount;
      incompleteResults ||= page.incompleteResults;
      pages += 1;
      const next = nextLink(response.headers.get('link'));
      if (items.length >= maxItems || (next && pages >= this.maxPages)) {
        truncated = items.length > maxItems || next !== undefined;
        break;
      }
      url = next ? this.sameOrigin(next) : undefined;
    }
    return {
      items: items.slice(0, maxItems),
      truncated,
      ...(totalCount !== undefined ? { totalCount } : {}),
      ...(incompleteResults !== undefined ? { incompleteResults } : {}),
    };
  }

  private async request(method: 'GET' | 'POST', url: URL, payload: unknown, signal: AbortSignal | undefined): Promise<RawResponse> {
    const what = `${method} ${url.pathname}`;
    const policy: RetryPolicy = {
      serverErrorDelaysMs: method === 'GET' ? this.retryDelaysMs : [],
      rateLimitRetries: 1,
      maxRateLimitWaitMs: this.maxRateLimitWaitMs,
    };
    return withRetries(
      policy,
      () => this.attempt(method, url, payload, signal, what),
      (outcome) => this.classify(outcome, what),
      (ms) => abortableSleep(ms, signal, this.aborted(what)),
    );
  }

  private classify(outcome: RawResponse | { error: unknown }, what: string): RetryVerdict<RawResponse> {
    if ('error' in outcome) {
      return {
        serverError: () =>
          this.fail(GithubApiErrorCode.Unavailable, `github is unreachable (${what}): ${networkReason(outcome.error)}`, { cause: outcome.error }),
      };
    }
    const { status, headers, body } = outcome;
    if (status >= 200 && status < 300) return { done: outcome };

    const message = errorMessage(body);
    if (status === 401) {
      return {
        fail: this.fail(GithubApiErrorCode.CredentialsRejected, 'credentials rejected for github: the token is invalid, expired or revoked', {
          status,
        }),
      };
    }
    const waitMs = rateLimitWaitMs(status, headers, message);
    if (waitMs !== undefined) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      return {
        retryAfterMs: waitMs,
        rateLimited: () =>
          this.fail(GithubApiErrorCode.RateLimited, `github rate limited; retry after ${seconds} s`, { status, retryAfterSeconds: seconds }),
      };
    }
    if (RETRYABLE_STATUSES.has(status)) {
      return {
        serverError: ({ serverErrors }) => {
          const attempts = serverErrors + 1;
          return this.fail(
            GithubApiErrorCode.Unavailable,
            `github is unavailable (HTTP ${status} on ${what}${attempts > 1 ? ` after ${attempts} attempts` : ''})`,
            { status },
          );
        },
      };
    }
    return { fail: this.clientError(status, what, message, body) };
  }

  /** One HTTP exchange, body included, bounded by the timeout and the caller's signal. */
  private attempt(method: string, url: URL, payload: unknown, signal: AbortSignal | undefined, what: string): Promise<RawResponse | { error: unknown }> {
    return fetchJson(
      this.fetchImpl,
      url,
      {
        method,
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${this.token}`,
          'X-GitHub-Api-Version': GITHUB_API_VERSION,
          'User-Agent': this.userAgent,
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      },
      {
        signal,
        timeoutMs: this.timeoutMs,
        aborted: this.aborted(what),
        timedOut: (cause) => this.fail(GithubApiErrorCode.Timeout, `github did not answer ${what} within ${this.timeoutMs} ms`, { cause }),
        isOwnError: (error) => error instanceof GithubApiException,
        notJson: (cause) => new GithubApiException(GithubApiErrorCode.UnexpectedResponse, 'github returned a response that is not JSON', { cause }),
      },
    );
  }

  private clientError(status: number, what: string, message: string | undefined, body: unknown): GithubApiException {
    const detail = message ? `: ${message}` : '';
    if (status === 404) {
      return this.fail(
        GithubApiErrorCode.NotFound,
        `not found on github (${what}); check the owner and repository names, and that the token can see them`,
        { status },
      );
    }
    if (status === 403) return this.fail(GithubApiErrorCode.Forbidden, `github refused ${what}${detail}`, { status });
    if (status === 422) {
      const parsed = ErrorBodySchema.safeParse(body);
      const errors = (parsed.success ? (parsed.data.errors ?? []) : [])
        .map((e) => (typeof e === 'string' ? e : (e.message ?? [e.field, e.code].filter(Boolean).join(' '))))
        .filter(Boolean);
      return this.fail(GithubApiErrorCode.InvalidRequest, `github rejected ${what}${detail}${errors.length ? ` (${errors.join('; ')})` : ''}`, {
        status,
      });
    }
    return this.fail(GithubApiErrorCode.RequestFailed, `github answered ${what} with HTTP ${status}${detail}`, { status });
  }

  private parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw this.fail(GithubApiErrorCode.UnexpectedResponse, `github returned an unexpected response to ${what}${where}: ${issue?.message}`, {
      cause: parsed.error,
    });
  }

  private url(path: string, query: Query): URL {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** The token goes only to the configured host: a `Link` elsewhere is refused. */
  private sameOrigin(link: string): URL {
    const url = new URL(link, this.baseUrl);
    if (url.origin !== this.origin) {
      throw this.fail(GithubApiErrorCode.UnexpectedResponse, `github sent a pagination link to another host (${url.origin}); not followed`);
    }
    return url;
  }

  private aborted(what: string): AbortedError {
    return (options) => this.fail(GithubApiErrorCode.Aborted, `github request aborted (${what})`, options);
  }

  private fail(
    code: GithubApiErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; retryAfterSeconds?: number },
  ): GithubApiException {
    return new GithubApiException(code, this.redact(message), options);
  }
}

/** The `rel="next"` target of a `Link` header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>\s*;\s*rel="([^"]*)"/g)) {
    if (match[2]!.split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}

/**
 * How long GitHub asks us to wait, when a 403/429 is a rate limit: `Retry-After` (seconds
 * or an HTTP date), else `x-ratelimit-remaining: 0` with `x-ratelimit-reset` (epoch
 * seconds), else a minute for a secondary limit that names no time. Undefined otherwise.
 */
export function rateLimitWaitMs(status: number, headers: Headers, message: string | undefined, now = Date.now()): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : UNSPECIFIED_RATE_LIMIT_WAIT_MS;
  }
  if (status === 429 || /rate limit/i.test(message ?? '')) return UNSPECIFIED_RATE_LIMIT_WAIT_MS;
  return undefined;
}

function errorMessage(body: unknown): string | undefined {
  const parsed = ErrorBodySchema.safeParse(body);
  return parsed.success ? parsed.data.message : undefined;
}



function segment(value: string): string {
  return encodeURIComponent(value);
}

function repoPath(owner: string, repo: string, rest: string): string {
  return `/repos/${segment(owner)}/${segment(repo)}${rest}`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
