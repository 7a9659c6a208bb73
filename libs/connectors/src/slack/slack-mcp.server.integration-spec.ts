import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolCaller } from '../connector';
import { SlackApiClient, SlackApiClientOptions } from './slack-api.client';
import { createSlackMcpServer, SlackMcpServerOptions } from './slack-mcp.server';
import { answerFromSlack } from './slack.connector';
import { OUTAGE_TS, REFUND_TS, slackTs } from './testing/fake-slack.fixtures';
import { FakeSlack } from './testing/fake-slack.server';

const BOT_TOKEN = 'xoxb-1111-2222-fakebotsecret';
const USER_TOKEN = 'xoxp-3333-4444-fakeusersecret';
const WORKSPACE = 'https://initech.slack.com/';

interface Harness {
  client: Client;
  /** Every tool result this harness returned, to check that no token ever leaves. */
  transcript: string[];
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

interface Message {
  ts: string;
  time: string;
  user: string | null;
  user_name: string | null;
  text: string;
  thread_ts?: string;
  reply_count?: number;
  permalink: string;
}

interface SearchResult {
  mode: 'search_api' | 'history_scan';
  total: number;
  note?: string;
  messages: Array<Message & { channel: { id: string; name: string | null }; matched_terms: string[] }>;
}

function structured<T>(result: CallToolResult): T {
  if (result.isError) throw new Error(`unexpected tool error: ${JSON.stringify(result.content)}`);
  const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
  expect(JSON.parse(text)).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

function errorOf(result: CallToolResult): { code: string; message: string; retry_after_seconds?: number } {
  expect(result.isError).toBe(true);
  const error = (result.structuredContent as { error: { code: string; message: string } }).error;
  expect(result.content[0]).toEqual({ type: 'text', text: error.message });
  return error;
}

describe('Slack MCP server against a fake Slack Web API', () => {
  let fake: FakeSlack;
  const open: Harness[] = [];

  beforeAll(async () => {
    fake = await FakeSlack.start({ botToken: BOT_TOKEN, userToken: USER_TOKEN });
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
    fake.reset();
  });

  afterAll(async () => {
    await fake?.close();
  });

  async function connect(
    options: { client?: Partial<SlackApiClientOptions>; server?: Partial<Omit<SlackMcpServerOptions, 'client'>> } = {},
  ): Promise<Harness> {
    const api = new SlackApiClient({
      botToken: BOT_TOKEN,
      userToken: USER_TOKEN,
      baseUrl: fake.url,
      requestTimeoutMs: 2_000,
      retryBaseDelayMs: 10,
      ...options.client,
    });
    const server = createSlackMcpServer({ client: api, allowWrites: false, ...options.server });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'slack-mcp-spec', version: '0.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    const transcript: string[] = [];
    const harness: Harness = {
      client,
      transcript,
      call: async (name, args = {}) => {
        const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
        transcript.push(JSON.stringify(result));
        return result;
      },
      close: async () => {
        await client.close();
        await server.close();
      },
    };
    open.push(harness);
    return harness;
  }

  describe('tools', () => {
    it('should offer six read-only tools and no send_message when writes are not allowed', async () => {
      const sut = await connect();

      const { tools } = await sut.client.listTools();

      expect(tools.map((t) => t.name).sort()).toEqual(['get_me', 'list_channels', 'list_dms', 'list_users', 'read_messages', 'search_messages']);
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      expect(tools.find((t) => t.name === 'search_messages')?.inputSchema.required).toEqual(['query']);
    });

    it('should refuse a send_message call and post nothing when writes are not allowed', async () => {
      const sut = await connect();

      const outcome = await sut.client.callTool({ name: 'send_message', arguments: { channel: '#support', text: 'hi' } }).then(
        (result) => ({ rejected: false, result: result as CallToolResult }),
        (error: Error) => ({ rejected: true, message: error.message }),
      );

      expect(outcome.rejected || (outcome as { result: CallToolResult }).result.isError).toBe(true);
      expect(JSON.stringify(outcome)).toMatch(/send_message not found/);
      expect(fake.calls('chat.postMessage')).toHaveLength(0);
    });

    it('should register send_message as a non-read-only tool when writes are allowed', async () => {
      const sut = await connect({ server: { allowWrites: true } });

      const { tools } = await sut.client.listTools();

      const send = tools.find((t) => t.name === 'send_message');
      expect(send?.annotations).toEqual(expect.objectContaining({ readOnlyHint: false, idempotentHint: false }));
      expect(send?.inputSchema.required?.sort()).toEqual(['channel', 'text']);
    });
  });

  describe('list_channels', () => {
    it('should list the visible unarchived channels with topic, purpose, members, membership and a link', async () => {
      const sut = await connect();

      const result = structured<{ channels: Array<Record<string, unknown>>; count: number; truncated: boolean }>(
        await sut.call('list_channels'),
      );

      expect(result.channels.map((c) => c['name'])).toEqual(['incidents', 'support', 'general', 'random', 'leadership']);
      expect(result.channels[0]).toEqual({
        id: 'C0INCIDENTS',
        name: 'incidents',
        is_private: false,
        is_archived: false,
        is_member: true,
        topic: 'Production incidents: one thread per incident',
        purpose: 'Declare, coordinate and resolve incidents',
        num_members: 42,
        url: `${WORKSPACE}archives/C0INCIDENTS`,
      });
      expect(result.channels.find((c) => c['name'] === 'random')?.['is_member']).toBe(false);
      expect({ count: result.count, truncated: result.truncated }).toEqual({ count: 5, truncated: false });
      expect(fake.calls('conversations.list')[0]?.args).toEqual(
        expect.objectContaining({ types: 'public_channel,private_channel', exclude_archived: 'true' }),
      );
    });

    it('should include archived channels and leave out private ones when asked to', async () => {
      const sut = await connect();

      const result = structured<{ channels: Array<{ name: string }> }>(
        await sut.call('list_channels', { include_archived: true, include_private: false }),
      );

      expect(result.channels.map((c) => c.name)).toEqual(['incidents', 'support', 'general', 'random', 'project-phoenix']);
    });

    it('should follow next_cursor across pages when Slack serves small pages', async () => {
      const small = await FakeSlack.start({ botToken: BOT_TOKEN, userToken: USER_TOKEN, maxPageSize: 2 });
      try {
        const api = new SlackApiClient({ botToken: BOT_TOKEN, baseUrl: small.url });
        const sut = await connectTo(api);

        const result = structured<{ channels: Array<{ name: string }>; truncated: boolean }>(await sut.call('list_channels'));

        expect(result.channels.map((c) => c.name)).toEqual(['incidents', 'support', 'general', 'random', 'leadership']);
        expect(result.truncated).toBe(false);
        const cursors = small.calls('conversations.list').map((r) => r.args['cursor']);
        expect(cursors).toHaveLength(3);
        expect(cursors[0]).toBeUndefined();
        expect(cursors.slice(1).every((c) => typeof c === 'string' && c.length > 0)).toBe(true);
      } finally {
        await small.close();
      }
    });

    it('should stop paging at the limit and say truncated when more channels exist', async () => {
      const small = await FakeSlack.start({ botToken: BOT_TOKEN, userToken: USER_TOKEN, maxPageSize: 2 });
      try {
        const sut = await connectTo(new SlackApiClient({ botToken: BOT_TOKEN, baseUrl: small.url }));

        const result = structured<{ channels: Array<{ name: string }>; truncated: boolean }>(
          await sut.call('list_channels', { limit: 3 }),
        );

        expect(result.channels.map((c) => c.name)).toEqual(['incidents', 'support', 'general']);
        expect(result.truncated).toBe(true);
        expect(small.calls('conversations.list').map((r) => r.args['limit'])).toEqual(['3', '1']);
      } finally {
        await small.close();
      }
    });
  });

  describe('list_users', () => {
    it('should list people with real names and emails, without bots or deactivated accounts', async () => {
      const sut = await connect();

      const result = structured<{ users: Array<Record<string, unknown>>; count: number }>(await sut.call('list_users'));

      expect(result.users.map((u) => u['name'])).toEqual(['ana', 'ben', 'cara']);
      expect(result.users[0]).toEqual({
        id: 'U0ANA00001',
        name: 'ana',
        real_name: 'Ana Lima',
        email: 'ana@initech.example',
        is_bot: false,
        deleted: false,
      });
    });

    it('should include bots and deactivated accounts when asked to', async () => {
      const sut = await connect();

      const result = structured<{ users: Array<{ name: string }> }>(
        await sut.call('list_users', { include_bots: true, include_deleted: true }),
      );

      expect(result.users.map((u) => u.name)).toEqual(['ana', 'ben', 'cara', 'dan', 'mosaic']);
    });
  });

  describe('read_messages', () => {
    it('should read a channel by #name newest first with authors, readable text and permalinks', async () => {
      const sut = await connect();

      const result = structured<{ channel: { id: string; name: string }; messages: Message[]; has_more: boolean }>(
        await sut.call('read_messages', { channel: '#incidents' }),
      );

      expect(result.channel).toEqual({ id: 'C0INCIDENTS', name: 'incidents' });
      expect(result.messages.map((m) => m.user_name)).toEqual(['cara', 'ana', 'ben']);
      expect(result.has_more).toBe(false);
      const outage = result.messages[1]!;
      expect(outage).toEqual({
        ts: OUTAGE_TS,
        time: '2026-01-12T09:42:00.000Z',
        user: 'U0ANA00001',
        user_name: 'ana',
        text: expect.stringMatching(/^Declaring SEV1: Acme Corp checkout outage\..* @here$/),
        thread_ts: OUTAGE_TS,
        reply_count: 1,
        permalink: `${WORKSPACE}archives/C0INCIDENTS/p${OUTAGE_TS.replace('.', '')}`,
      });
      expect(result.messages[0]!.text).toContain('payment outage runbook (https://wiki.initech.example/payment-outage)');
      expect(result.messages[2]!.text).toBe('Deploy 2026.01 rolled back after elevated 500s on the API & workers.');
    });

    it('should read only the time window when oldest and latest are given as ISO times', async () => {
      const sut = await connect();

      const result = structured<{ messages: Message[] }>(
        await sut.call('read_messages', { channel: 'C0INCIDENTS', oldest: '2026-01-12T00:00:00Z', latest: '2026-01-12T10:00:00Z' }),
      );

      expect(result.messages.map((m) => m.ts)).toEqual([OUTAGE_TS]);
      expect(fake.calls('conversations.history')[0]?.args).toEqual(
        expect.objectContaining({ channel: 'C0INCIDENTS', oldest: '1768176000.000000', latest: '1768212000.000000' }),
      );
    });

    it('should return the newest messages and has_more when the limit is smaller than the history', async () => {
      const sut = await connect();

      const result = structured<{ messages: Message[]; has_more: boolean }>(await sut.call('read_messages', { channel: 'support', limit: 2 }));

      expect(result.messages.map((m) => m.ts)).toEqual([slackTs('2026-01-13T14:20:00Z'), REFUND_TS]);
      expect(result.has_more).toBe(true);
    });

    it('should read the default channel when the call names none', async () => {
      const sut = await connect({ server: { defaultChannel: '#general' } });

      const result = structured<{ channel: { name: string }; messages: Message[] }>(await sut.call('read_messages', {}));

      expect(result.channel.name).toBe('general');
      expect(result.messages[1]!.text).toMatch(/^Announcement: all-hands/);
    });

    it('should say the channel is required when none is given and there is no default', async () => {
      const sut = await connect();

      const error = errorOf(await sut.call('read_messages', {}));

      expect(error).toEqual({ code: 'invalid_argument', message: 'channel is required (no default channel is configured)' });
    });

    it('should name the known channels when the channel does not exist', async () => {
      const sut = await connect();

      const error = errorOf(await sut.call('read_messages', { channel: '#incident' }));

      expect(error.code).toBe('channel_not_found');
      expect(error.message).toBe('slack channel "#incident" not found; known channels: #incidents, #support, #general, #random, #leadership');
    });

    it('should say the bot must be invited when it is not a member of the channel', async () => {
      const sut = await connect();

      const error = errorOf(await sut.call('read_messages', { channel: '#random' }));

      expect(error.code).toBe('not_in_channel');
      expect(error.message).toMatch(/invite it/);
    });

    it('should reject a time that is neither a Slack timestamp nor an ISO date', async () => {
      const sut = await connect();

      const error = errorOf(await sut.call('read_messages', { channel: '#incidents', oldest: 'last tuesday' }));

      expect(error.code).toBe('invalid_argument');
      expect(fake.calls('conversations.history')).toHaveLength(0);
    });
  });

  describe('search_messages', () => {
    it('should use search.messages with the user token when one is configured', async () => {
      const sut = await connect();

      const result = structured<SearchResult>(await sut.call('search_messages', { query: 'acme checkout' }));

      expect(result.mode).toBe('search_api');
      expect(result.messages.map((m) => `${m.channel.name}:${m.user_name}`)).toEqual([
        'random:ben',
        'incidents:cara',
        'incidents:ben', // a thread reply: search finds replies, history lists only their parent
        'support:ben',
        'incidents:ana',
      ]);
      expect(result.messages[4]).toEqual(
        expect.objectContaining({
          ts: OUTAGE_TS,
          channel: { id: 'C0INCIDENTS', name: 'incidents' },
          permalink: `${WORKSPACE}archives/C0INCIDENTS/p${OUTAGE_TS.replace('.', '')}`,
          matched_terms: ['acme', 'checkout'],
        }),
      );
      expect(fake.calls('search.messages').map((r) => [r.auth, r.args['query']])).toEqual([['user', 'acme checkout']]);
    });

    it('should rank by the number of matching words when match is any', async () => {
      const sut = await connect();

      const result = structured<SearchResult>(
        await sut.call('search_messages', { query: 'globex refund policy', match: 'any', limit: 3 }),
      );

      expect(result.messages.map((m) => m.matched_terms)).toEqual([
        ['globex', 'refund', 'policy'],
        ['refund', 'policy'],
      ]);
      expect(result.messages[0]!.ts).toBe(REFUND_TS);
      expect(fake.calls('search.messages').map((r) => r.args['query'])).toEqual(['globex', 'refund', 'policy']);
    });

    it('should scan the history of member channels with the bot token when no user token is configured', async () => {
      const sut = await connect({ client: { userToken: undefined } });

      const result = structured<SearchResult & { scanned: { channels: number; messages: number } }>(
        await sut.call('search_messages', { query: 'Acme checkout' }),
      );

      expect(result.mode).toBe('history_scan');
      expect(result.note).toMatch(/No Slack user token is configured/);
      // #random has a match too, but the bot is not a member there.
      expect(result.messages.map((m) => `${m.channel.name}:${m.user_name}`)).toEqual(['incidents:cara', 'support:ben', 'incidents:ana']);
      expect(result.messages[2]!.permalink).toBe(`${WORKSPACE}archives/C0INCIDENTS/p${OUTAGE_TS.replace('.', '')}`);
      expect(result.scanned.channels).toBe(4);
      expect(fake.calls('search.messages')).toHaveLength(0);
      expect(new Set(fake.requests.map((r) => r.auth))).toEqual(new Set(['bot']));
    });

    it('should keep only messages within oldest and latest, asking Slack for widened whole days, when a window is given', async () => {
      const sut = await connect();

      const result = structured<SearchResult>(
        await sut.call('search_messages', { query: 'acme', oldest: '2026-01-12T09:43:00Z', latest: '2026-01-12T10:31:00Z' }),
      );

      // #random (11:00) and the outage declaration (09:42) match too, but lie outside the window.
      expect(result.messages.map((m) => `${m.channel.name}:${m.user_name}`)).toEqual(['incidents:cara', 'incidents:ben', 'support:ben']);
      expect(result.total).toBe(3);
      expect(fake.calls('search.messages')[0]?.args['query']).toBe('acme after:2026-01-10 before:2026-01-14');
    });

    it('should read only the window of each member channel when scanning without a user token', async () => {
      const sut = await connect({ client: { userToken: undefined } });

      const result = structured<SearchResult>(
        await sut.call('search_messages', { query: 'acme', oldest: '2026-01-12T09:43:00Z', latest: '2026-01-12T10:31:00Z' }),
      );

      expect(result.messages.map((m) => `${m.channel.name}:${m.user_name}`)).toEqual(['incidents:cara', 'support:ben']);
      expect(fake.calls('conversations.history').every((r) => r.args['oldest'] === '1768210980.000000')).toBe(true);
    });

    it('should only search the given channel when one is named', async () => {
      const sut = await connect();

      const result = structured<SearchResult>(await sut.call('search_messages', { query: 'acme', channel: '#support' }));

      expect(result.messages.map((m) => m.channel.name)).toEqual(['support']);
      expect(fake.calls('search.messages')[0]?.args['query']).toBe('acme in:#support');
    });
  });

  describe('get_me', () => {
    it("should name the user token's owner when a user token is configured", async () => {
      const sut = await connect();

      const result = structured<Record<string, unknown>>(await sut.call('get_me'));

      expect(result).toEqual({ as: 'user', user_id: 'U0ANA00001', user_name: 'ana', team: 'Initech', url: WORKSPACE });
      expect(fake.calls('auth.test').map((r) => r.auth)).toEqual(['user']);
    });

    it('should name the bot when only the bot token is configured', async () => {
      const sut = await connect({ client: { userToken: undefined } });

      const result = structured<Record<string, unknown>>(await sut.call('get_me'));

      expect(result).toMatchObject({ as: 'bot', user_id: 'U0MOSAICBOT', user_name: 'mosaic' });
    });
  });

  describe('list_dms', () => {
    it("should list the user's direct messages with the other person and their latest messages", async () => {
      const sut = await connect();

      const result = structured<{ as: string; dms: Array<Record<string, unknown>> }>(
        await sut.call('list_dms', { messages_per_dm: 1 }),
      );

      expect(result.as).toBe('user');
      expect(result.dms[0]).toEqual({
        id: 'D0ANA00001',
        user: 'U0ANA00001',
        user_name: 'ana',
        real_name: 'Ana Lima',
        url: `${WORKSPACE}archives/D0ANA00001`,
        messages: [expect.objectContaining({ user_name: 'ana', text: 'Can you pull the Acme orders that failed during the outage?' })],
      });
      expect(fake.calls('conversations.list').some((r) => r.args['types'] === 'im' && r.auth === 'user')).toBe(true);
    });

    it('should include only the messages within oldest and latest when a window is given', async () => {
      const sut = await connect();

      const result = structured<{ dms: Array<{ user_name: string; messages: Message[] }> }>(
        await sut.call('list_dms', { messages_per_dm: 5, oldest: '2026-01-13T00:00:00Z', latest: '2026-01-14T00:00:00Z' }),
      );

      expect(result.dms.map((d) => [d.user_name, d.messages.map((m) => m.text)])).toEqual([
        ['ana', []],
        ['ben', ['Globex refund is done.']],
      ]);
    });

    it("should list the bot's direct messages without messages when there is no user token", async () => {
      const sut = await connect({ client: { userToken: undefined } });

      const result = structured<{ as: string; dms: Array<Record<string, unknown>> }>(await sut.call('list_dms'));

      expect(result.as).toBe('bot');
      expect(result.dms.map((d) => d['user_name'])).toEqual(['ana', 'ben']);
      expect(result.dms[0]).not.toHaveProperty('messages');
    });
  });

  describe('send_message', () => {
    it('should post to a channel given by name and return the permalink when writes are allowed', async () => {
      const sut = await connect({ server: { allowWrites: true } });

      const result = structured<{ channel: string; ts: string; permalink: string }>(
        await sut.call('send_message', { channel: '#support', text: 'Refund for Globex is processed.' }),
      );

      expect(fake.posted).toContainEqual(expect.objectContaining({ channel: 'C0SUPPORT01', text: 'Refund for Globex is processed.' }));
      expect(result.permalink).toBe(`${WORKSPACE}archives/C0SUPPORT01/p${result.ts.replace('.', '')}`);
    });

    it('should open a direct message when the destination is an @handle', async () => {
      const sut = await connect({ server: { allowWrites: true } });

      const result = structured<{ channel: string }>(await sut.call('send_message', { channel: '@ben', text: 'Thanks!' }));

      expect(result.channel).toBe('D0BEN00001');
      expect(fake.calls('conversations.open')[0]?.args).toEqual({ users: 'U0BEN00001' });
    });

    it('should not retry a post when Slack answers 5xx, since the message may have been posted', async () => {
      const sut = await connect({ server: { allowWrites: true } });
      fake.inject({ kind: 'server_error', status: 503, times: 5, method: 'chat.postMessage' });

      const error = errorOf(await sut.call('send_message', { channel: 'C0SUPPORT01', text: 'hello' }));

      expect(error.code).toBe('slack_unavailable');
      expect(fake.calls('chat.postMessage')).toHaveLength(1);
    });
  });

  describe('failures', () => {
    it('should say credentials rejected for slack when the token is invalid, without echoing it', async () => {
      const wrong = 'xoxb-9999-wrong-token';
      const sut = await connect({ client: { botToken: wrong } });

      const error = errorOf(await sut.call('list_channels'));

      expect(error.code).toBe('credentials_rejected');
      expect(error.message).toBe('credentials rejected for slack (invalid_auth)');
      expect(sut.transcript.join('\n')).not.toContain(wrong);
    });

    it('should wait out a short Retry-After once and then succeed when Slack answers 429', async () => {
      const sut = await connect({ client: { maxRetryAfterMs: 5_000 } });
      fake.inject({ kind: 'rate_limit', retryAfterSeconds: 1, times: 1, method: 'conversations.list' });
      const started = Date.now();

      const result = structured<{ count: number }>(await sut.call('list_channels'));

      expect(result.count).toBe(5);
      expect(fake.calls('conversations.list')).toHaveLength(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('should fail at once with the wait when Retry-After is longer than the client waits', async () => {
      const sut = await connect({ client: { maxRetryAfterMs: 5_000 } });
      fake.inject({ kind: 'rate_limit', retryAfterSeconds: 30, times: 1, method: 'conversations.list' });

      const error = errorOf(await sut.call('list_channels'));

      expect(error).toEqual({ code: 'rate_limited', message: 'slack rate limited; retry after 30 s', retry_after_seconds: 30 });
      expect(fake.calls('conversations.list')).toHaveLength(1);
    });

    it('should give up when Slack is still rate limiting after the one wait', async () => {
      const sut = await connect({ client: { maxRetryAfterMs: 5_000 } });
      fake.inject({ kind: 'rate_limit', retryAfterSeconds: 0, times: 2, method: 'conversations.list' });

      const error = errorOf(await sut.call('list_channels'));

      expect(error.code).toBe('rate_limited');
      expect(fake.calls('conversations.list')).toHaveLength(2);
    });

    it('should retry 5xx answers with backoff and succeed when Slack recovers', async () => {
      const sut = await connect();
      fake.inject({ kind: 'server_error', status: 503, times: 2, method: 'users.list' });

      const result = structured<{ users: unknown[] }>(await sut.call('list_users'));

      expect(result.users).toHaveLength(3);
      expect(fake.calls('users.list')).toHaveLength(3);
    });

    it('should report slack unavailable after the bounded retries when 5xx persists', async () => {
      const sut = await connect();
      fake.inject({ kind: 'server_error', status: 500, times: 10, method: 'users.list' });

      const error = errorOf(await sut.call('list_users'));

      expect(error).toEqual({ code: 'slack_unavailable', message: 'slack unavailable: users.list answered HTTP 500 (3 attempts)' });
      expect(fake.calls('users.list')).toHaveLength(3);
    });

    it('should time out a request that Slack never answers', async () => {
      const sut = await connect({ client: { requestTimeoutMs: 300 } });
      fake.inject({ kind: 'hang', times: 1, method: 'conversations.history' });
      const started = Date.now();

      const error = errorOf(await sut.call('read_messages', { channel: 'C0INCIDENTS' }));

      expect(error).toEqual({ code: 'timeout', message: 'slack conversations.history did not answer within 300 ms' });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('should report slack unavailable when nothing listens at the API URL', async () => {
      const gone = await FakeSlack.start({ botToken: BOT_TOKEN, userToken: USER_TOKEN });
      const deadUrl = gone.url;
      await gone.close();
      const sut = await connect({ client: { baseUrl: deadUrl, maxServerErrorRetries: 1 } });

      const error = errorOf(await sut.call('list_channels'));

      expect(error.code).toBe('slack_unavailable');
      expect(error.message).toBe('slack unavailable: auth.test request failed: ECONNREFUSED (2 attempts)');
    });

    it('should never put a token in results or errors, and send tokens only in the Authorization header', async () => {
      const sut = await connect({ server: { allowWrites: true } });
      fake.inject({ kind: 'server_error', status: 502, times: 3, method: 'search.messages' });

      await sut.call('list_channels');
      await sut.call('list_users');
      await sut.call('read_messages', { channel: '#incidents' });
      await sut.call('search_messages', { query: 'refund' });
      await sut.call('list_dms', { messages_per_dm: 2 });
      await sut.call('send_message', { channel: '#general', text: `my token is ${BOT_TOKEN}` });
      await sut.call('read_messages', { channel: '#general', limit: 1 });

      const transcript = sut.transcript.join('\n');
      expect(transcript).toContain('slack_unavailable');
      expect(transcript).not.toContain(BOT_TOKEN);
      expect(transcript).not.toContain(USER_TOKEN);
      expect(transcript).not.toMatch(/xox[bp]-/);
      expect(fake.requests.length).toBeGreaterThan(8);
      expect(fake.requests.every((r) => r.tokenOutsideHeader === false && (r.auth === 'bot' || r.auth === 'user'))).toBe(true);
    });
  });

  describe('local strategy over MCP', () => {
    it('should cite the #incidents outage messages with permalinks when asked about the Acme checkout outage', async () => {
      const sut = await connect({ client: { userToken: undefined } });
      const call: ToolCaller = async (tool, args) => {
        const result = await sut.call(tool, args);
        const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
        return { ok: result.isError !== true, text, structured: result.structuredContent as Record<string, unknown> | undefined };
      };

      const result = await answerFromSlack('What did we discuss in Slack about the Acme checkout outage?', call);

      expect(result.items[0]).toEqual({
        id: `#incidents/${OUTAGE_TS}`,
        title: '#incidents · @ana · 2026-01-12 09:42 UTC',
        url: `${WORKSPACE}archives/C0INCIDENTS/p${OUTAGE_TS.replace('.', '')}`,
        tool: 'search_messages',
        content: expect.stringMatching(/^@ana: Declaring SEV1: Acme Corp checkout outage/),
        score: expect.any(Number),
      });
      expect(result.items.every((i) => i.url?.startsWith(`${WORKSPACE}archives/`))).toBe(true);
      expect(result.summary).toMatch(/#incidents/);
    });
  });

  async function connectTo(api: SlackApiClient): Promise<Harness> {
    const server = createSlackMcpServer({ client: api, allowWrites: false });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'slack-mcp-spec', version: '0.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    const harness: Harness = {
      client,
      transcript: [],
      call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
      close: async () => {
        await client.close();
        await server.close();
      },
    };
    open.push(harness);
    return harness;
  }
});
