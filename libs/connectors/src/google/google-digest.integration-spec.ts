import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolCaller } from '../connector';
import { GoogleApiClient } from './google-api.client';
import { createGoogleMcpServer } from './google-mcp.server';
import { googleConnector } from './google.connector';
import { DIGEST_MESSAGES, DIGEST_SINCE, FIXTURE_NOW } from './testing/fake-google.fixtures';
import { FakeGoogle, startFakeGoogle } from './testing/fake-google.server';

const WINDOW = { since: DIGEST_SINCE, until: FIXTURE_NOW.toISOString() };

describe('googleConnector.digestStrategy against the Google MCP server and a fake Google', () => {
  let google: FakeGoogle;
  let call: ToolCaller;
  let close: () => Promise<void>;

  beforeAll(async () => {
    google = await startFakeGoogle({ messages: DIGEST_MESSAGES });
    const api = new GoogleApiClient({ accessToken: google.token, apiUrl: google.url });
    const server = createGoogleMcpServer({ client: api, now: () => FIXTURE_NOW });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'google-digest-spec', version: '0.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    close = async () => {
      await client.close();
      await server.close();
    };
    call = async (tool, args) => {
      const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      return { ok: result.isError !== true, text, structured: result.structuredContent as Record<string, unknown> | undefined };
    };
  });

  afterEach(() => {
    google.reset();
  });

  afterAll(async () => {
    await close?.();
    await google?.close();
  });

  const digest = googleConnector.digestStrategy!;
  const credentials = { access_token: 'ignored' };

  it("should list today's events in start order, then the unread important mail received within the window, when the window is in UTC", async () => {
    const result = await digest(WINDOW, call, credentials);

    expect(result.items.map((i) => i.title)).toEqual([
      'Today 10:00–11:00: Design review: checkout redesign',
      'Today 14:00–14:30: 1:1 Ada / Ben',
      'Today 16:00–16:45: Acme Corp renewal call',
      // The renewal mail of 08:15 and the postmortem of yesterday 17:40 are within the window; the
      // newsletter and Lena's mail are unread but not important, the offsite mail important but read,
      // and the gateway alert (11:59 yesterday) and "signed" (09:30 today) fall just outside it.
      'Unread important email from Jordan Lee: Re: Acme renewal - pricing question',
      'Unread important email from Ben Okafor: Payments outage postmortem draft',
    ]);
    expect(result.items[0]).toMatchObject({
      id: 'event:1a2b3c4d5e6f7g8h9i0j1k2l3m',
      url: expect.stringMatching(/^https:\/\/www\.google\.com\/calendar\/event\?eid=/),
      tool: 'get_events',
      content: expect.stringMatching(/^Calendar event today, 10:00–11:00 \(UTC\): Design review: checkout redesign; at Room Fuji;/),
    });
    expect(result.items[3]).toEqual({
      id: 'message:195830a1b2c3d4e5',
      title: 'Unread important email from Jordan Lee: Re: Acme renewal - pricing question',
      url: 'https://mail.google.com/mail/u/0/#inbox/195830a1b2c3d4e5',
      tool: 'list_messages',
      content:
        'Unread important email from Jordan Lee <jordan.lee@acme.example>, received 2025-03-12 08:15 UTC: "Re: Acme renewal - pricing question". ' +
        'Hi Ada, before we sign the renewal could you confirm the 12% discount we discussed? Thanks, Jordan',
      score: 1,
    });
    expect(result.summary).toBe(`Today (2025-03-12, UTC): 3 calendar event(s). Since ${DIGEST_SINCE}: 2 unread important email(s).`);
  });

  it("should take today from the user's time zone when the window names one east of UTC", async () => {
    const result = await digest({ ...WINDOW, timeZone: 'Asia/Tokyo' }, call, credentials);

    // 09:00 UTC is 18:00 in Tokyo: yesterday's 15:00 UTC retro is at midnight there, the 16:00 UTC call tomorrow.
    expect(result.items.filter((i) => i.tool === 'get_events').map((i) => i.title)).toEqual([
      'Today 00:00–01:00: Incident retro: payments outage',
      'Today 19:00–20:00: Design review: checkout redesign',
      'Today 23:00–23:30: 1:1 Ada / Ben',
    ]);
    expect(result.items.find((i) => i.tool === 'list_messages')?.content).toMatch(/received 2025-03-12 17:15 Asia\/Tokyo/);
  });

  it('should leave out an all-day event of the next day when the time zone is west of UTC', async () => {
    const result = await digest({ ...WINDOW, timeZone: 'America/Los_Angeles' }, call, credentials);

    // 09:00 UTC is 02:00 in Los Angeles on the 12th; the offsite (all day from the 13th) overlaps the
    // instants of that day's end, but is not on it.
    expect(result.items.filter((i) => i.tool === 'get_events').map((i) => i.title)).toEqual([
      'Today 03:00–04:00: Design review: checkout redesign',
      'Today 07:00–07:30: 1:1 Ada / Ben',
      'Today 09:00–09:45: Acme Corp renewal call',
    ]);
    expect(result.summary).toMatch(/^Today \(2025-03-12, America\/Los_Angeles\): 3 calendar event\(s\)\./);
  });

  it('should ask Gmail for unread important mail with the window in epoch seconds when the digest runs', async () => {
    await digest(WINDOW, call, credentials);

    const search = google.requests.find((r) => r.path.endsWith('/gmail/v1/users/me/messages'));
    expect(search?.query['q']).toBe(`is:unread is:important after:${Date.parse(DIGEST_SINCE) / 1000} before:${FIXTURE_NOW.getTime() / 1000}`);
  });
});
