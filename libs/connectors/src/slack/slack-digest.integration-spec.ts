import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolCaller } from '../connector';
import { SlackApiClient } from './slack-api.client';
import { createSlackMcpServer } from './slack-mcp.server';
import { slackConnector } from './slack.connector';
import { DIGEST_SINCE, DIGEST_UNTIL, digestWorkspace, slackTs } from './testing/fake-slack.fixtures';
import { FakeSlack } from './testing/fake-slack.server';

const BOT_TOKEN = 'xoxb-1111-2222-fakebotsecret';
const USER_TOKEN = 'xoxp-3333-4444-fakeusersecret';
const WORKSPACE = 'https://initech.slack.com/';
const WINDOW = { since: DIGEST_SINCE, until: DIGEST_UNTIL };

describe('slackConnector.digestStrategy against the Slack MCP server and a fake Slack', () => {
  let fake: FakeSlack;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    fake = await FakeSlack.start({ botToken: BOT_TOKEN, userToken: USER_TOKEN, workspace: digestWorkspace() });
  });

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    fake.reset();
  });

  afterAll(async () => {
    await fake?.close();
  });

  /** A ToolCaller over the real MCP server, as the worker's session gives the strategy. */
  async function connect(userToken: string | undefined): Promise<ToolCaller> {
    const api = new SlackApiClient({ botToken: BOT_TOKEN, userToken, baseUrl: fake.url, requestTimeoutMs: 2_000, retryBaseDelayMs: 10 });
    const server = createSlackMcpServer({ client: api, allowWrites: false });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'slack-digest-spec', version: '0.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    closers.push(async () => {
      await client.close();
      await server.close();
    });
    return async (tool, args) => {
      const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      return { ok: result.isError !== true, text, structured: result.structuredContent as Record<string, unknown> | undefined };
    };
  }

  const digest = slackConnector.digestStrategy!;

  it('should list only the mentions and direct messages others posted within the window when the user token says who the user is', async () => {
    const call = await connect(USER_TOKEN);

    const result = await digest(WINDOW, call, { bot_token: BOT_TOKEN, user_token: USER_TOKEN });

    expect(result.items.map((i) => [i.tool, i.title])).toEqual([
      ['list_dms', 'Direct message from @cara · 2026-01-14 08:30 UTC'],
      ['search_messages', '@mention in #support by @cara · 2026-01-13 16:00 UTC'],
      ['list_dms', 'Direct message from @ben · 2026-01-13 15:00 UTC'],
      ['search_messages', '@mention in #incidents by @ben · 2026-01-12 10:05 UTC'],
    ]);
    expect(result.items[1]).toEqual({
      id: `#support/${slackTs('2026-01-13T16:00:00Z')}`,
      title: '@mention in #support by @cara · 2026-01-13 16:00 UTC',
      url: `${WORKSPACE}archives/C0SUPPORT01/p${slackTs('2026-01-13T16:00:00Z').replace('.', '')}`,
      tool: 'search_messages',
      content: '@cara mentioned you in #support: @ana Globex confirmed the refund landed, thanks!',
      score: 1,
    });
    expect(result.items[2]!.content).toBe('@ben wrote to you directly: Globex refund is done.');
    expect(result.items[2]!.url).toBe(`${WORKSPACE}archives/D0BEN00001/p${slackTs('2026-01-13T15:00:00Z').replace('.', '')}`);
    expect(result.summary).toBe(`Since ${DIGEST_SINCE}: 2 mention(s) of @ana; 2 direct message(s).`);
    // Slack's search only knows whole days; the window went to Slack as widened days.
    expect(fake.calls('search.messages')[0]!.args['query']).toBe('<@U0ANA00001> after:2026-01-10 before:2026-01-16');
  });

  it('should find mentions by the email and leave direct messages out when only the bot token is configured', async () => {
    const call = await connect(undefined);

    const result = await digest({ ...WINDOW, userEmail: 'ANA@initech.example' }, call, { bot_token: BOT_TOKEN });

    // The bot scans channel histories, where thread replies are not: only the #support mention is left.
    expect(result.items.map((i) => i.id)).toEqual([`#support/${slackTs('2026-01-13T16:00:00Z')}`]);
    expect(result.items[0]!.title).toBe('@mention in #support by @cara · 2026-01-13 16:00 UTC');
    expect(result.summary).toBe(`Since ${DIGEST_SINCE}: 1 mention(s) of @ana; direct messages need a Slack user token.`);
    expect(fake.calls('search.messages')).toHaveLength(0);
  });

  it("should say times in the user's time zone when the window names one", async () => {
    const call = await connect(USER_TOKEN);

    const result = await digest({ ...WINDOW, timeZone: 'Asia/Tokyo' }, call, { bot_token: BOT_TOKEN, user_token: USER_TOKEN });

    expect(result.items[0]!.title).toBe('Direct message from @cara · 2026-01-14 17:30 Asia/Tokyo');
  });

  it('should return nothing and say why when neither a user token nor a matching email says who the user is', async () => {
    const call = await connect(undefined);

    const result = await digest({ ...WINDOW, userEmail: 'nobody@initech.example' }, call, { bot_token: BOT_TOKEN });

    expect(result.items).toEqual([]);
    expect(result.summary).toMatch(/Cannot tell who you are in Slack/);
  });

  it('should refuse the window when since is not before until', async () => {
    const call = await connect(USER_TOKEN);

    await expect(digest({ since: DIGEST_UNTIL, until: DIGEST_SINCE }, call, { bot_token: BOT_TOKEN, user_token: USER_TOKEN })).rejects.toThrow(
      'invalid digest window: since must be before until',
    );
  });
});
