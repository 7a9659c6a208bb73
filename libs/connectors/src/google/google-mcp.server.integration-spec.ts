import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { GoogleApiClient, GoogleApiClientOptions } from './google-api.client';
import { createGoogleMcpServer, GoogleMcpServerOptions } from './google-mcp.server';
import {
  BUDGET_SHEET_ID,
  CHECKOUT_BRIEF_ID,
  FIXTURE_DOCUMENTS,
  FIXTURE_NOW,
  HANDBOOK_ID,
  POSTMORTEM_ID,
  QUOTED_DOC_ID,
  ROTA_SHEET_ID,
  TEAM_CALENDAR_ID,
} from './testing/fake-google.fixtures';
import { FAKE_GOOGLE_TOKEN, FakeGoogle, startFakeGoogle } from './testing/fake-google.server';

const TOKEN = FAKE_GOOGLE_TOKEN;

interface Harness {
  client: Client;
  close(): Promise<void>;
}

interface ToolError {
  code: string;
  message: string;
  retry_after_seconds?: number;
}

interface EventOut {
  id: string;
  summary: string | null;
  start: string | null;
  end: string | null;
  all_day: boolean;
  [key: string]: unknown;
}
interface EventsOut {
  calendar_id: string;
  time_min: string | null;
  events: EventOut[];
  count: number;
  truncated: boolean;
  next_page_token?: string;
}
interface MessageOut {
  id: string;
  subject: string | null;
  snippet: string;
  [key: string]: unknown;
}
interface MessagesOut {
  query: string;
  messages: MessageOut[];
  count: number;
  truncated: boolean;
  next_page_token?: string;
}
interface FilesOut {
  query: string;
  files: Array<{ id: string; name: string; type: string; [key: string]: unknown }>;
  count: number;
  truncated: boolean;
  next_page_token?: string;
}
interface DocumentOut {
  document_id: string;
  title: string;
  url: string;
  text: string;
  char_count: number;
  truncated: boolean;
}
interface SheetOut {
  title: string;
  url: string;
  sheets: Array<{ title: string }>;
  range: string;
  rows: string[][];
  row_count: number;
  truncated: boolean;
}

describe('Google Workspace MCP server', () => {
  let google: FakeGoogle;
  let sut: Harness;
  const harnesses: Harness[] = [];
  /** Every tool result the specs saw, to prove the token never leaks into one. */
  const seen: string[] = [];

  async function connect(api: Partial<GoogleApiClientOptions> = {}, server: Partial<Omit<GoogleMcpServerOptions, 'client'>> = {}, base = google): Promise<Harness> {
    const apiClient = new GoogleApiClient({
      accessToken: TOKEN,
      apiUrl: base.url,
      serverErrorRetryDelaysMs: [10, 20],
      rateLimitRetryDelaysMs: [20, 40],
      timeoutMs: 2_000,
      ...api,
    });
    const mcp = createGoogleMcpServer({ client: apiClient, now: () => FIXTURE_NOW, ...server });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'google-mcp-spec', version: '0.0.0' });
    await mcp.connect(serverTransport);
    await client.connect(clientTransport);
    const harness = {
      client,
      close: async () => {
        await client.close();
        await mcp.close();
      },
    };
    harnesses.push(harness);
    return harness;
  }

  async function call(harness: Harness, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    const result = (await harness.client.callTool({ name, arguments: args })) as CallToolResult;
    seen.push(JSON.stringify(result));
    return result;
  }

  function structured<T>(result: CallToolResult): T {
    if (result.isError) throw new Error(`unexpected tool error: ${JSON.stringify(result.content)}`);
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
    expect(JSON.parse(text)).toEqual(result.structuredContent);
    return result.structuredContent as T;
  }

  function errorOf(result: CallToolResult): ToolError {
    expect(result.isError).toBe(true);
    const error = (result.structuredContent as { error: ToolError }).error;
    expect(result.content[0]).toEqual({ type: 'text', text: error.message });
    return error;
  }

  beforeAll(async () => {
    google = await startFakeGoogle();
    sut = await connect();
  });

  beforeEach(() => google.reset());

  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    await google?.close();
  });

  it('should offer the five read-only tools', async () => {
    const { tools } = await sut.client.listTools();

    expect(tools.map((t) => t.name).sort()).toEqual(['get_document', 'get_events', 'get_spreadsheet', 'list_messages', 'search_drive_files']);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true && t.annotations?.destructiveHint === false)).toBe(true);
    expect(tools.find((t) => t.name === 'get_document')?.inputSchema.required).toEqual(['document_id']);
    expect(tools.find((t) => t.name === 'get_spreadsheet')?.inputSchema.required).toEqual(['spreadsheet_id']);
  });

  describe('get_events', () => {
    const week = { time_min: '2025-03-10T00:00:00Z', time_max: '2025-03-17T00:00:00Z' };

    it('should gather a week of the primary calendar across pages, in start order', async () => {
      const result = structured<EventsOut>(await call(sut, 'get_events', week));

      expect(result.events.map((e) => e.summary)).toEqual([
        'Weekly product sync',
        'Incident retro: payments outage',
        'Design review: checkout redesign',
        '1:1 Ada / Ben',
        'Acme Corp renewal call',
        'Company offsite',
        'Q2 planning',
      ]);
      expect(result).toMatchObject({ calendar_id: 'primary', count: 7, truncated: false });
      expect(result.next_page_token).toBeUndefined();
      // Pages of three: each request asks only for what is still wanted, and carries the filters.
      expect(google.requests.map((r) => [r.query['maxResults'], r.query['pageToken'] !== undefined])).toEqual([
        ['50', false],
        ['47', true],
        ['44', true],
      ]);
      expect(google.requests.every((r) => r.query['singleEvents'] === 'true' && r.query['orderBy'] === 'startTime')).toBe(true);
      expect(google.requests[0]).toMatchObject({ path: '/calendar/v3/calendars/primary/events', query: { timeMin: week.time_min, timeMax: week.time_max } });
    });

    it('should keep only the fields Mosaic cites when it returns an event', async () => {
      const result = structured<EventsOut>(await call(sut, 'get_events', week));

      expect(result.events[2]).toEqual({
        id: '1a2b3c4d5e6f7g8h9i0j1k2l3m',
        summary: 'Design review: checkout redesign',
        status: 'confirmed',
        start: '2025-03-12T10:00:00Z',
        end: '2025-03-12T11:00:00Z',
        all_day: false,
        location: 'Room Fuji',
        description: 'Review the new checkout flow mocks. Brief: "Checkout redesign brief" in Drive.',
        organizer: 'chloe@northwind.example',
        attendees: [
          { email: 'chloe@northwind.example', name: 'Chloe Martin', response: 'accepted' },
          { email: 'ada@northwind.example', name: 'Ada Lovelace', response: 'accepted' },
          { email: 'ben@northwind.example', name: 'Ben Okafor', response: 'tentative' },
        ],
        attendee_count: 3,
        meet_link: 'https://meet.google.com/abc-defg-hij',
        html_link: expect.stringMatching(/^https:\/\/www\.google\.com\/calendar\/event\?eid=/),
      });
      expect(result.events[5]).toMatchObject({ summary: 'Company offsite', start: '2025-03-13', end: '2025-03-15', all_day: true });
      expect(JSON.stringify(result)).not.toContain('iCalUID');
    });

    it('should list events from now on when no time bounds are given', async () => {
      const result = structured<EventsOut>(await call(sut, 'get_events'));

      expect(result.time_min).toBe(FIXTURE_NOW.toISOString());
      expect(result.events[0]?.summary).toBe('Design review: checkout redesign');
      expect(result.events.map((e) => e.summary)).not.toContain('Weekly product sync');
      expect(google.requests[0]?.query['timeMax']).toBeUndefined();
    });

    it('should read another calendar, its id encoded in the path, when calendar_id is given', async () => {
      const result = structured<EventsOut>(await call(sut, 'get_events', { ...week, calendar_id: TEAM_CALENDAR_ID }));

      expect(result.events.map((e) => e.summary)).toEqual(['On-call handover']);
      expect(google.requests[0]?.path).toBe('/calendar/v3/calendars/ops-team%40group.calendar.google.com/events');
    });

    it('should use the configured default calendar when the call names none', async () => {
      const team = await connect({}, { defaultCalendarId: TEAM_CALENDAR_ID });

      const result = structured<EventsOut>(await call(team, 'get_events', week));

      expect(result).toMatchObject({ calendar_id: TEAM_CALENDAR_ID, count: 1 });
    });

    it('should stop at max_items with a token that continues the same listing', async () => {
      const first = structured<EventsOut>(await call(sut, 'get_events', { ...week, max_items: 2 }));
      const rest = structured<EventsOut>(await call(sut, 'get_events', { ...week, max_items: 10, page_token: first.next_page_token }));

      expect(first).toMatchObject({ count: 2, truncated: true, next_page_token: expect.any(String) });
      expect(rest.events.map((e) => e.summary)).toEqual(['Design review: checkout redesign', '1:1 Ada / Ben', 'Acme Corp renewal call', 'Company offsite', 'Q2 planning']);
      expect(rest.truncated).toBe(false);
    });

    it('should filter by free text when query is given', async () => {
      const result = structured<EventsOut>(await call(sut, 'get_events', { ...week, query: 'acme' }));

      expect(result.events.map((e) => e.summary)).toEqual(['Acme Corp renewal call']);
    });

    it('should refuse a time that is not RFC 3339 before calling Google', async () => {
      const result = await call(sut, 'get_events', { time_min: '12 March 2025' });

      expect(result.isError).toBe(true);
      expect(google.count()).toBe(0);
    });

    it('should report not_found when the calendar does not exist', async () => {
      expect(errorOf(await call(sut, 'get_events', { calendar_id: 'nobody@example.com' }))).toEqual({
        code: 'not_found',
        message: 'not found on google (GET /calendar/v3/calendars/nobody%40example.com/events)',
      });
    });
  });

  describe('list_messages', () => {
    it('should return unread important mail with headers and decoded snippets, newest first', async () => {
      const result = structured<MessagesOut>(await call(sut, 'list_messages', { query: 'is:unread is:important' }));

      expect(result.messages.map((m) => m.subject)).toEqual(['Re: Acme renewal - pricing question', 'Payments outage postmortem draft', 'Q2 planning inputs']);
      expect(result.messages[1]).toEqual({
        id: '1958209f8e7d6c5b',
        thread_id: '1958209f8e7d6c5b',
        from: 'Ben Okafor <ben@northwind.example>',
        to: 'Ada Lovelace <ada@northwind.example>',
        subject: 'Payments outage postmortem draft',
        date: '2025-03-11T17:40:00.000Z',
        snippet: "Here's the draft postmortem for Tuesday's outage & the action items. Root cause: an expired TLS certificate",
        labels: ['UNREAD', 'IMPORTANT', 'CATEGORY_PERSONAL', 'INBOX'],
        unread: true,
        important: true,
        url: 'https://mail.google.com/mail/u/0/#inbox/1958209f8e7d6c5b',
      });
      const get = google.requests.find((r) => r.path.endsWith('/messages/1958209f8e7d6c5b'))!;
      expect(get.query['format']).toBe('metadata');
      expect(get.params.getAll('metadataHeaders')).toEqual(['From', 'To', 'Subject', 'Date']);
    });

    it('should page through the inbox and read each message once when no query is given', async () => {
      const result = structured<MessagesOut>(await call(sut, 'list_messages'));

      expect(result.query).toBe('in:inbox');
      expect(result.count).toBe(6);
      expect(result.messages.map((m) => m.subject)).not.toContain('Contract signed');
      const lists = google.requests.filter((r) => r.path === '/gmail/v1/users/me/messages');
      expect(lists.map((r) => r.query['pageToken'] !== undefined)).toEqual([false, true]);
      expect(google.requests.filter((r) => r.path.startsWith('/gmail/v1/users/me/messages/'))).toHaveLength(6);
    });

    it('should turn after and before into Gmail epoch-second operators', async () => {
      const result = structured<MessagesOut>(await call(sut, 'list_messages', { after: '2025-03-12T00:00:00Z', before: '2025-03-12T09:00:00Z' }));

      expect(result.query).toBe('in:inbox after:1741737600 before:1741770000');
      expect(result.messages.map((m) => m.subject)).toEqual(['Lunch?', 'Re: Acme renewal - pricing question', 'Your weekly digest']);
    });

    it('should leave spam out when the search would match it', async () => {
      const result = structured<MessagesOut>(await call(sut, 'list_messages', { query: 'discount' }));

      expect(result.messages.map((m) => m.id)).toEqual(['195830a1b2c3d4e5']);
    });

    it('should return an empty list when Gmail leaves out the messages field', async () => {
      const result = structured<MessagesOut>(await call(sut, 'list_messages', { query: 'from:nobody@example.com' }));

      expect(result).toMatchObject({ messages: [], count: 0, truncated: false, result_size_estimate: 0 });
    });

    it('should skip a message deleted between the listing and its read', async () => {
      google.inject({ kind: 'status', status: 404, body: { error: { code: 404, message: 'Requested entity was not found.', errors: [{ reason: 'notFound' }], status: 'NOT_FOUND' } } }, 1, /\/messages\/1957f0ffeeddccbb$/);

      const result = structured<MessagesOut>(await call(sut, 'list_messages', { query: 'is:unread is:important' }));

      expect(result.messages.map((m) => m.id)).toEqual(['195830a1b2c3d4e5', '1958209f8e7d6c5b']);
    });

    it('should wait out a rate limit on one message read and still return every message', async () => {
      google.inject({ kind: 'rate_limit', status: 429, retryAfter: '0.05' }, 1, /\/messages\/195830a1b2c3d4e5$/);

      const result = structured<MessagesOut>(await call(sut, 'list_messages', { query: 'is:unread is:important' }));

      expect(result.count).toBe(3);
      expect(google.requests.filter((r) => r.path.endsWith('/195830a1b2c3d4e5'))).toHaveLength(2);
    });
  });

  describe('search_drive_files', () => {
    it('should search full text, leave trashed files out and ask for the fields it cites', async () => {
      const result = structured<FilesOut>(await call(sut, 'search_drive_files', { keywords: ['checkout'] }));

      expect(result.query).toBe("fullText contains 'checkout' and trashed = false");
      expect(result.files.map((f) => f.name).sort()).toEqual(['Board deck March', 'Checkout redesign brief']);
      expect(result.files.find((f) => f.id === CHECKOUT_BRIEF_ID)).toEqual({
        id: CHECKOUT_BRIEF_ID,
        name: 'Checkout redesign brief',
        type: 'document',
        mime_type: 'application/vnd.google-apps.document',
        modified_time: '2025-03-09T16:20:00.000Z',
        owners: ['Chloe Martin'],
        description: null,
        web_view_link: `https://docs.google.com/document/d/${CHECKOUT_BRIEF_ID}/edit?usp=drivesdk`,
      });
      const request = google.requests[0]!;
      expect(request.query['orderBy']).toBeUndefined();
      expect(request.query['fields']).toContain('nextPageToken');
      expect(request.query['fields']).toContain('webViewLink');
      expect(request.query).toMatchObject({ corpora: 'allDrives', includeItemsFromAllDrives: 'true', supportsAllDrives: 'true' });
    });

    it.each([
      ["O'Brien", "fullText contains 'O\\'Brien' and trashed = false"],
      ['C:\\exports\\q1', "fullText contains 'C:\\\\exports\\\\q1' and trashed = false"],
    ])('should escape %j so Drive accepts the query and finds the file', async (keyword, query) => {
      const result = structured<FilesOut>(await call(sut, 'search_drive_files', { keywords: [keyword] }));

      expect(result.query).toBe(query);
      expect(result.files.map((f) => f.id)).toEqual([QUOTED_DOC_ID]);
    });

    it('should need every keyword when match is all and any one when match is any', async () => {
      const all = structured<FilesOut>(await call(sut, 'search_drive_files', { keywords: ['checkout', 'budget'] }));
      const any = structured<FilesOut>(await call(sut, 'search_drive_files', { keywords: ['checkout', 'budget'], match: 'any' }));

      expect(all.files.map((f) => f.name)).toEqual(['Board deck March']);
      expect(any.files.map((f) => f.name)).toEqual(['Board deck March', 'Q2 budget 2025', 'Checkout redesign brief']);
    });

    it('should list the newest files of a type, ordered by Drive, when no keywords are given', async () => {
      const result = structured<FilesOut>(await call(sut, 'search_drive_files', { type: 'spreadsheet' }));

      expect(result.files.map((f) => f.name)).toEqual(['Q2 budget 2025', 'Support rota 2025']);
      expect(google.requests[0]?.query['orderBy']).toBe('modifiedTime desc');
    });

    it('should follow nextPageToken up to max_items and continue from the token', async () => {
      const first = structured<FilesOut>(await call(sut, 'search_drive_files', { max_items: 5 }));
      const rest = structured<FilesOut>(await call(sut, 'search_drive_files', { max_items: 20, page_token: first.next_page_token }));

      expect(first).toMatchObject({ count: 5, truncated: true, next_page_token: expect.any(String) });
      expect(google.requests.slice(0, 2).map((r) => r.query['pageSize'])).toEqual(['5', '2']);
      expect(first.files.map((f) => f.name)).toEqual(['Payments outage postmortem (2025-03-11)', 'Q2 budget 2025', 'Checkout redesign brief', 'Board deck March', 'Design']);
      expect(rest.files.map((f) => f.name)).toEqual(['Support rota 2025', 'Acme MSA signed.pdf', "O'Brien's notes", 'Employee handbook']);
      expect(rest.files.map((f) => f.name)).not.toContain('Old checkout notes');
    });
  });

  describe('get_document', () => {
    it('should return the plain text of paragraphs, lists and tables without the table of contents', async () => {
      const result = structured<DocumentOut>(await call(sut, 'get_document', { document_id: CHECKOUT_BRIEF_ID }));

      expect(result).toMatchObject({
        document_id: CHECKOUT_BRIEF_ID,
        title: 'Checkout redesign brief',
        url: `https://docs.google.com/document/d/${CHECKOUT_BRIEF_ID}/edit`,
        truncated: false,
      });
      expect(result.text).toBe(
        [
          'Checkout redesign brief',
          'Goal',
          'Cut checkout abandonment on mobile from 68% to 55% by the end of Q2.',
          'Scope',
          '- One-page checkout with Apple Pay and Google Pay',
          '- Address autocomplete',
          '- Guest checkout by default',
          'Timeline',
          'Milestone | Owner | Date',
          'Mocks approved | Chloe | 12 March',
          'Beta to 10% of traffic | Ben | 15 April',
          '',
          'Risks: the payment provider migration may slip; Apple Pay needs a new merchant certificate.',
        ].join('\n'),
      );
      expect(result.char_count).toBe(result.text.length);
    });

    it('should write a person chip as the person\'s name', async () => {
      const result = structured<DocumentOut>(await call(sut, 'get_document', { document_id: POSTMORTEM_ID }));

      expect(result.text.split('\n').at(-1)).toBe('Owner: Ben Okafor');
    });

    it('should cut a long document at max_chars and say so', async () => {
      const cut = structured<DocumentOut>(await call(sut, 'get_document', { document_id: HANDBOOK_ID }));
      const whole = structured<DocumentOut>(await call(sut, 'get_document', { document_id: HANDBOOK_ID, max_chars: 100_000 }));

      expect(cut.truncated).toBe(true);
      expect(cut.text.length).toBeLessThanOrEqual(20_000);
      expect(cut.text.length).toBeGreaterThan(19_000);
      expect(cut.char_count).toBe(whole.char_count);
      expect(cut.text).not.toContain('parental leave');
      expect(whole).toMatchObject({ truncated: false });
      expect(whole.text.endsWith('Final section: the parental leave policy is sixteen weeks at full pay.')).toBe(true);
    });

    it('should say the request was invalid when the id is a spreadsheet, and not found when it is unknown', async () => {
      expect(errorOf(await call(sut, 'get_document', { document_id: BUDGET_SHEET_ID }))).toEqual({
        code: 'invalid_request',
        message: `google rejected GET /v1/documents/${BUDGET_SHEET_ID} (HTTP 400: This operation is not supported for this document)`,
      });
      expect(errorOf(await call(sut, 'get_document', { document_id: 'no-such-doc' }))).toMatchObject({ code: 'not_found' });
    });
  });

  describe('get_spreadsheet', () => {
    it('should read the first sheet from its first row when no range is given', async () => {
      const result = structured<SheetOut>(await call(sut, 'get_spreadsheet', { spreadsheet_id: BUDGET_SHEET_ID }));

      expect(result).toEqual({
        spreadsheet_id: BUDGET_SHEET_ID,
        title: 'Q2 budget 2025',
        url: `https://docs.google.com/spreadsheets/d/${BUDGET_SHEET_ID}/edit`,
        sheets: [
          { sheet_id: 0, title: 'Summary', row_count: 1000, column_count: 26 },
          { sheet_id: 1851260415, title: "Hiring plan '25", row_count: 1000, column_count: 26 },
        ],
        range: 'Summary!A1:Z101',
        rows: [
          ['Team', 'Q2 budget', 'Spent', 'Owner'],
          ['Engineering', '$420,000', '$130,500', 'Ben Okafor'],
          ['Design', '$95,000', '$41,200', 'Chloe Martin'],
          ['Marketing', '$180,000', '$77,900', 'Sam Rivera'],
          ['Support', '$60,000', '$15,000', 'Ada Lovelace', 'over on tooling'],
        ],
        row_count: 5,
        truncated: false,
      });
      // Titles and sheet list only, never the grid data.
      expect(google.requests[0]?.query['fields']).toContain('sheets.properties');
      expect(google.requests[1]?.query).toMatchObject({ majorDimension: 'ROWS', valueRenderOption: 'FORMATTED_VALUE' });
    });

    it('should quote a sheet title with an apostrophe when the sheet is named', async () => {
      const result = structured<SheetOut>(await call(sut, 'get_spreadsheet', { spreadsheet_id: BUDGET_SHEET_ID, sheet: "Hiring plan '25" }));

      expect(result.rows).toEqual([
        ['Role', 'Team', 'Start'],
        ['Senior backend engineer', 'Engineering', 'May'],
      ]);
      expect(result.range).toBe("'Hiring plan ''25'!A1:Z101");
    });

    it('should read exactly the given A1 range when range is given', async () => {
      const result = structured<SheetOut>(await call(sut, 'get_spreadsheet', { spreadsheet_id: BUDGET_SHEET_ID, range: 'Summary!A2:B3' }));

      expect(result.rows).toEqual([
        ['Engineering', '$420,000'],
        ['Design', '$95,000'],
      ]);
    });

    it('should cap the rows and say more follow when the sheet is longer than max_rows', async () => {
      const byDefault = structured<SheetOut>(await call(sut, 'get_spreadsheet', { spreadsheet_id: ROTA_SHEET_ID }));
      const ten = structured<SheetOut>(await call(sut, 'get_spreadsheet', { spreadsheet_id: ROTA_SHEET_ID, max_rows: 10 }));

      expect(byDefault).toMatchObject({ row_count: 100, truncated: true });
      expect(byDefault.rows).toHaveLength(100);
      expect(ten.rows.at(-1)).toEqual(['W9', 'Ada', 'Chloe']);
      expect(ten.truncated).toBe(true);
    });

    it('should name the sheets there are when the sheet asked for does not exist', async () => {
      expect(errorOf(await call(sut, 'get_spreadsheet', { spreadsheet_id: BUDGET_SHEET_ID, sheet: 'Forecast' }))).toEqual({
        code: 'not_found',
        message: `the spreadsheet has no sheet named "Forecast" (sheets: Summary, Hiring plan '25)`,
      });
    });

    it('should pass on Google\'s reason when the range cannot be parsed', async () => {
      const error = errorOf(await call(sut, 'get_spreadsheet', { spreadsheet_id: BUDGET_SHEET_ID, range: 'Forecast!A1:B2' }));

      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain('HTTP 400: Unable to parse range: Forecast!A1:B2');
    });
  });

  describe('failures', () => {
    it.each<[string, Record<string, unknown>]>([
      ['get_events', {}],
      ['get_document', { document_id: CHECKOUT_BRIEF_ID }],
    ])('should say credentials were rejected when %s meets a revoked token, without echoing it', async (tool, args) => {
      const revoked = `${TOKEN}-revoked`;
      const harness = await connect({ accessToken: revoked });

      const result = await call(harness, tool, args);
      const error = errorOf(result);

      expect(error.code).toBe('credentials_rejected');
      expect(error.message).toMatch(/^credentials rejected for google \(HTTP 401 UNAUTHENTICATED on GET \//);
      expect(JSON.stringify(result)).not.toContain(revoked);
      expect(google.count()).toBe(1);
    });

    it('should wait out a 429 with Retry-After once and then succeed', async () => {
      google.inject({ kind: 'rate_limit', status: 429, retryAfter: '0.2' });
      const started = Date.now();

      const result = structured<EventsOut>(await call(sut, 'get_events', { time_min: '2025-03-12T00:00:00Z', time_max: '2025-03-13T00:00:00Z' }));

      expect(result.count).toBe(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(google.count()).toBe(2);
    });

    it('should back off on its own when a 403 rateLimitExceeded names no Retry-After', async () => {
      google.inject({ kind: 'rate_limit', status: 403, reason: 'rateLimitExceeded' });

      const result = structured<FilesOut>(await call(sut, 'search_drive_files', { keywords: ['checkout'] }));

      expect(result.count).toBe(2);
      expect(google.count()).toBe(2);
    });

    it('should give up rate_limited after the bounded retries when Google keeps throttling', async () => {
      google.inject({ kind: 'rate_limit', status: 403, reason: 'userRateLimitExceeded' }, 5);

      const error = errorOf(await call(sut, 'get_events'));

      expect(error).toEqual({
        code: 'rate_limited',
        message: 'google rate limited (HTTP 403 userRateLimitExceeded on GET /calendar/v3/calendars/primary/events); retry after 1 s',
        retry_after_seconds: 1,
      });
      expect(google.count()).toBe(3);
    });

    it('should fail at once with the wait when Retry-After is longer than the client waits', async () => {
      google.inject({ kind: 'rate_limit', status: 429, retryAfter: '30' }, 1, 'sheets');

      const error = errorOf(await call(sut, 'get_spreadsheet', { spreadsheet_id: BUDGET_SHEET_ID }));

      expect(error).toMatchObject({ code: 'rate_limited', retry_after_seconds: 30 });
      expect(error.message).toContain('HTTP 429 RATE_LIMIT_EXCEEDED');
      expect(google.count()).toBe(1);
    });

    it('should call a 403 for a missing scope forbidden and not retry it', async () => {
      google.inject({ kind: 'forbidden' }, 3);

      const error = errorOf(await call(sut, 'list_messages'));

      expect(error.code).toBe('forbidden');
      expect(error.message).toBe(
        'google denied GET /gmail/v1/users/me/messages (HTTP 403: Request had insufficient authentication scopes.); ' +
          'the token may lack the scope for this API, or the user may not see the item',
      );
      expect(google.count()).toBe(1);
    });

    it('should retry a 5xx with backoff and succeed when Google recovers', async () => {
      google.inject({ kind: 'server_error', status: 500 }, 2);

      const result = structured<DocumentOut>(await call(sut, 'get_document', { document_id: POSTMORTEM_ID }));

      expect(result.title).toBe('Payments outage postmortem (2025-03-11)');
      expect(google.count()).toBe(3);
    });

    it('should give up as unavailable when 5xx persists past the retries', async () => {
      google.inject({ kind: 'server_error', status: 503 }, 5);

      const error = errorOf(await call(sut, 'search_drive_files', { keywords: ['budget'] }));

      expect(error).toEqual({ code: 'unavailable', message: 'google is unavailable (HTTP 503 on GET /drive/v3/files after 3 attempts)' });
      expect(google.count()).toBe(3);
    });

    it('should time out a request that hangs', async () => {
      const hasty = await connect({ timeoutMs: 200 });
      google.inject({ kind: 'hang' });

      const error = errorOf(await call(hasty, 'get_document', { document_id: CHECKOUT_BRIEF_ID }));

      expect(error).toEqual({ code: 'timeout', message: `google did not answer GET /v1/documents/${CHECKOUT_BRIEF_ID} within 200 ms` });
    });

    it('should redact the token when Google echoes it in an error', async () => {
      google.inject({ kind: 'status', status: 400, body: { error: { code: 400, message: `Invalid Value: ${TOKEN}`, errors: [{ reason: 'invalid' }] } } });

      const result = await call(sut, 'get_events');
      const error = errorOf(result);

      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain('[redacted]');
      expect(JSON.stringify(result)).not.toContain(TOKEN);
    });

    it('should redact the token when a document quotes it', async () => {
      const leaky = await startFakeGoogle({
        documents: [{ ...FIXTURE_DOCUMENTS[0]!, blocks: [{ kind: 'paragraph', text: `Paste ${TOKEN} into the config.` }] }],
      });
      try {
        const harness = await connect({}, {}, leaky);

        const result = structured<DocumentOut>(await call(harness, 'get_document', { document_id: CHECKOUT_BRIEF_ID }));

        expect(result.text).toBe('Paste [redacted] into the config.');
      } finally {
        await leaky.close();
      }
    });

    it('should send the token only in the Authorization header', async () => {
      structured<MessagesOut>(await call(sut, 'list_messages', { max_items: 2 }));
      structured<SheetOut>(await call(sut, 'get_spreadsheet', { spreadsheet_id: BUDGET_SHEET_ID }));

      expect(google.requests.length).toBeGreaterThan(3);
      expect(google.requests.every((r) => r.hadToken && !r.tokenInUrl)).toBe(true);
    });
  });

  describe(GoogleApiClient.name, () => {
    it('should stop waiting when the caller aborts', async () => {
      const api = new GoogleApiClient({ accessToken: TOKEN, apiUrl: google.url, timeoutMs: 5_000 });
      google.inject({ kind: 'hang' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);

      await expect(api.listEvents('primary', { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
    });
  });

  it('should never have put the token in any tool result', () => {
    expect(seen.length).toBeGreaterThan(30);
    expect(seen.filter((text) => text.includes(TOKEN))).toEqual([]);
  });
});
