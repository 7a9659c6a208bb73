/**
 * A local stand-in for the Google Workspace APIs Mosaic reads (the edge of the world we do not
 * run), serving their real wire shapes on one port: Calendar v3 `/calendar/v3/calendars/{id}/events`,
 * Gmail v1 `/gmail/v1/users/me/messages[/{id}]`, Drive v3 `/drive/v3/files`, Docs v1
 * `/v1/documents/{id}` and Sheets v4 `/v4/spreadsheets/{id}[/values/{range}]`. It checks the
 * bearer token, paginates with `nextPageToken` in small pages, parses Drive queries (rejecting a
 * badly quoted one as Drive does), honours Drive's `fields` projection, refuses `orderBy` beside
 * fullText terms, and answers errors in Google's JSON envelope — the older `errors[].reason` form
 * for Calendar, Gmail and Drive, the `status`/ErrorInfo form for Docs and Sheets. Faults are
 * switched on per test: 429 or 403 rate limits with or without Retry-After, 403 missing scopes,
 * 5xx, and requests that hang. Tests only.
 */
import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DocBlock,
  DocumentFixture,
  EventFixture,
  FileFixture,
  FIXTURE_DOCUMENTS,
  FIXTURE_EVENTS,
  FIXTURE_FILES,
  FIXTURE_MESSAGES,
  FIXTURE_SPREADSHEETS,
  FIXTURE_USER,
  MessageFixture,
  SheetFixture,
  SpreadsheetFixture,
} from './fake-google.fixtures';

export const FAKE_GOOGLE_TOKEN = 'ya29.a0AfB_fakeGoogleAccessTokenForTests_0123456789abcdef';

export type FakeGoogleApi = 'calendar' | 'gmail' | 'drive' | 'docs' | 'sheets';

export type FakeGoogleFault =
  /** 429 (RESOURCE_EXHAUSTED) or 403 with reason rateLimitExceeded / userRateLimitExceeded; Retry-After only when given. */
  | { kind: 'rate_limit'; status?: 429 | 403; retryAfter?: string; reason?: 'rateLimitExceeded' | 'userRateLimitExceeded' }
  /** 403 "Request had insufficient authentication scopes." */
  | { kind: 'forbidden' }
  | { kind: 'server_error'; status?: 500 | 502 | 503 | 504 }
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> }
  /** Accepts the request and never answers. */
  | { kind: 'hang' };

export interface FakeGoogleRequest {
  method: string;
  path: string;
  api: FakeGoogleApi | 'unknown';
  /** Last value per name. */
  query: Record<string, string>;
  /** Every value, for repeated parameters such as metadataHeaders. */
  params: URLSearchParams;
  hadToken: boolean;
  /** The token showed up in the URL (it must only ever travel in the Authorization header). */
  tokenInUrl: boolean;
}

export interface FakeGoogleOptions {
  accessToken?: string;
  /** The most items one page holds, whatever the client asks: small, to exercise pagination. */
  pageSize?: number;
  events?: readonly EventFixture[];
  messages?: readonly MessageFixture[];
  files?: readonly FileFixture[];
  documents?: readonly DocumentFixture[];
  spreadsheets?: readonly SpreadsheetFixture[];
}

export interface FakeGoogle {
  /** One base URL for every API (GOOGLE_API_URL), e.g. http://127.0.0.1:39123 */
  url: string;
  token: string;
  /** Every request received, faults and 401s included. */
  requests: FakeGoogleRequest[];
  /** Requests to one API, or to all. */
  count(api?: FakeGoogleApi): number;
  /** The next `times` requests (only those to `where`: an API, or paths matching a pattern) get this fault instead of an answer. */
  inject(fault: FakeGoogleFault, times?: number, where?: FakeGoogleApi | RegExp): void;
  /** Forgets recorded requests and pending faults. */
  reset(): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const DEFAULT_PAGE_SIZE = 3;
const CALENDAR_TIME_ZONE = 'Europe/London';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
/** What files.list returns when the request names no `fields`. */
const DRIVE_DEFAULT_FIELDS = 'kind,nextPageToken,incompleteSearch,files(kind,id,name,mimeType)';
const LEGACY_APIS = new Set<FakeGoogleApi | 'unknown'>(['calendar', 'gmail', 'drive', 'unknown']);

export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const token = options.accessToken ?? FAKE_GOOGLE_TOKEN;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const events = options.events ?? FIXTURE_EVENTS;
  const messages = options.messages ?? FIXTURE_MESSAGES;
  const files = options.files ?? FIXTURE_FILES;
  const documents = options.documents ?? FIXTURE_DOCUMENTS;
  const spreadsheets = options.spreadsheets ?? FIXTURE_SPREADSHEETS;
  const requests: FakeGoogleRequest[] = [];
  const faults: Array<{ fault: FakeGoogleFault; remaining: number; where?: FakeGoogleApi | RegExp }> = [];
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const api = apiOf(url.pathname);
    const authorization = req.headers['authorization'];
    const hadToken = authorization === `Bearer ${token}`;
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      api,
      query: Object.fromEntries(url.searchParams),
      params: new URLSearchParams(url.searchParams),
      hadToken,
      tokenInUrl: decodeURIComponent(req.url ?? '').includes(token),
    });

    const applies = (where: FakeGoogleApi | RegExp | undefined) => !where || (typeof where === 'string' ? where === api : where.test(url.pathname));
    const pending = faults.find((f) => f.remaining > 0 && applies(f.where));
    if (pending) {
      pending.remaining -= 1;
      if (pending.fault.kind === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      return send(res, faultReply(pending.fault, api));
    }
    if (!hadToken) return send(res, unauthenticated(api));
    if (req.method !== 'GET') return send(res, googleError(api, 405, 'Method Not Allowed', 'METHOD_NOT_ALLOWED', 'httpMethodNotAllowed'));
    try {
      send(res, route(url));
    } catch (error) {
      send(res, googleError(api, 500, `fake google failed: ${(error as Error).message}`, 'INTERNAL', 'backendError'));
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    token,
    requests,
    count: (api) => requests.filter((r) => !api || r.api === api).length,
    inject(fault, times = 1, where) {
      faults.push({ fault, remaining: times, where });
    },
    reset() {
      faults.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  function route(url: URL): Reply {
    const path = url.pathname;
    const params = url.searchParams;
    let match: RegExpExecArray | null;
    if ((match = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(path))) return listEvents(decodeURIComponent(match[1]!), params);
    if ((match = /^\/gmail\/v1\/users\/([^/]+)\/messages$/.exec(path))) return withUser(match[1]!, () => listMessages(params));
    if ((match = /^\/gmail\/v1\/users\/([^/]+)\/messages\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(match[2]!);
      return withUser(match[1]!, () => getMessage(id, params));
    }
    if (path === '/drive/v3/files') return listFiles(params);
    if ((match = /^\/v1\/documents\/([^/]+)$/.exec(path))) return getDocument(decodeURIComponent(match[1]!));
    if ((match = /^\/v4\/spreadsheets\/([^/]+)$/.exec(path))) return getSpreadsheet(decodeURIComponent(match[1]!), params);
    if ((match = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+)$/.exec(path))) {
      return getValues(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!), params);
    }
    // Google answers an unknown path with an HTML page, not JSON.
    return { status: 404, body: '<!DOCTYPE html><html lang=en><title>Error 404 (Not Found)!!1</title><p>The requested URL was not found on this server.', headers: { 'Content-Type': 'text/html; charset=UTF-8' } };
  }

  // ---- Calendar ------------------------------------------------------------------------

  function listEvents(calendarId: string, params: URLSearchParams): Reply {
    const id = calendarId === 'primary' ? FIXTURE_USER : calendarId;
    if (!events.some((e) => e.calendarId === id) && id !== FIXTURE_USER) return legacyError(404, 'Not Found', 'notFound');
    for (const name of ['timeMin', 'timeMax']) {
      const value = params.get(name);
      if (value !== null && !RFC3339.test(value)) return legacyError(400, 'Bad Request', 'badRequest');
    }
    if (params.get('orderBy') === 'startTime' && params.get('singleEvents') !== 'true') {
      return legacyError(400, 'The requested ordering is not available for the particular query.', 'invalid');
    }
    const timeMin = params.get('timeMin') ? Date.parse(params.get('timeMin')!) : -Infinity;
    const timeMax = params.get('timeMax') ? Date.parse(params.get('timeMax')!) : Infinity;
    const words = (params.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    // Calendar's bounds: an event is listed when it ends after timeMin and starts before timeMax.
    const selected = events
      .filter((e) => e.calendarId === id && instant(e.end) > timeMin && instant(e.start) < timeMax)
      .filter((e) => {
        const text = [e.summary, e.description, e.location, ...(e.attendees ?? []).flatMap((a) => [a.email, a.name])].join(' ').toLowerCase();
        return words.every((w) => text.includes(w));
      })
      .sort((a, b) => instant(a.start) - instant(b.start));
    const page = paginate(params, 'maxResults', 250, 2_500, selected);
    if ('status' in page) return page;
    return {
      status: 200,
      body: {
        kind: 'calendar#events',
        etag: '"p32cd7ea2kv6ug0o"',
        summary: id,
        description: '',
        updated: '2025-03-12T08:59:12.345Z',
        timeZone: CALENDAR_TIME_ZONE,
        accessRole: 'owner',
        defaultReminders: [{ method: 'popup', minutes: 10 }],
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : { nextSyncToken: 'CPDAlvWDx70CEPDAlvWDx70CGAU=' }),
        items: page.items.map((e) => eventJson(e)),
      },
    };
  }

  function eventJson(e: EventFixture) {
    const time = (value: string) => (value.includes('T') ? { dateTime: value, timeZone: CALENDAR_TIME_ZONE } : { date: value });
    const eid = Buffer.from(`${e.id} ${e.calendarId}`).toString('base64url');
    return {
      kind: 'calendar#event',
      etag: `"${3_400_000_000_000 + e.id.length}"`,
      id: e.id,
      status: 'confirmed',
      htmlLink: `https://www.google.com/calendar/event?eid=${eid}`,
      created: '2025-02-01T10:00:00.000Z',
      updated: '2025-03-01T10:00:00.000Z',
      ...(e.summary !== undefined ? { summary: e.summary } : {}),
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(e.location !== undefined ? { location: e.location } : {}),
      creator: { email: e.organizer ?? FIXTURE_USER },
      organizer: { email: e.organizer ?? FIXTURE_USER, ...(e.organizer === FIXTURE_USER ? { self: true } : {}) },
      start: time(e.start),
      end: time(e.end),
      iCalUID: `${e.id}@google.com`,
      sequence: 0,
      ...(e.attendees
        ? {
            attendees: e.attendees.map((a) => ({
              email: a.email,
              ...(a.name ? { displayName: a.name } : {}),
              ...(a.email === e.organizer ? { organizer: true } : {}),
              ...(a.email === FIXTURE_USER ? { self: true } : {}),
              responseStatus: a.response,
            })),
          }
        : {}),
      ...(e.meet
        ? {
            hangoutLink: e.meet,
            conferenceData: { entryPoints: [{ entryPointType: 'video', uri: e.meet, label: e.meet.replace('https://', '') }], conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' }, conferenceId: e.meet.split('/').pop() },
          }
        : {}),
      reminders: { useDefault: true },
      eventType: 'default',
    };
  }

  // ---- Gmail ---------------------------------------------------------------------------

  function withUser(user: string, answer: () => Reply): Reply {
    const decoded = decodeURIComponent(user);
    if (decoded !== 'me' && decoded !== FIXTURE_USER) return legacyError(403, 'Delegation denied for ada@northwind.example', 'forbidden', 'PERMISSION_DENIED');
    return answer();
  }

  function listMessages(params: URLSearchParams): Reply {
    const includeSpamTrash = params.get('includeSpamTrash') === 'true';
    const search = gmailSearch(params.get('q') ?? '');
    const selected = messages
      .filter((m) => includeSpamTrash || !m.labels.some((l) => l === 'SPAM' || l === 'TRASH'))
      .filter(search)
      .sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
    const page = paginate(params, 'maxResults', 100, 500, selected);
    if ('status' in page) return page;
    return {
      status: 200,
      body: {
        ...(page.items.length ? { messages: page.items.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
        resultSizeEstimate: selected.length,
      },
    };
  }

  function getMessage(id: string, params: URLSearchParams): Reply {
    const message = messages.find((m) => m.id === id);
    if (!message) return legacyError(404, 'Requested entity was not found.', 'notFound', 'NOT_FOUND');
    const format = params.get('format') ?? 'full';
    const headers = [
      { name: 'Delivered-To', value: FIXTURE_USER },
      { name: 'Received', value: 'by 2002:a05:6a10:a0d1:b0:5e3:1c2e:4b1f with SMTP id abc; ' + rfc2822(message.date) },
      { name: 'MIME-Version', value: '1.0' },
      { name: 'Date', value: rfc2822(message.date) },
      { name: 'Message-ID', value: `<${message.id}@mail.example>` },
      { name: 'Subject', value: message.subject },
      { name: 'From', value: message.from },
      { name: 'To', value: message.to },
      { name: 'Content-Type', value: 'text/plain; charset="UTF-8"' },
    ];
    const wanted = params.getAll('metadataHeaders').map((h) => h.toLowerCase());
    const body = {
      id: message.id,
      threadId: message.threadId,
      labelIds: message.labels,
      snippet: message.snippet,
      sizeEstimate: 2_048 + message.body.length,
      historyId: '1234567',
      internalDate: String(Date.parse(message.date)),
    };
    if (format === 'minimal') return { status: 200, body };
    if (format === 'metadata') {
      return {
        status: 200,
        body: {
          ...body,
          payload: {
            partId: '',
            mimeType: 'text/plain',
            filename: '',
            headers: wanted.length ? headers.filter((h) => wanted.includes(h.name.toLowerCase())) : headers,
            body: { size: 0 },
          },
        },
      };
    }
    return {
      status: 200,
      body: {
        ...body,
        payload: {
          partId: '',
          mimeType: 'text/plain',
          filename: '',
          headers,
          body: { size: message.body.length, data: Buffer.from(message.body).toString('base64url') },
        },
      },
    };
  }

  // ---- Drive ---------------------------------------------------------------------------

  function listFiles(params: URLSearchParams): Reply {
    if (params.get('corpora') === 'allDrives' && (params.get('includeItemsFromAllDrives') !== 'true' || params.get('supportsAllDrives') !== 'true')) {
      return legacyError(400, 'The includeItemsFromAllDrives parameter must be set to true when corpora is allDrives.', 'invalid');
    }
    let query: DriveQuery | undefined;
    try {
      query = params.get('q') ? parseDriveQuery(params.get('q')!) : undefined;
    } catch {
      return { status: 400, body: { error: { code: 400, message: 'Invalid Value', errors: [{ message: 'Invalid Value', domain: 'global', reason: 'invalid', location: 'q', locationType: 'parameter' }] } } };
    }
    const orderBy = params.get('orderBy');
    if (orderBy && query && query.fullTextTerms.length) {
      return {
        status: 400,
        body: {
          error: {
            code: 400,
            message: 'Sorting is not supported for queries with fullText terms. Results are always in descending relevance order.',
            errors: [{ message: 'Sorting is not supported for queries with fullText terms. Results are always in descending relevance order.', domain: 'global', reason: 'invalid', location: 'orderBy', locationType: 'parameter' }],
          },
        },
      };
    }
    const searchable = (f: FileFixture) => `${f.name}\n${f.description ?? ''}\n${contentOf(f)}`.toLowerCase();
    const selected = files
      .map((f) => ({ f, text: searchable(f) }))
      .filter(({ f, text }) => !query || query.matches(f, text))
      .map(({ f, text }) => ({ f, relevance: query ? query.fullTextTerms.filter((t) => fullTextMatches(text, t)).length : 0 }))
      .sort((a, b) => b.relevance - a.relevance || (orderBy === 'name' ? a.f.name.localeCompare(b.f.name) : Date.parse(b.f.modifiedTime) - Date.parse(a.f.modifiedTime)))
      .map(({ f }) => f);
    const page = paginate(params, 'pageSize', 100, 1_000, selected);
    if ('status' in page) return page;
    const full = {
      kind: 'drive#fileList',
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      incompleteSearch: false,
      files: page.items.map(fileJson),
    };
    return { status: 200, body: project(full, parseFields(params.get('fields') ?? DRIVE_DEFAULT_FIELDS)) };
  }

  function fileJson(f: FileFixture) {
    const kind = f.mimeType.split('.').pop();
    const webViewLink =
      f.mimeType.endsWith('.document')
        ? `https://docs.google.com/document/d/${f.id}/edit?usp=drivesdk`
        : f.mimeType.endsWith('.spreadsheet')
          ? `https://docs.google.com/spreadsheets/d/${f.id}/edit?usp=drivesdk`
          : f.mimeType.endsWith('.presentation')
            ? `https://docs.google.com/presentation/d/${f.id}/edit?usp=drivesdk`
            : f.mimeType.endsWith('.folder')
              ? `https://drive.google.com/drive/folders/${f.id}`
              : `https://drive.google.com/file/d/${f.id}/view?usp=drivesdk`;
    return {
      kind: 'drive#file',
      id: f.id,
      name: f.name,
      mimeType: f.mimeType,
      ...(f.description ? { description: f.description } : {}),
      starred: false,
      trashed: f.trashed ?? false,
      explicitlyTrashed: f.trashed ?? false,
      parents: ['0AFeAkEpArEnTuK9PVA'],
      webViewLink,
      iconLink: `https://drive-thirdparty.googleusercontent.com/16/type/${f.mimeType}`,
      createdTime: '2025-01-02T09:00:00.000Z',
      modifiedTime: f.modifiedTime,
      owners: [{ kind: 'drive#user', displayName: f.owner.name, emailAddress: f.owner.email, me: f.owner.email === FIXTURE_USER, permissionId: '0123456789' }],
      shared: true,
      ownedByMe: f.owner.email === FIXTURE_USER,
      capabilities: { canEdit: false, canComment: true, canDownload: true },
      ...(kind === 'pdf' ? { size: '482133', md5Checksum: 'b1946ac92492d2347c6235b4d2611184' } : {}),
    };
  }

  function contentOf(f: FileFixture): string {
    const document = documents.find((d) => d.id === f.id);
    if (document) return document.blocks.map(blockText).join('\n');
    const spreadsheet = spreadsheets.find((s) => s.id === f.id);
    if (spreadsheet) return spreadsheet.sheets.flatMap((s) => s.rows.map((r) => r.join(' '))).join('\n');
    return f.text ?? '';
  }

  // ---- Docs ----------------------------------------------------------------------------

  function getDocument(id: string): Reply {
    const document = documents.find((d) => d.id === id);
    if (!document) {
      if (spreadsheets.some((s) => s.id === id) || files.some((f) => f.id === id)) {
        return modernError(400, 'This operation is not supported for this document', 'FAILED_PRECONDITION');
      }
      return modernError(404, 'Requested entity was not found.', 'NOT_FOUND');
    }
    return { status: 200, body: documentJson(document) };
  }

  // ---- Sheets --------------------------------------------------------------------------

  function getSpreadsheet(id: string, params: URLSearchParams): Reply {
    const spreadsheet = spreadsheets.find((s) => s.id === id);
    if (!spreadsheet) return modernError(404, 'Requested entity was not found.', 'NOT_FOUND');
    const full = {
      spreadsheetId: spreadsheet.id,
      properties: {
        title: spreadsheet.title,
        locale: 'en_GB',
        autoRecalc: 'ON_CHANGE',
        timeZone: CALENDAR_TIME_ZONE,
        defaultFormat: { backgroundColor: { red: 1, green: 1, blue: 1 }, textFormat: { fontFamily: 'arial', fontSize: 10 } },
      },
      sheets: spreadsheet.sheets.map((s, index) => ({
        properties: { sheetId: s.sheetId, title: s.title, index, sheetType: 'GRID', gridProperties: { rowCount: grid(s).rows, columnCount: grid(s).columns } },
      })),
      spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${spreadsheet.id}/edit`,
    };
    const fields = params.get('fields');
    return { status: 200, body: fields ? project(full, parseFields(fields)) : full };
  }

  function getValues(id: string, range: string, params: URLSearchParams): Reply {
    const spreadsheet = spreadsheets.find((s) => s.id === id);
    if (!spreadsheet) return modernError(404, 'Requested entity was not found.', 'NOT_FOUND');
    const parsed = parseA1(range, spreadsheet);
    if (!parsed) return modernError(400, `Unable to parse range: ${range}`, 'INVALID_ARGUMENT');
    const { sheet, rowStart, rowEnd, colStart, colEnd } = parsed;
    const rows = sheet.rows
      .slice(rowStart - 1, rowEnd)
      .map((row) => trimTrailing(row.slice(colStart - 1, colEnd)));
    while (rows.length && rows[rows.length - 1]!.length === 0) rows.pop();
    const dimension = params.get('majorDimension') ?? 'ROWS';
    const values = dimension === 'COLUMNS' ? transpose(rows) : rows;
    return {
      status: 200,
      body: {
        range: `${a1Title(sheet.title)}!${columnName(colStart)}${rowStart}:${columnName(colEnd)}${rowEnd}`,
        majorDimension: dimension,
        ...(values.length ? { values } : {}),
      },
    };
  }

  // ---- Shared --------------------------------------------------------------------------

  /** Offset pagination behind an opaque token bound to the filters, as Google's tokens are. */
  function paginate<T>(
    params: URLSearchParams,
    sizeParam: string,
    defaultSize: number,
    maxSize: number,
    items: readonly T[],
  ): Reply | { items: T[]; nextPageToken?: string } {
    const requested = params.get(sizeParam);
    const size = requested === null ? defaultSize : Number(requested);
    if (!Number.isInteger(size) || size < 1 || size > maxSize) {
      return legacyError(400, `Invalid value '${requested}'. Values must be within the range: [1, ${maxSize}]`, 'invalid');
    }
    const signature = filterSignature(params);
    let offset = 0;
    const pageToken = params.get('pageToken');
    if (pageToken) {
      const cursor = decodeCursor(pageToken);
      if (!cursor || cursor.s !== signature) return legacyError(400, 'Invalid Value', 'invalid');
      offset = cursor.o;
    }
    const take = Math.min(size, pageSize);
    const next = offset + take;
    return {
      items: items.slice(offset, next),
      ...(next < items.length ? { nextPageToken: Buffer.from(JSON.stringify({ o: next, s: signature })).toString('base64url') } : {}),
    };
  }
}

// ---- Errors ----------------------------------------------------------------------------

function apiOf(path: string): FakeGoogleApi | 'unknown' {
  if (path.startsWith('/calendar/')) return 'calendar';
  if (path.startsWith('/gmail/')) return 'gmail';
  if (path.startsWith('/drive/')) return 'drive';
  if (path.startsWith('/v1/documents')) return 'docs';
  if (path.startsWith('/v4/spreadsheets')) return 'sheets';
  return 'unknown';
}

const STATUS_OF: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Calendar, Gmail and Drive: `errors[]` with a camel-case reason (a `status` only on some). */
function legacyError(code: number, message: string, reason: string, status?: string, domain = 'global'): Reply {
  return { status: code, body: { error: { code, message, errors: [{ message, domain, reason }], ...(status ? { status } : {}) } } };
}

/** Docs and Sheets: `status`, plus a google.rpc.ErrorInfo detail when there is a reason. */
function modernError(code: number, message: string, status: string, reason?: string, service = 'googleapis.com'): Reply {
  return {
    status: code,
    body: {
      error: {
        code,
        message,
        status,
        ...(reason ? { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service } }] } : {}),
      },
    },
  };
}

function googleError(api: FakeGoogleApi | 'unknown', code: number, message: string, status: string, legacyReason: string): Reply {
  return LEGACY_APIS.has(api) ? legacyError(code, message, legacyReason, status) : modernError(code, message, status);
}

function unauthenticated(api: FakeGoogleApi | 'unknown'): Reply {
  const message =
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. ' +
    'See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  if (!LEGACY_APIS.has(api)) return modernError(401, message, 'UNAUTHENTICATED', 'ACCESS_TOKEN_TYPE_UNSUPPORTED');
  return {
    status: 401,
    headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    body: {
      error: {
        code: 401,
        message,
        errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
        status: 'UNAUTHENTICATED',
      },
    },
  };
}

function faultReply(fault: Exclude<FakeGoogleFault, { kind: 'hang' }>, api: FakeGoogleApi | 'unknown'): Reply {
  switch (fault.kind) {
    case 'rate_limit': {
      const status = fault.status ?? 429;
      const headers = fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : undefined;
      if (status === 403) {
        const reason = fault.reason ?? 'rateLimitExceeded';
        const message = reason === 'userRateLimitExceeded' ? 'User Rate Limit Exceeded' : 'Rate Limit Exceeded';
        return { ...legacyError(403, message, reason, undefined, 'usageLimits'), headers };
      }
      const reply = LEGACY_APIS.has(api)
        ? legacyError(429, 'Too many concurrent requests for user', 'rateLimitExceeded', 'RESOURCE_EXHAUSTED')
        : modernError(
            429,
            `Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service '${api}.googleapis.com' for consumer 'project_number:1234567890'.`,
            'RESOURCE_EXHAUSTED',
            'RATE_LIMIT_EXCEEDED',
            `${api}.googleapis.com`,
          );
      return { ...reply, headers };
    }
    case 'forbidden':
      return LEGACY_APIS.has(api)
        ? {
            status: 403,
            body: {
              error: {
                code: 403,
                message: 'Request had insufficient authentication scopes.',
                errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
                status: 'PERMISSION_DENIED',
                details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com' }],
              },
            },
          }
        : modernError(403, 'Request had insufficient authentication scopes.', 'PERMISSION_DENIED', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT');
    case 'server_error': {
      const status = fault.status ?? 500;
      const message = status === 503 ? 'The service is currently unavailable.' : status === 500 ? 'Backend Error' : 'Bad Gateway';
      return googleError(api, status, message, STATUS_OF[status] ?? 'INTERNAL', 'backendError');
    }
    case 'status':
      return { status: fault.status, body: fault.body, headers: fault.headers };
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const isText = typeof reply.body === 'string';
  res.writeHead(reply.status, { 'Content-Type': isText ? 'text/html; charset=UTF-8' : 'application/json; charset=UTF-8', Vary: 'Origin, X-Origin, Referer', ...reply.headers });
  res.end(isText ? (reply.body as string) : JSON.stringify(reply.body));
}

// ---- Pagination helpers ----------------------------------------------------------------

/** The filters a page token is bound to: everything but the token, the page size and the projection. */
function filterSignature(params: URLSearchParams): string {
  const kept = [...params.entries()].filter(([k]) => !['pageToken', 'maxResults', 'pageSize', 'fields'].includes(k));
  kept.sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));
  return new URLSearchParams(kept).toString();
}

function decodeCursor(value: string): { o: number; s: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { o?: unknown; s?: unknown };
    if (Number.isInteger(parsed.o) && typeof parsed.s === 'string') return { o: parsed.o as number, s: parsed.s };
  } catch {
    // an unreadable token is Google's "Invalid Value"
  }
  return undefined;
}

// ---- Calendar and Gmail helpers --------------------------------------------------------

/** An RFC 3339 time, or an all-day date as UTC midnight. */
function instant(value: string): number {
  return Date.parse(value.includes('T') ? value : `${value}T00:00:00Z`);
}

function rfc2822(iso: string): string {
  return new Date(iso).toUTCString().replace('GMT', '+0000');
}

/** The part of Gmail's search syntax the specs use: is:, in:, label:, from:, to:, subject:, after:, before:, {a b} and words. */
function gmailSearch(q: string): (m: MessageFixture) => boolean {
  const tests: Array<(m: MessageFixture) => boolean> = [];
  const text = (m: MessageFixture) => `${m.from} ${m.to} ${m.subject} ${m.body}`.toLowerCase();
  for (const token of q.match(/\{[^}]*\}|"[^"]*"|\S+/g) ?? []) {
    if (token.startsWith('{')) {
      const any = token.slice(1, -1).toLowerCase().split(/\s+/).filter(Boolean);
      tests.push((m) => any.some((w) => text(m).includes(w)));
      continue;
    }
    const operator = /^(-?)(is|in|label|from|to|subject|after|before|newer_than):(.+)$/i.exec(token);
    if (!operator) {
      const word = token.replace(/^"|"$/g, '').toLowerCase();
      tests.push((m) => text(m).includes(word));
      continue;
    }
    const [, negate, name, raw] = operator;
    const value = raw!.toLowerCase();
    let test: (m: MessageFixture) => boolean;
    switch (name!.toLowerCase()) {
      case 'is':
        test = value === 'read' ? (m) => !m.labels.includes('UNREAD') : (m) => m.labels.includes(value.toUpperCase());
        break;
      case 'in':
        test = (m) => value === 'anywhere' || m.labels.includes(value.toUpperCase());
        break;
      case 'label':
        test = (m) => m.labels.some((l) => l.toLowerCase() === value);
        break;
      case 'from':
        test = (m) => m.from.toLowerCase().includes(value);
        break;
      case 'to':
        test = (m) => m.to.toLowerCase().includes(value);
        break;
      case 'subject':
        test = (m) => m.subject.toLowerCase().includes(value);
        break;
      case 'after':
      case 'before': {
        const at = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value.replace(/\//g, '-') + 'T00:00:00Z');
        test = name!.toLowerCase() === 'after' ? (m) => Date.parse(m.date) >= at : (m) => Date.parse(m.date) < at;
        break;
      }
      default:
        test = () => true;
    }
    tests.push(negate ? (m) => !test(m) : test);
  }
  return (m) => tests.every((t) => t(m));
}

// ---- Drive query language --------------------------------------------------------------

interface DriveQuery {
  matches(file: FileFixture, text: string): boolean;
  fullTextTerms: string[];
}

type Token = { kind: 'string'; value: string } | { kind: 'word'; value: string } | { kind: 'op'; value: string } | { kind: 'paren'; value: '(' | ')' };

/** Drive's query grammar, as far as the connector uses it; anything malformed throws (Drive's 400 "Invalid Value"). */
export function parseDriveQuery(q: string): DriveQuery {
  const tokens = tokenize(q);
  const fullTextTerms: string[] = [];
  let position = 0;
  const peek = () => tokens[position];
  const take = () => {
    const token = tokens[position++];
    if (!token) throw new Error('unexpected end of query');
    return token;
  };
  type Predicate = (file: FileFixture, text: string) => boolean;

  const orExpression = (): Predicate => {
    let left = andExpression();
    while (peek()?.kind === 'word' && peek()!.value.toLowerCase() === 'or') {
      take();
      const right = andExpression();
      const l = left;
      left = (f, t) => l(f, t) || right(f, t);
    }
    return left;
  };
  const andExpression = (): Predicate => {
    let left = unary();
    while (peek()?.kind === 'word' && peek()!.value.toLowerCase() === 'and') {
      take();
      const right = unary();
      const l = left;
      left = (f, t) => l(f, t) && right(f, t);
    }
    return left;
  };
  const unary = (): Predicate => {
    const token = peek();
    if (token?.kind === 'word' && token.value.toLowerCase() === 'not') {
      take();
      const inner = unary();
      return (f, t) => !inner(f, t);
    }
    if (token?.kind === 'paren' && token.value === '(') {
      take();
      const inner = orExpression();
      const close = take();
      if (close.kind !== 'paren' || close.value !== ')') throw new Error('missing )');
      return inner;
    }
    return term();
  };
  const term = (): Predicate => {
    const field = take();
    if (field.kind !== 'word') throw new Error('expected a field');
    const operator = take();
    const op = operator.kind === 'op' || (operator.kind === 'word' && operator.value === 'contains') ? operator.value : undefined;
    if (!op) throw new Error('expected an operator');
    const value = take();
    if (value.kind === 'paren' || value.kind === 'op') throw new Error('expected a value');
    const literal = value.value;
    switch (field.value) {
      case 'fullText':
        if (op !== 'contains' || value.kind !== 'string') throw new Error('fullText takes contains and a string');
        fullTextTerms.push(literal);
        return (_f, text) => fullTextMatches(text, literal);
      case 'name':
        if (value.kind !== 'string') throw new Error('name takes a string');
        if (op === 'contains') return (f) => f.name.toLowerCase().includes(literal.toLowerCase());
        if (op === '=') return (f) => f.name === literal;
        if (op === '!=') return (f) => f.name !== literal;
        throw new Error('bad name operator');
      case 'mimeType':
        if (value.kind !== 'string') throw new Error('mimeType takes a string');
        if (op === '=') return (f) => f.mimeType === literal;
        if (op === '!=') return (f) => f.mimeType !== literal;
        throw new Error('bad mimeType operator');
      case 'trashed':
        if (value.kind !== 'word' || !['true', 'false'].includes(literal) || (op !== '=' && op !== '!=')) throw new Error('trashed takes = true|false');
        return (f) => ((f.trashed ?? false) === (literal === 'true')) === (op === '=');
      case 'modifiedTime': {
        if (value.kind !== 'string' || !RFC3339.test(literal)) throw new Error('modifiedTime takes an RFC 3339 string');
        const at = Date.parse(literal);
        const compare: Record<string, (a: number) => boolean> = {
          '>': (a) => a > at,
          '>=': (a) => a >= at,
          '<': (a) => a < at,
          '<=': (a) => a <= at,
          '=': (a) => a === at,
          '!=': (a) => a !== at,
        };
        const check = compare[op];
        if (!check) throw new Error('bad modifiedTime operator');
        return (f) => check(Date.parse(f.modifiedTime));
      }
      default:
        throw new Error(`unknown field ${field.value}`);
    }
  };

  const predicate = orExpression();
  if (position !== tokens.length) throw new Error('trailing tokens');
  return { matches: predicate, fullTextTerms };
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'paren', value: c });
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= q.length) throw new Error('unterminated string');
        const d = q[i]!;
        if (d === '\\') {
          const escaped = q[i + 1];
          if (escaped !== "'" && escaped !== '\\') throw new Error('bad escape');
          value += escaped;
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ kind: 'string', value });
    } else {
      const op = /^(!=|<=|>=|=|<|>)/.exec(q.slice(i));
      if (op) {
        tokens.push({ kind: 'op', value: op[1]! });
        i += op[1]!.length;
        continue;
      }
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(q.slice(i));
      if (!word) throw new Error(`unexpected ${c}`);
      tokens.push({ kind: 'word', value: word[0] });
      i += word[0].length;
    }
  }
  return tokens;
}

/** `"exact phrase"` must occur as written; otherwise every word must occur. Case-insensitive. */
function fullTextMatches(text: string, term: string): boolean {
  const lower = term.toLowerCase();
  if (lower.length > 1 && lower.startsWith('"') && lower.endsWith('"')) return text.includes(lower.slice(1, -1));
  return lower.split(/\s+/).filter(Boolean).every((w) => text.includes(w));
}

// ---- `fields` projection (Drive, Sheets) ----------------------------------------------------

type FieldTree = Map<string, FieldTree | null>;

/** `nextPageToken,files(id,owners(displayName))`, `sheets.properties(title)` → a tree of the fields to keep. */
function parseFields(fields: string): FieldTree {
  let i = 0;
  const list = (): FieldTree => {
    const tree: FieldTree = new Map();
    while (i < fields.length && fields[i] !== ')') {
      const name = /^[A-Za-z0-9_.]+/.exec(fields.slice(i))?.[0];
      if (!name) throw new Error(`bad fields at ${i}`);
      i += name.length;
      let sub: FieldTree | null = null;
      if (fields[i] === '(') {
        i++;
        sub = list();
        i++;
      }
      const path = name.split('.');
      let node = tree;
      for (const [index, part] of path.entries()) {
        if (index === path.length - 1) {
          const existing = node.get(part);
          node.set(part, existing && sub ? new Map([...existing, ...sub]) : sub);
        } else {
          let next = node.get(part);
          if (!next) {
            next = new Map();
            node.set(part, next);
          }
          node = next;
        }
      }
      if (fields[i] === ',') i++;
    }
    return tree;
  };
  return list();
}

function project(value: unknown, tree: FieldTree | null): unknown {
  if (tree === null) return value;
  if (Array.isArray(value)) return value.map((v) => project(v, tree));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    if (key in value) out[key] = project((value as Record<string, unknown>)[key], sub);
  }
  return out;
}

// ---- Docs JSON -------------------------------------------------------------------------

function blockText(block: DocBlock): string {
  switch (block.kind) {
    case 'bullets':
      return block.items.join('\n');
    case 'table':
      return block.rows.map((r) => r.join(' ')).join('\n');
    default:
      return block.text.replace(/@\[([^\]]+)\]\([^)]+\)/g, '$1');
  }
}

/** A Docs v1 document: section break, table of contents (when there are headings), paragraphs, lists and tables with indices. */
function documentJson(document: DocumentFixture) {
  let index = 1;
  const paragraph = (text: string, style: string, extra: Record<string, unknown> = {}) => {
    const start = index;
    const elements: Array<Record<string, unknown>> = [];
    // `@[Name](email)` becomes a person smart chip, as Docs stores an @-mention.
    for (const part of `${text}\n`.split(/(@\[[^\]]+\]\([^)]+\))/)) {
      if (!part) continue;
      const chip = /^@\[([^\]]+)\]\(([^)]+)\)$/.exec(part);
      const length = chip ? 1 : part.length;
      elements.push(
        chip
          ? { startIndex: index, endIndex: index + 1, person: { personId: `kix.${chip[2]!.length}`, personProperties: { name: chip[1], email: chip[2] } } }
          : { startIndex: index, endIndex: index + length, textRun: { content: part, textStyle: {} } },
      );
      index += length;
    }
    return {
      startIndex: start,
      endIndex: index,
      paragraph: {
        elements,
        paragraphStyle: { namedStyleType: style, direction: 'LEFT_TO_RIGHT', ...(style.startsWith('HEADING') ? { headingId: `h.${start}` } : {}) },
        ...extra,
      },
    };
  };
  const content: Array<Record<string, unknown>> = [{ endIndex: 1, sectionBreak: { sectionStyle: { columnSeparatorStyle: 'NONE', contentDirection: 'LEFT_TO_RIGHT', sectionType: 'CONTINUOUS' } } }];
  const headings = document.blocks.filter((b) => b.kind === 'heading');
  for (const block of document.blocks) {
    switch (block.kind) {
      case 'title':
        content.push(paragraph(block.text, 'TITLE'));
        if (headings.length) {
          const start = index;
          const entries = headings.map((h) => paragraph(h.kind === 'heading' ? h.text : '', 'NORMAL_TEXT'));
          content.push({ startIndex: start, endIndex: index, tableOfContents: { content: entries } });
        }
        break;
      case 'heading':
        content.push(paragraph(block.text, 'HEADING_1'));
        break;
      case 'paragraph':
        content.push(paragraph(block.text, 'NORMAL_TEXT'));
        break;
      case 'bullets':
        for (const item of block.items) content.push(paragraph(item, 'NORMAL_TEXT', { bullet: { listId: 'kix.list.1', textStyle: { underline: false } } }));
        break;
      case 'table': {
        const start = index++;
        const tableRows = block.rows.map((row) => {
          const rowStart = index++;
          const tableCells = row.map((cell) => {
            const cellStart = index++;
            const inner = paragraph(cell, 'NORMAL_TEXT');
            return { startIndex: cellStart, endIndex: index, content: [inner], tableCellStyle: { rowSpan: 1, columnSpan: 1 } };
          });
          return { startIndex: rowStart, endIndex: index, tableCells, tableRowStyle: { minRowHeight: { unit: 'PT' } } };
        });
        content.push({
          startIndex: start,
          endIndex: ++index,
          table: { rows: block.rows.length, columns: block.rows[0]?.length ?? 0, tableRows, tableStyle: { tableColumnProperties: [] } },
        });
        break;
      }
    }
  }
  return {
    documentId: document.id,
    title: document.title,
    body: { content },
    documentStyle: { pageSize: { height: { magnitude: 841.89, unit: 'PT' }, width: { magnitude: 595.28, unit: 'PT' } } },
    namedStyles: { styles: [] },
    revisionId: 'ALBJ4LuJmZcFMIE0_rEVISION',
    suggestionsViewMode: 'SUGGESTIONS_INLINE',
    lists: { 'kix.list.1': { listProperties: { nestingLevels: [{ glyphType: 'GLYPH_TYPE_UNSPECIFIED', glyphSymbol: '●' }] } } },
  };
}

// ---- Sheets helpers ----------------------------------------------------------------------

function grid(sheet: SheetFixture): { rows: number; columns: number } {
  return {
    rows: sheet.rowCount ?? Math.max(1_000, sheet.rows.length),
    columns: sheet.columnCount ?? Math.max(26, ...sheet.rows.map((r) => r.length)),
  };
}

/** `Summary!A1:D20`, `'Q2 budget'!1:101`, `Summary`, `A1:C5` (first sheet): bounds clipped to the grid, 1-based. */
function parseA1(range: string, spreadsheet: SpreadsheetFixture) {
  const split = /^('(?:[^']|'')+'|[^!']+)!(.*)$/.exec(range);
  let title: string | undefined;
  let cells: string;
  if (split) {
    title = split[1]!.startsWith("'") ? split[1]!.slice(1, -1).replace(/''/g, "'") : split[1]!;
    cells = split[2]!;
  } else if (/^[A-Z]*\d*(:[A-Z]*\d*)?$/i.test(range) && /\d|:/.test(range)) {
    cells = range;
  } else {
    title = range.startsWith("'") ? range.slice(1, -1).replace(/''/g, "'") : range;
    cells = '';
  }
  const sheet = title === undefined ? spreadsheet.sheets[0] : spreadsheet.sheets.find((s) => s.title === title);
  if (!sheet) return undefined;
  const bounds = grid(sheet);
  if (!cells) return { sheet, rowStart: 1, rowEnd: bounds.rows, colStart: 1, colEnd: bounds.columns };
  const match = /^([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?$/i.exec(cells);
  if (!match || (!match[1] && !match[2])) return undefined;
  const [, c1, r1, c2, r2] = match;
  const single = match[3] === undefined && match[4] === undefined;
  const colStart = c1 ? columnNumber(c1) : 1;
  const rowStart = r1 ? Number(r1) : 1;
  const colEnd = single ? colStart : c2 ? columnNumber(c2) : bounds.columns;
  const rowEnd = single ? rowStart : r2 ? Number(r2) : bounds.rows;
  if (rowStart < 1 || rowEnd < rowStart || colEnd < colStart) return undefined;
  return { sheet, rowStart, rowEnd: Math.min(rowEnd, bounds.rows), colStart, colEnd: Math.min(colEnd, bounds.columns) };
}

function columnNumber(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 64), 0);
}

function columnName(n: number): string {
  let name = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) name = String.fromCharCode(65 + ((x - 1) % 26)) + name;
  return name;
}

function a1Title(title: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) ? title : `'${title.replace(/'/g, "''")}'`;
}

function trimTrailing(row: string[]): string[] {
  const out = [...row];
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

function transpose(rows: string[][]): string[][] {
  const width = Math.max(0, ...rows.map((r) => r.length));
  return Array.from({ length: width }, (_, c) => trimTrailing(rows.map((r) => r[c] ?? '')));
}

