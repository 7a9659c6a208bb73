import { SourceItem } from '@mosaic/contracts';
import { keywords, overlapScore, searchTerms } from '@mosaic/llm';
import { z } from 'zod';
import { ConnectorDefinition, DigestWindow, directRoute, StrategyResult, ToolCaller } from '../connector';
import { DigestBounds, digestBounds, formatLocal, isWithin } from '../digest-window';
import { builtServerEntry } from '../paths';

const MAX_ITEMS = 8;
const SEARCH_LIMIT = 40;

/** Our own Slack MCP server over the Slack Web API (read-only unless SLACK_ALLOW_WRITES=true). */
export const slackConnector: ConnectorDefinition = {
  metadata: {
    id: 'slack',
    name: 'Slack',
    description: 'Search messages, channels, threads, direct messages and people in the company Slack workspace',
    icon: 'slack',
  },
  // The planner matches stems of content words of 3+ letters, so "dm" alone never matches: "dms" and "direct" do.
  keywords: [
    'slack', 'channel', 'message', 'thread', 'dm', 'dms', 'direct', 'mention', 'said', 'discussed', 'announcement',
    'announced', 'conversation', 'chat', 'posted', 'talked', 'reply', 'replied',
  ],
  injections: [
    { tool: 'read_messages', param: 'oldest', from: { kind: 'window_start' } },
    { tool: 'read_messages', param: 'latest', from: { kind: 'window_end' } },
  ],
  probe: { tool: 'list_channels', args: { limit: 1 } },
  credentialFields: [
    { name: 'bot_token', label: 'Bot Token', type: 'password', required: true, envVar: 'SLACK_BOT_TOKEN' },
    { name: 'user_token', label: 'User Token (enables search)', type: 'password', required: false, envVar: 'SLACK_USER_TOKEN' },
    { name: 'api_url', label: 'Web API URL', type: 'url', required: false, envVar: 'SLACK_API_URL' },
  ],
  // Seed-style: the first pattern with a keyword in the question picks the tool; DMs first, since
  // "direct messages from users" is about DMs. Anything else is a message search.
  directRouting: [
    { keywords: ['dm', 'dms', 'direct message', 'direct messages'], tool: 'list_dms', args: { limit: 20, messages_per_dm: 5 } },
    { keywords: ['channel', 'channels'], tool: 'list_channels' },
    { keywords: ['user', 'users', 'who'], tool: 'list_users' },
  ],
  launch: (credentials, options) => ({
    kind: 'stdio',
    command: process.execPath,
    args: [builtServerEntry('slack/slack-mcp.main.js')],
    // Only what the server needs; writes stay off unless the request explicitly allowed them.
    env: {
      SLACK_BOT_TOKEN: credentials['bot_token'] ?? '',
      ...(credentials['user_token'] ? { SLACK_USER_TOKEN: credentials['user_token'] } : {}),
      ...(credentials['api_url'] ? { SLACK_API_URL: credentials['api_url'] } : {}),
      ...(options?.allowWrites ? { SLACK_ALLOW_WRITES: 'true' } : {}),
    },
  }),
  localStrategy: (query, call) => answerFromSlack(query, call),
  digestStrategy: (window, call, credentials) => slackDigest(window, call, credentials),
};

const MessageSchema = z.object({
  ts: z.string(),
  time: z.string().optional(),
  user_name: z.string().nullish(),
  user: z.string().nullish(),
  text: z.string(),
  permalink: z.string().optional(),
});
type ToolMessage = z.infer<typeof MessageSchema>;

const SearchResultSchema = z.object({
  mode: z.string().optional(),
  total: z.number().optional(),
  messages: z.array(MessageSchema.extend({ channel: z.object({ id: z.string(), name: z.string().nullish() }) })),
});

const ChannelsResultSchema = z.object({
  channels: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      topic: z.string().default(''),
      purpose: z.string().default(''),
      num_members: z.number().nullish(),
      is_member: z.boolean().optional(),
      url: z.string().optional(),
    }),
  ),
});

const UsersResultSchema = z.object({
  users: z.array(z.object({ id: z.string(), name: z.string(), real_name: z.string().default(''), email: z.string().nullish() })),
});

const MeResultSchema = z.object({ as: z.enum(['user', 'bot']), user_id: z.string().nullish(), user_name: z.string().nullish() });

const DmsResultSchema = z.object({
  dms: z.array(
    z.object({
      id: z.string(),
      user_name: z.string().nullish(),
      real_name: z.string().nullish(),
      url: z.string().optional(),
      messages: z.array(MessageSchema).optional(),
    }),
  ),
});

export async function answerFromSlack(query: string, call: ToolCaller): Promise<StrategyResult> {
  const queryKeywords = keywords(query);
  const route = directRoute(slackConnector, query);

  if (route?.tool === 'list_channels') {
    const { channels } = ChannelsResultSchema.parse(await structuredOf(call, 'list_channels', route.args ?? {}));
    const items = channels.map((c): SourceItem => {
      const members = c.num_members == null ? '' : ` ${c.num_members} members.`;
      const content = `#${c.name}: ${[c.topic, c.purpose].filter(Boolean).join('. ') || 'no topic'}.${members}`;
      return { id: `#${c.name}`, title: `#${c.name}`, url: c.url, tool: 'list_channels', content, score: listingScore(queryKeywords, content, c.name) };
    });
    return top(items, `Listed ${channels.length} channel(s).`);
  }

  if (route?.tool === 'list_users') {
    const { users } = UsersResultSchema.parse(await structuredOf(call, 'list_users', route.args ?? {}));
    const items = users.map((u): SourceItem => {
      const content = `${u.real_name || u.name} (@${u.name})${u.email ? `, ${u.email}` : ''}`;
      return { id: `@${u.name}`, title: u.real_name || `@${u.name}`, tool: 'list_users', content, score: listingScore(queryKeywords, content, u.name) };
    });
    return top(items, `Listed ${users.length} people.`);
  }

  if (route?.tool === 'list_dms') {
    const { dms } = DmsResultSchema.parse(await structuredOf(call, 'list_dms', route.args ?? {}));
    const items = dms.flatMap((dm) =>
      (dm.messages ?? []).map((m): SourceItem => {
        const where = `@${dm.user_name ?? dm.id}`;
        return messageItem(m, where, `DM with ${where}`, 'list_dms', listingScore(queryKeywords, m.text, ''));
      }),
    );
    return top(items, `Read ${items.length} recent message(s) from ${dms.length} direct message conversation(s).`);
  }

  const terms = searchTerms(query);
  if (terms.length === 0) return { items: [], summary: 'The question has no searchable terms.' };
  // "any": Slack search needs every word, and a question's words rarely all occur in one message.
  const result = SearchResultSchema.parse(
    await structuredOf(call, 'search_messages', { query: terms.join(' '), match: 'any', limit: SEARCH_LIMIT }),
  );
  const items = result.messages
    .map((m) => {
      const where = `#${m.channel.name ?? m.channel.id}`;
      return messageItem(m, where, where, 'search_messages', overlapScore(queryKeywords, m.text, m.channel.name ?? ''));
    })
    .filter((item) => item.score > 0);
  const picked = top(items, '');
  const channels = [...new Set(picked.items.map((i) => i.id.split('/')[0]))];
  return {
    items: picked.items,
    summary: picked.items.length
      ? `Found ${result.messages.length} message(s) mentioning ${terms.join(', ')}; the ${picked.items.length} best are in ${channels.join(', ')}.`
      : `No Slack messages mention ${terms.join(', ')}.`,
  };
}

/** One citeable message: id `#channel/ts`, content `@author: text`. */
function messageItem(message: ToolMessage, where: string, place: string, tool: string, score: number): SourceItem {
  const author = message.user_name ?? message.user ?? 'unknown';
  const when = message.time ? ` · ${message.time.slice(0, 16).replace('T', ' ')} UTC` : '';
  // "DM with @ana · @ana" says nothing twice.
  const by = place.endsWith(`@${author}`) ? '' : ` · @${author}`;
  return {
    id: `${where}/${message.ts}`,
    title: `${place}${by}${when}`,
    url: message.permalink,
    tool,
    content: `@${author}: ${message.text}`,
    score: Number(score.toFixed(3)),
  };
}

/** A listing is what the question asked for: every entry is worth citing, the matching ones first. */
function listingScore(queryKeywords: readonly string[], text: string, title: string): number {
  return Number((0.5 + 0.5 * overlapScore(queryKeywords, text, title)).toFixed(3));
}

function top(items: SourceItem[], summary: string): StrategyResult {
  const sorted = [...items].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return { items: sorted.slice(0, MAX_ITEMS), summary };
}

async function structuredOf(call: ToolCaller, tool: string, args: Record<string, unknown>): Promise<unknown> {
  const result = await call(tool, args);
  if (!result.ok) throw new Error(`${tool} failed: ${result.text}`);
  if (result.structured) return result.structured;
  try {
    return JSON.parse(result.text);
  } catch (error) {
    throw new Error(`${tool} returned no JSON result`, { cause: error });
  }
}

// ---- "What you missed" -------------------------------------------------------------------

const DIGEST_MAX_ITEMS = 20;
const DIGEST_MENTIONS_SCANNED = 50;
const DIGEST_DMS = 50;
const DIGEST_MESSAGES_PER_DM = 20;

interface SlackIdentity {
  id: string;
  name: string | null;
  /** Found from the user token itself: its direct messages are the user's own. */
  fromToken: boolean;
}

/**
 * Messages that mention the user and direct messages to them, posted within the window, newest
 * first. The user is the user token's owner (`get_me`), else the workspace member with the
 * window's email; direct messages need the user token (the bot's own DMs are not the user's).
 */
export async function slackDigest(
  window: DigestWindow,
  call: ToolCaller,
  credentials: Readonly<Record<string, string>>,
): Promise<StrategyResult> {
  const bounds = digestBounds(window);
  const me = await digestIdentity(call, credentials, bounds.userEmail);
  if (!me) {
    return { items: [], summary: 'Cannot tell who you are in Slack: no user token is configured and no workspace member has your email.' };
  }
  // `latest` is exclusive in Slack; a second past `until` keeps a message posted right at `until`.
  const span = { oldest: window.since, latest: new Date(bounds.until + 1000).toISOString() };
  const found = new Map<string, { item: SourceItem; at: number }>();

  if (me.fromToken) {
    const { dms } = DmsResultSchema.parse(
      await structuredOf(call, 'list_dms', { limit: DIGEST_DMS, messages_per_dm: DIGEST_MESSAGES_PER_DM, ...span }),
    );
    for (const dm of dms) {
      for (const m of dm.messages ?? []) {
        if (m.user === me.id || !isWithin(bounds, slackTime(m.ts))) continue;
        const author = m.user_name ?? dm.user_name ?? m.user ?? 'someone';
        found.set(`${dm.id}/${m.ts}`, {
          at: slackTime(m.ts),
          item: digestItem(`@${author}/${m.ts}`, `Direct message from @${author}`, `@${author} wrote to you directly: ${m.text}`, m, 'list_dms', bounds),
        });
      }
    }
  }

  const mentions = SearchResultSchema.parse(
    await structuredOf(call, 'search_messages', { query: `<@${me.id}>`, match: 'all', limit: DIGEST_MENTIONS_SCANNED, ...span }),
  );
  for (const m of mentions.messages) {
    const key = `${m.channel.id}/${m.ts}`;
    if (found.has(key) || m.user === me.id || !isWithin(bounds, slackTime(m.ts))) continue;
    const where = m.channel.name ? `#${m.channel.name}` : 'a conversation';
    const author = m.user_name ?? m.user ?? 'someone';
    found.set(key, {
      at: slackTime(m.ts),
      item: digestItem(`${m.channel.name ? `#${m.channel.name}` : m.channel.id}/${m.ts}`, `@mention in ${where} by @${author}`, `@${author} mentioned you in ${where}: ${m.text}`, m, 'search_messages', bounds),
    });
  }

  const items = [...found.values()].sort((a, b) => b.at - a.at).map((f) => f.item);
  const dmCount = items.filter((i) => i.tool === 'list_dms').length;
  const who = me.name ? `@${me.name}` : me.id;
  const dmNote = me.fromToken ? `${dmCount} direct message(s)` : 'direct messages need a Slack user token';
  return {
    items: items.slice(0, DIGEST_MAX_ITEMS),
    summary: `Since ${window.since}: ${items.length - dmCount} mention(s) of ${who}; ${dmNote}.`,
  };
}

async function digestIdentity(
  call: ToolCaller,
  credentials: Readonly<Record<string, string>>,
  userEmail: string | undefined,
): Promise<SlackIdentity | undefined> {
  if (credentials['user_token']) {
    const me = MeResultSchema.parse(await structuredOf(call, 'get_me', {}));
    if (me.as === 'user' && me.user_id) return { id: me.user_id, name: me.user_name ?? null, fromToken: true };
  }
  if (!userEmail) return undefined;
  const { users } = UsersResultSchema.parse(await structuredOf(call, 'list_users', { limit: 1_000 }));
  const wanted = userEmail.toLowerCase();
  const user = users.find((u) => u.email?.toLowerCase() === wanted);
  return user ? { id: user.id, name: user.name, fromToken: false } : undefined;
}

function digestItem(id: string, what: string, content: string, message: ToolMessage, tool: string, bounds: DigestBounds): SourceItem {
  return {
    id,
    title: `${what} · ${formatLocal(bounds.timeZone, slackTime(message.ts))} ${bounds.timeZone}`,
    url: message.permalink,
    tool,
    content,
    score: 1,
  };
}

/** Epoch milliseconds of a Slack timestamp. */
function slackTime(ts: string): number {
  return Math.round(Number(ts) * 1000);
}
