import { z } from 'zod/v4';
import {
  abortableSleep,
  AbortedError,
  fetchJson,
  networkReason,
  RawResponse,
  retryAfterMs,
  RetryPolicy,
  RetryVerdict,
  withRetries,
} from '../http/api-request';
import { GoogleApiErrorCode, GoogleApiException } from './google-api.exception';
import {
  CalendarEvent,
  DocumentSchema,
  DriveFile,
  DriveFilesPageSchema,
  ErrorBodySchema,
  EventsPageSchema,
  GmailMessage,
  GoogleDocument,
  MessageRefsPageSchema,
  MessageSchema,
  Spreadsheet,
  SpreadsheetSchema,
  ValueRange,
  ValueRangeSchema,
} from './google-api.schemas';

/** Each API's documented root. `apiUrl` replaces all of them at once (tests, proxies). */
export const GOOGLE_API_ROOTS = {
  calendar: 'https://www.googleapis.com',
  gmail: 'https://gmail.googleapis.com',
  drive: 'https://www.googleapis.com',
  docs: 'https://docs.googleapis.com',
  sheets: 'https://sheets.googleapis.com',
} as const;
export type GoogleApi = keyof typeof GOOGLE_API_ROOTS;

/** Page-size ceilings of each listing (Calendar maxResults, Gmail maxResults, Drive pageSize). */
export const MAX_PAGE_SIZE = { calendar: 2_500, gmail: 500, drive: 1_000 } as const;

/** The Gmail headers messages.get returns with format=metadata. */
export const MESSAGE_HEADERS = ['From', 'To', 'Subject', 'Date'] as const;

/** Without `fields`, Drive returns only id, name and mimeType, and no webViewLink to cite. */
export const DRIVE_FILE_FIELDS = 'id,name,mimeType,description,modifiedTime,webViewLink,owners(displayName,emailAddress)';

const SPREADSHEET_FIELDS = 'spreadsheetId,properties.title,spreadsheetUrl,sheets.properties(sheetId,title,index,gridProperties(rowCount,columnCount))';

/** 403 reasons that mean "slow down", not "not allowed" (older APIs' errors[].reason, newer APIs' ErrorInfo.reason). */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED']);
const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);

export interface GoogleApiClientOptions {
  /** An OAuth 2.0 access token, sent only as `Authorization: Bearer`; never logged, never in an error message. */
  accessToken: string;
  /** One base URL for every API (a proxy or a test fake); the documented per-API hosts when absent. */
  apiUrl?: string;
  /** Per HTTP request, including reading the body. */
  timeoutMs?: number;
  /** A Retry-After longer than this fails at once with the wait, rather than holding the tool call. */
  maxRateLimitWaitMs?: number;
  /** Waits before each retry of a rate-limited request that names no Retry-After; its length bounds the retries. */
  rateLimitRetryDelaysMs?: readonly number[];
  /** Delays before each retry of a 5xx or unreachable API (every request here is a GET). */
  serverErrorRetryDelaysMs?: readonly number[];
  /** Most pages one listing follows, whatever `maxItems` says. */
  maxPages?: number;
  /** Gmail messages.get requests in flight at once while reading a listing's metadata. */
  messageConcurrency?: number;
  fetch?: typeof fetch;
}

export interface ListOptions {
  /** Most items returned across pages. */
  maxItems?: number;
  /** nextPageToken of a previous listing with the same filters. */
  pageToken?: string;
  signal?: AbortSignal;
}

export interface ListEventsOptions extends ListOptions {
  /** RFC 3339 with offset; events ending after this. */
  timeMin?: string;
  /** RFC 3339 with offset; events starting before this. */
  timeMax?: string;
  /** Calendar's free-text search over summary, description, location and attendees. */
  query?: string;
}

export interface ListMessagesOptions extends ListOptions {
  /** Gmail search syntax, e.g. `is:unread is:important after:1741737600`. */
  query?: string;
}

export interface ListFilesOptions extends ListOptions {
  /** A Drive query (`fullText contains 'x' and trashed = false`), built by the caller with escaping. */
  query?: string;
  /** Drive refuses orderBy beside fullText terms (results are then by relevance). */
  orderBy?: string;
}

/** One listing, possibly gathered from several pages. */
export interface Page<T> {
  items: T[];
  /** True when Google had more than was returned. */
  truncated: boolean;
  /** Pass back as `pageToken` (with the same filters) to continue where this listing stopped. */
  nextPageToken?: string;
}


type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/**
 * A small typed client for the read-only Google Workspace endpoints Mosaic uses: Calendar v3
 * events, Gmail v1 messages, Drive v3 files, Docs v1 documents and Sheets v4 values. It follows
 * `nextPageToken` pagination within bounds, waits out rate limits (429, or 403 with a rate-limit
 * reason) a bounded number of times honouring Retry-After, retries 5xx with backoff, bounds every
 * request by a timeout and the caller's AbortSignal, and parses each response against the fields it uses.
 */
export class GoogleApiClient {
  private readonly roots: Readonly<Record<GoogleApi, string>>;
  private readonly accessToken: string;
  private readonly timeoutMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly rateLimitDelaysMs: readonly number[];
  private readonly retryDelaysMs: readonly number[];
  private readonly maxPages: number;
  private readonly messageConcurrency: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: GoogleApiClientOptions) {
    if (!options.accessToken) throw new Error('a Google access token is required');
    const base = options.apiUrl?.trim().replace(/\/+$/, '');
    this.roots = base
      ? { calendar: base, gmail: base, drive: base, docs: base, sheets: base }
      : GOOGLE_API_ROOTS;
    this.accessToken = options.accessToken;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 5_000;
    this.rateLimitDelaysMs = options.rateLimitRetryDelaysMs ?? [1_000, 2_000];
    this.retryDelaysMs = options.serverErrorRetryDelaysMs ?? [250, 1_000];
    this.maxPages = options.maxPages ?? 10;
    this.messageConcurrency = Math.max(1, options.messageConcurrency ?? 5);
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Calendar events.list, expanded to single instances and ordered by start time. */
  async listEvents(calendarId: string, options: ListEventsOptions = {}): Promise<Page<CalendarEvent> & { timeZone?: string }> {
    let timeZone: string | undefined;
    const page = await this.paginate(
      'calendar',
      `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`,
      { timeMin: options.timeMin, timeMax: options.timeMax, q: options.query, singleEvents: true, orderBy: 'startTime' },
      'maxResults',
      MAX_PAGE_SIZE.calendar,
      options,
      (body, what) => {
        const parsed = this.parse(EventsPageSchema, body, what);
        timeZone ??= parsed.timeZone;
        return { items: parsed.items, nextPageToken: parsed.nextPageToken };
      },
    );
    return { ...page, ...(timeZone ? { timeZone } : {}) };
  }

  /**
   * Gmail messages.list for the ids, then messages.get (format=metadata) for each: From, To,
   * Subject, Date, the snippet and labels. A message deleted between the two calls is skipped.
   */
  async listMessages(options: ListMessagesOptions = {}): Promise<Page<GmailMessage> & { resultSizeEstimate?: number }> {
    let resultSizeEstimate: number | undefined;
    const refs = await this.paginate(
      'gmail',
      '/gmail/v1/users/me/messages',
      { q: options.query },
      'maxResults',
      MAX_PAGE_SIZE.gmail,
      options,
      (body, what) => {
        const parsed = this.parse(MessageRefsPageSchema, body, what);
        resultSizeEstimate ??= parsed.resultSizeEstimate;
        return { items: parsed.messages, nextPageToken: parsed.nextPageToken };
      },
    );
    const messages = await this.mapLimited(refs.items, async (ref) => {
      try {
        return await this.getMessage(ref.id, options.signal);
      } catch (error) {
        if (error instanceof GoogleApiException && error.code === GoogleApiErrorCode.NotFound) return undefined;
        throw error;
      }
    });
    return {
      ...refs,
      items: messages.filter((m): m is GmailMessage => m !== undefined),
      ...(resultSizeEstimate !== undefined ? { resultSizeEstimate } : {}),
    };
  }

  async getMessage(id: string, signal?: AbortSignal): Promise<GmailMessage> {
    const path = `/gmail/v1/users/me/messages/${encodeURIComponent(id)}`;
    const response = await this.request(this.url('gmail', path, { format: 'metadata', metadataHeaders: MESSAGE_HEADERS }), path, signal);
    return this.parse(MessageSchema, response.body, `GET ${path}`);
  }

  /** Drive files.list across My Drive, shared-with-me and shared drives, with the fields Mosaic cites. */
  async listFiles(options: ListFilesOptions = {}): Promise<Page<DriveFile> & { incompleteSearch: boolean }> {
    let incompleteSearch = false;
    const page = await this.paginate(
      'drive',
      '/drive/v3/files',
      {
        q: options.query,
        orderBy: options.orderBy,
        fields: `nextPageToken,incompleteSearch,files(${DRIVE_FILE_FIELDS})`,
        corpora: 'allDrives',
        includeItemsFromAllDrives: true,
        supportsAllDrives: true,
      },
      'pageSize',
      MAX_PAGE_SIZE.drive,
      options,
      (body, what) => {
        const parsed = this.parse(DriveFilesPageSchema, body, what);
        incompleteSearch ||= parsed.incompleteSearch === true;
        return { items: parsed.files, nextPageToken: parsed.nextPageToken };
      },
    );
    return { ...page, incompleteSearch };
  }

  async getDocument(documentId: string, signal?: AbortSignal): Promise<GoogleDocument> {
    const path = `/v1/documents/${encodeURIComponent(documentId)}`;
    const response = await this.request(this.url('docs', path, {}), path, signal);
    return this.parse(DocumentSchema, response.body, `GET ${path}`);
  }

  /** Titles and sheet list only: never the grid data. */
  async getSpreadsheet(spreadsheetId: string, signal?: AbortSignal): Promise<Spreadsheet> {
    const path = `/v4/spreadsheets/${encodeURIComponent(spreadsheetId)}`;
    const response = await this.request(this.url('sheets', path, { fields: SPREADSHEET_FIELDS }), path, signal);
    return this.parse(SpreadsheetSchema, response.body, `GET ${path}`);
  }

  /** spreadsheets.values.get of one A1 range (`'Q2 budget'!1:101`), rows first, as displayed. */
  async getValues(spreadsheetId: string, range: string, signal?: AbortSignal): Promise<ValueRange> {
    const path = `/v4/spreadsheets/${encodeURIComponent(spreadsheetId)}/values/${encodeURIComponent(range)}`;
    const response = await this.request(
      this.url('sheets', path, { majorDimension: 'ROWS', valueRenderOption: 'FORMATTED_VALUE' }),
      path,
      signal,
    );
    return this.parse(ValueRangeSchema, response.body, `GET ${path}`);
  }

  /** Replaces the token wherever it might occur, for text that crosses a trust boundary. */
  redact(text: string): string {
    return text.split(this.accessToken).join('[redacted]');
  }

  /**
   * Follows nextPageToken. Each request asks for exactly what is still wanted, so a listing
   * stops at a page boundary and its nextPageToken resumes without skipping anything.
   */
  private async paginate<T>(
    api: GoogleApi,
    path: string,
    filters: Query,
    pageSizeParam: string,
    maxPageSize: number,
    options: ListOptions,
    extract: (body: unknown, what: string) => { items: T[]; nextPageToken?: string },
  ): Promise<Page<T>> {
    const maxItems = Math.max(1, Math.trunc(options.maxItems ?? 50));
    const items: T[] = [];
    let pageToken = options.pageToken;
    for (let pages = 1; ; pages++) {
      const size = Math.min(maxPageSize, Math.max(1, maxItems - items.length));
      const url = this.url(api, path, { ...filters, [pageSizeParam]: size, pageToken });
      const response = await this.request(url, path, options.signal);
      const page = extract(response.body, `GET ${path}`);
      items.push(...page.items);
      pageToken = page.nextPageToken;
      if (!pageToken || items.length >= maxItems || pages >= this.maxPages) break;
    }
    return {
      items: items.slice(0, maxItems),
      truncated: pageToken !== undefined || items.length > maxItems,
      // A page longer than asked cannot be resumed exactly: then there is no token to offer.
      ...(pageToken !== undefined && items.length <= maxItems ? { nextPageToken: pageToken } : {}),
    };
  }

  private request(url: URL, path: string, signal: AbortSignal | undefined): Promise<RawResponse> {
    const what = `GET ${path}`;
    const policy: RetryPolicy = {
      serverErrorDelaysMs: this.retryDelaysMs,
      rateLimitRetries: this.rateLimitDelaysMs.length,
      rateLimitDelaysMs: this.rateLimitDelaysMs,
      maxRateLimitWaitMs: this.maxRateLimitWaitMs,
    };
    return withRetries(
      policy,
      () => this.attempt(url, signal, what),
      (outcome) => this.classify(outcome, what),
      (ms) => abortableSleep(ms, signal, this.aborted(what)),
    );
  }

  private classify(outcome: RawResponse | { error: unknown }, what: string): RetryVerdict<RawResponse> {
    if ('error' in outcome) {
      return {
        serverError: () =>
          this.fail(GoogleApiErrorCode.Unavailable, `google is unreachable (${what}): ${networkReason(outcome.error)}`, { cause: outcome.error }),
      };
    }
    const { status, headers, body } = outcome;
    if (status >= 200 && status < 300) return { done: outcome };

    const error = errorDetails(body);
    if (status === 401) {
      return {
        fail: this.fail(
          GoogleApiErrorCode.CredentialsRejected,
          `credentials rejected for google (HTTP 401${error.status ? ` ${error.status}` : ''} on ${what}): ` +
            'the access token is invalid, expired or revoked (Google access tokens last one hour)',
          { status },
        ),
      };
    }
    if (status === 429 || (status === 403 && error.reasons.some((r) => RATE_LIMIT_REASONS.has(r)))) {
      const asked = retryAfterMs(headers.get('retry-after'));
      return {
        ...(asked !== undefined ? { retryAfterMs: asked } : {}),
        rateLimited: () => {
          const seconds = Math.max(1, Math.ceil((asked ?? this.rateLimitDelaysMs.at(-1) ?? 1_000) / 1000));
          const reason = error.reasons[0] ? ` ${error.reasons[0]}` : '';
          return this.fail(GoogleApiErrorCode.RateLimited, `google rate limited (HTTP ${status}${reason} on ${what}); retry after ${seconds} s`, {
            status,
            retryAfterSeconds: seconds,
          });
        },
      };
    }
    if (RETRYABLE_STATUSES.has(status)) {
      return {
        serverError: ({ serverErrors }) => {
          const attempts = serverErrors + 1;
          return this.fail(
            GoogleApiErrorCode.Unavailable,
            `google is unavailable (HTTP ${status} on ${what}${attempts > 1 ? ` after ${attempts} attempts` : ''})`,
            { status },
          );
        },
      };
    }
    const detail = error.message ? `: ${error.message}` : '';
    if (status === 403) {
      return {
        fail: this.fail(
          GoogleApiErrorCode.Forbidden,
          `google denied ${what} (HTTP 403${detail}); the token may lack the scope for this API, or the user may not see the item`,
          { status },
        ),
      };
    }
    if (status === 404) return { fail: this.fail(GoogleApiErrorCode.NotFound, `not found on google (${what})`, { status }) };
    return { fail: this.fail(GoogleApiErrorCode.InvalidRequest, `google rejected ${what} (HTTP ${status}${detail})`, { status }) };
  }

  /** One HTTP exchange, body included, bounded by the timeout and the caller's signal. */
  private attempt(url: URL, signal: AbortSignal | undefined, what: string): Promise<RawResponse | { error: unknown }> {
    return fetchJson(
      this.fetchImpl,
      url,
      { method: 'GET', headers: { Accept: 'application/json', Authorization: `Bearer ${this.accessToken}` } },
      {
        signal,
        timeoutMs: this.timeoutMs,
        aborted: this.aborted(what),
        timedOut: (cause) => this.fail(GoogleApiErrorCode.Timeout, `google did not answer ${what} within ${this.timeoutMs} ms`, { cause }),
        isOwnError: (error) => error instanceof GoogleApiException,
        notJson: (cause) => new GoogleApiException(GoogleApiErrorCode.UnexpectedResponse, 'google returned a response that is not JSON', { cause }),
      },
    );
  }

  /** Runs `fn` over `items` with at most `messageConcurrency` in flight; stops starting new ones after a failure. */
  private async mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && next < items.length) {
        const index = next++;
        try {
          results[index] = await fn(items[index]!);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.messageConcurrency, items.length) }, worker));
    return results;
  }

  private parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw this.fail(GoogleApiErrorCode.UnexpectedResponse, `google returned an unexpected response to ${what}${where}: ${issue?.message}`, {
      cause: parsed.error,
    });
  }

  private url(api: GoogleApi, path: string, query: Query): URL {
    const url = new URL(`${this.roots[api]}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === '') continue;
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, item);
      else url.searchParams.set(key, String(value));
    }
    return url;
  }

  private aborted(what: string): AbortedError {
    return (options) => this.fail(GoogleApiErrorCode.Aborted, `google request aborted (${what})`, options);
  }

  private fail(
    code: GoogleApiErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; retryAfterSeconds?: number },
  ): GoogleApiException {
    return new GoogleApiException(code, this.redact(message), options);
  }
}


/** The message, status and every reason of Google's error envelope, whichever generation of it was sent. */
export function errorDetails(body: unknown): { message?: string; status?: string; reasons: string[] } {
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) return { reasons: [] };
  const { message, status, errors = [], details = [] } = parsed.data.error;
  const reasons = [...errors.map((e) => e.reason), ...details.map((d) => d.reason)].filter((r): r is string => !!r);
  return { ...(message ? { message } : {}), ...(status ? { status } : {}), reasons };
}

export { retryAfterMs };
