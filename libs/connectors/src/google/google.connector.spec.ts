import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SourceItemSchema } from '@mosaic/contracts';
import { LocalProvider } from '@mosaic/llm';
import { credentialsFromEnv, describeSource, directRoute, missingCredentials, ToolCaller } from '../connector';
import { filesConnector } from '../files/files.connector';
import { injectParameters } from '../parameter-injection';
import { postgresConnector } from '../postgres/postgres.connector';
import { GoogleApiClient } from './google-api.client';
import { createGoogleMcpServer } from './google-mcp.server';
import { answerFromGoogle, calendarWindow, formatWhen, gmailSearchFor, googleConnector, relevantExcerpt } from './google.connector';
import { BUDGET_SHEET_ID, CHECKOUT_BRIEF_ID, FIXTURE_NOW, POSTMORTEM_ID } from './testing/fake-google.fixtures';
import { FakeGoogle, startFakeGoogle } from './testing/fake-google.server';

// launch() needs `npm run build` output; the spec only checks what it would run.
jest.mock('../paths', () => ({
  ...jest.requireActual<typeof import('../paths')>('../paths'),
  builtServerEntry: (relative: string) => `/repo/dist/libs/connectors/src/${relative}`,
}));

describe('googleConnector', () => {
  const sut = googleConnector;

  describe('definition', () => {
    it('should map the credential fields to their env vars and require only the token', () => {
      const credentials = credentialsFromEnv(sut, { GOOGLE_ACCESS_TOKEN: 'ya29.x', GOOGLE_CALENDAR_ID: 'team@group.calendar.google.com', HOME: '/root' });

      expect(credentials).toEqual({ access_token: 'ya29.x', calendar_id: 'team@group.calendar.google.com' });
      expect(missingCredentials(sut, {})).toEqual(['GOOGLE_ACCESS_TOKEN']);
      expect(sut.credentialFields.find((f) => f.name === 'access_token')?.type).toBe('password');
    });

    it('should launch the built server with only the Google variables it was given', () => {
      expect(sut.launch({ access_token: 'ya29.x' })).toEqual({
        kind: 'stdio',
        command: process.execPath,
        args: ['/repo/dist/libs/connectors/src/google/google-mcp.main.js'],
        env: { GOOGLE_ACCESS_TOKEN: 'ya29.x' },
      });
      expect(sut.launch({ access_token: 'ya29.x', api_url: 'http://127.0.0.1:4010', calendar_id: 'team@group.calendar.google.com' })).toMatchObject({
        env: { GOOGLE_ACCESS_TOKEN: 'ya29.x', GOOGLE_API_URL: 'http://127.0.0.1:4010', GOOGLE_CALENDAR_ID: 'team@group.calendar.google.com' },
      });
    });

    it('should probe with one cheap calendar read', () => {
      expect(sut.probe).toEqual({ tool: 'get_events', args: { max_items: 1 } });
    });

    it.each([
      ['Any unread important emails?', 'list_messages', undefined],
      ['What is in my inbox?', 'list_messages', undefined],
      ['Did anyone email about the budget spreadsheet?', 'list_messages', undefined],
      ['Open the Q2 budget spreadsheet', 'search_drive_files', { type: 'spreadsheet' }],
      ['Find the doc from the design meeting', 'search_drive_files', { type: 'document' }],
      ['Which files are in the Design folder on Drive?', 'search_drive_files', undefined],
      ['What meetings do I have today?', 'get_events', undefined],
      ['When is the Acme renewal call?', 'get_events', undefined],
      ['What is our parental leave policy?', undefined, undefined],
    ])('should route %j to %s', (query, tool, args) => {
      const route = directRoute(sut, query);

      expect(route?.tool).toBe(tool);
      expect(route?.args).toEqual(args);
    });

    it.each([
      ['What meetings do I have today?', ['google']],
      ['Any unread important emails in my inbox?', ['google']],
      ['What does our escalation runbook say to do?', ['files']],
    ])('should be planned by the local provider only when the question is about Workspace: %j', async (query, expected) => {
      const catalog = [filesConnector, postgresConnector, googleConnector].map(describeSource);

      const plan = await new LocalProvider().planSources(query, catalog);

      expect(plan.sources.map((s) => s.source).sort()).toEqual(expected);
    });

    it('should inject the question\'s window into get_events and list_messages when a call leaves it out', () => {
      const context = { query: 'what came in yesterday?', credentials: { access_token: 'ya29.secret' }, now: FIXTURE_NOW };

      expect(injectParameters(sut.injections ?? [], 'get_events', {}, context)).toEqual({
        time_min: '2025-03-11T00:00:00.000Z',
        time_max: '2025-03-12T00:00:00.000Z',
      });
      expect(injectParameters(sut.injections ?? [], 'list_messages', { after: '2025-03-01T00:00:00Z' }, context)).toEqual({
        after: '2025-03-01T00:00:00Z',
        before: '2025-03-12T00:00:00.000Z',
      });
      expect(injectParameters(sut.injections ?? [], 'search_drive_files', {}, context)).toEqual({});
    });
  });

  describe(calendarWindow.name, () => {
    it.each([
      ['What meetings do I have today?', '2025-03-12T00:00:00.000Z', '2025-03-13T00:00:00.000Z', 'today'],
      ['Anything on my calendar tomorrow?', '2025-03-13T00:00:00.000Z', '2025-03-14T00:00:00.000Z', 'tomorrow'],
      ['Meetings this week', '2025-03-10T00:00:00.000Z', '2025-03-17T00:00:00.000Z', 'this week'],
      ['What is on the agenda next week?', '2025-03-17T00:00:00.000Z', '2025-03-24T00:00:00.000Z', 'next week'],
      ['Meetings in the last 3 days', '2025-03-09T09:00:00.000Z', '2025-03-12T09:00:00.000Z', 'in the period asked about'],
      ['When is the board meeting?', '2025-03-12T09:00:00.000Z', '2025-03-19T09:00:00.000Z', 'in the next 7 days'],
    ])('should read %j as %s – %s', (query, start, end, label) => {
      const window = calendarWindow(query, FIXTURE_NOW);

      expect([window.start.toISOString(), window.end.toISOString(), window.label]).toEqual([start, end, label]);
    });
  });

  describe(gmailSearchFor.name, () => {
    it.each([
      ['Any unread important emails?', 'is:unread is:important'],
      ['What is in my inbox?', 'in:inbox'],
      ['Did Jordan email about the renewal discount?', '{jordan renewal discount}'],
      ['emails from jordan.lee@acme.example about pricing', 'from:jordan.lee@acme.example pricing'],
      ['urgent mail in my inbox about outage', 'in:inbox is:important outage'],
    ])('should search Gmail for %j with %j', (query, search) => {
      expect(gmailSearchFor(query)).toBe(search);
    });
  });

  describe(formatWhen.name, () => {
    it.each([
      ['2025-03-12T10:00:00Z', '2025-03-12T11:00:00Z', false, '2025-03-12 10:00–11:00 UTC'],
      ['2025-03-12T10:00:00+01:00', '2025-03-13T01:00:00+01:00', false, '2025-03-12 10:00–2025-03-13 01:00 UTC+01:00'],
      ['2025-03-13', '2025-03-15', true, '2025-03-13 to 2025-03-14 (all day)'],
      ['2025-03-13', '2025-03-14', true, '2025-03-13 (all day)'],
    ])('should write %s – %s as %j', (start, end, allDay, expected) => {
      expect(formatWhen(start, end, allDay)).toBe(expected);
    });
  });

  describe(relevantExcerpt.name, () => {
    it('should bring the lines under a matching heading and skip words the title already has', () => {
      const lines = ['Checkout redesign brief', 'Goal', 'Cut checkout abandonment.', 'Timeline', 'Mocks | Chloe | 12 March', 'Beta | Ben | 15 April', 'Risks: slips.'];

      expect(relevantExcerpt(lines, ['checkout', 'timeline'], 'Checkout redesign brief')).toBe('Timeline\nMocks | Chloe | 12 March\nBeta | Ben | 15 April\nRisks: slips.');
    });

    it('should fall back to the first lines when no line matches', () => {
      expect(relevantExcerpt(['a', 'b', 'c'], ['zebra'], 'Doc', 2)).toBe('a\nb');
    });
  });

  describe('localStrategy against the MCP server and a fake Google', () => {
    let google: FakeGoogle;
    let client: Client;
    let closeServer: () => Promise<void>;
    let calls: Array<{ tool: string; args: Record<string, unknown> }>;

    // The worker's ToolCaller, minus breaker, cache and metrics: text plus structured content.
    const call: ToolCaller = async (tool, args) => {
      calls.push({ tool, args });
      const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      return { ok: !result.isError, text, structured: result.structuredContent };
    };
    const answer = (query: string) => answerFromGoogle(query, call, FIXTURE_NOW);

    beforeAll(async () => {
      google = await startFakeGoogle();
      const server = createGoogleMcpServer({
        client: new GoogleApiClient({ accessToken: google.token, apiUrl: google.url, serverErrorRetryDelaysMs: [10], rateLimitRetryDelaysMs: [10] }),
        now: () => FIXTURE_NOW,
      });
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      client = new Client({ name: 'google-connector-spec', version: '0.0.0' });
      await server.connect(serverTransport);
      await client.connect(clientTransport);
      closeServer = () => server.close();
    });

    beforeEach(() => {
      calls = [];
      google.reset();
    });

    afterAll(async () => {
      await client?.close();
      await closeServer?.();
      await google?.close();
    });

    it('should list the whole of today\'s meetings in start order when asked what is on today', async () => {
      const result = await answer('What meetings do I have today?');

      expect(calls).toEqual([
        { tool: 'get_events', args: { time_min: '2025-03-12T00:00:00.000Z', time_max: '2025-03-13T00:00:00.000Z', max_items: 50 } },
      ]);
      expect(result.items.map((i) => i.title)).toEqual([
        'Design review: checkout redesign (2025-03-12 10:00–11:00 UTC)',
        '1:1 Ada / Ben (2025-03-12 14:00–14:30 UTC)',
        'Acme Corp renewal call (2025-03-12 16:00–16:45 UTC)',
      ]);
      expect(result.items[0]).toEqual({
        id: 'event:1a2b3c4d5e6f7g8h9i0j1k2l3m',
        title: 'Design review: checkout redesign (2025-03-12 10:00–11:00 UTC)',
        url: expect.stringMatching(/^https:\/\/www\.google\.com\/calendar\/event\?eid=/),
        tool: 'get_events',
        content:
          'Design review: checkout redesign, 2025-03-12 10:00–11:00 UTC; at Room Fuji; organised by chloe@northwind.example; ' +
          'attendees: Chloe Martin (accepted), Ada Lovelace (accepted), Ben Okafor (tentative); Meet https://meet.google.com/abc-defg-hij. ' +
          'Review the new checkout flow mocks. Brief: "Checkout redesign brief" in Drive.',
        score: 0.3,
      });
      expect(result.items.every((i) => SourceItemSchema.safeParse(i).success)).toBe(true);
      expect(result.summary).toBe('3 calendar event(s) today; 3 shown.');
    });

    it('should keep only the meeting the question is about when it names one', async () => {
      const result = await answer('When is the Acme renewal call this week?');

      expect(calls[0]?.args).toMatchObject({ time_min: '2025-03-10T00:00:00.000Z', time_max: '2025-03-17T00:00:00.000Z' });
      expect(result.items.map((i) => i.id)).toEqual(['event:9z8y7x6w5v4u3t2s1r0q9p8o7n']);
      expect(result.items[0]!.score).toBe(1);
    });

    it('should cite unread important mail with Gmail links when asked for it', async () => {
      const result = await answer('Any unread important emails?');

      expect(calls).toEqual([{ tool: 'list_messages', args: { query: 'is:unread is:important', max_items: 20 } }]);
      expect(result.items.map((i) => i.id)).toEqual(['message:195830a1b2c3d4e5', 'message:1958209f8e7d6c5b', 'message:1957f0ffeeddccbb']);
      expect(result.items[1]).toEqual({
        id: 'message:1958209f8e7d6c5b',
        title: 'Payments outage postmortem draft — Ben Okafor',
        url: 'https://mail.google.com/mail/u/0/#inbox/1958209f8e7d6c5b',
        tool: 'list_messages',
        content:
          'Email from Ben Okafor <ben@northwind.example> to Ada Lovelace <ada@northwind.example> on 2025-03-11 17:40 UTC (unread, important): ' +
          '"Payments outage postmortem draft". Here\'s the draft postmortem for Tuesday\'s outage & the action items. Root cause: an expired TLS certificate',
        score: 0.3,
      });
      expect(result.summary).toBe('Gmail search "is:unread is:important" found 3 message(s); 3 shown.');
    });

    it('should rank the message that carries the question\'s words first when it asks about a topic', async () => {
      const result = await answer('Did Jordan email about the renewal discount?');

      expect(calls[0]?.args).toEqual({ query: '{jordan renewal discount}', max_items: 20 });
      expect(result.items.map((i) => i.id)).toEqual(['message:195830a1b2c3d4e5', 'message:1952a0a0b0b0c0c0']);
      expect(result.items[0]!.score).toBe(1);
      expect(result.items[1]!.score).toBeLessThan(0.6);
    });

    it('should bound a mail search by the window the question names', async () => {
      const result = await answer('What email came in yesterday?');

      expect(calls[0]?.args).toEqual({ query: 'in:inbox', after: '2025-03-11T00:00:00.000Z', before: '2025-03-12T00:00:00.000Z', max_items: 20 });
      expect(result.items.map((i) => i.id)).toEqual(['message:1958209f8e7d6c5b']);
    });

    it('should search Drive, read the best Google Doc and cite the part that answers', async () => {
      const result = await answer('What does the checkout redesign brief say about the timeline?');

      expect(calls).toEqual([
        { tool: 'search_drive_files', args: { keywords: ['checkout', 'redesign', 'brief', 'timeline'], match: 'any', max_items: 10 } },
        { tool: 'get_document', args: { document_id: CHECKOUT_BRIEF_ID, max_chars: 20_000 } },
      ]);
      expect(result.items[0]).toEqual({
        id: `file:${CHECKOUT_BRIEF_ID}`,
        title: 'Checkout redesign brief',
        url: `https://docs.google.com/document/d/${CHECKOUT_BRIEF_ID}/edit?usp=drivesdk`,
        tool: 'get_document',
        content: 'Timeline\nMilestone | Owner | Date\nMocks approved | Chloe | 12 March\nBeta to 10% of traffic | Ben | 15 April',
        score: 1,
      });
      // The board deck matched in Drive, but nothing citeable about it does: it is left out.
      expect(result.items).toHaveLength(1);
      expect(result.summary).toBe('Drive search for checkout, redesign, brief, timeline found 2 file(s); 1 shown. Read "Checkout redesign brief".');
    });

    it('should read the matching row of a Google Sheet when the question is about its figures', async () => {
      const result = await answer('What is the Engineering Q2 budget?');

      expect(calls.map((c) => c.tool)).toEqual(['search_drive_files', 'get_spreadsheet']);
      expect(calls[1]?.args).toEqual({ spreadsheet_id: BUDGET_SHEET_ID, max_rows: 200 });
      expect(result.items).toHaveLength(1);
      expect(result.items[0]).toMatchObject({
        id: `file:${BUDGET_SHEET_ID}`,
        tool: 'get_spreadsheet',
        url: `https://docs.google.com/spreadsheets/d/${BUDGET_SHEET_ID}/edit?usp=drivesdk`,
        content: 'Sheet "Summary" of Q2 budget 2025 (Team, Q2 budget, Spent, Owner):\nTeam: Engineering · Q2 budget: $420,000 · Spent: $130,500 · Owner: Ben Okafor',
      });
    });

    it('should search only Google Docs when the question asks for docs', async () => {
      const result = await answer('Find docs about the payments outage');

      expect(calls[0]?.args).toEqual({ keywords: ['payments', 'outage'], match: 'any', type: 'document', max_items: 10 });
      expect(calls[1]).toEqual({ tool: 'get_document', args: { document_id: POSTMORTEM_ID, max_chars: 20_000 } });
      expect(result.items[0]).toMatchObject({ id: `file:${POSTMORTEM_ID}`, tool: 'get_document' });
      expect(result.items[0]!.content).toContain('Root cause: the TLS certificate of the payments gateway expired');
    });

    it('should still cite the files it found when reading the best one fails', async () => {
      google.inject({ kind: 'forbidden' }, 1, 'docs');

      const result = await answer('What does the checkout redesign brief say about the timeline?');

      expect(result.items[0]).toMatchObject({ id: `file:${CHECKOUT_BRIEF_ID}`, tool: 'search_drive_files' });
      expect(result.summary).toContain('Could not read "Checkout redesign brief": get_document failed: google denied GET /v1/documents/');
    });

    it('should throw with the tool error when Google rejects the token', async () => {
      const rejecting = await startFakeGoogle({ accessToken: 'ya29.someoneElse' });
      const server = createGoogleMcpServer({ client: new GoogleApiClient({ accessToken: google.token, apiUrl: rejecting.url }), now: () => FIXTURE_NOW });
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      const rejected = new Client({ name: 'google-connector-spec', version: '0.0.0' });
      await server.connect(serverTransport);
      await rejected.connect(clientTransport);
      const rejectedCall: ToolCaller = async (tool, args) => {
        const result = (await rejected.callTool({ name: tool, arguments: args })) as CallToolResult;
        return { ok: !result.isError, text: result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n') };
      };
      try {
        const failure = answerFromGoogle('What meetings do I have today?', rejectedCall, FIXTURE_NOW);

        await expect(failure).rejects.toThrow(/^get_events failed: credentials rejected for google \(HTTP 401/);
        await expect(failure).rejects.not.toThrow(google.token);
      } finally {
        await rejected.close();
        await server.close();
        await rejecting.close();
      }
    });
  });
});
