import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
// zod/v4 on purpose: with zod v3 shapes the SDK's registerTool generics make tsc run out of memory.
import { z } from 'zod/v4';
import { SlackApiClient } from './slack-api.client';
import { SlackApiErrorCode, SlackApiException } from './slack-api.exception';
import { SlackChannel, SlackMessage, SlackUser } from './slack-api.schema';

export interface SlackMcpServerOptions {
  client: SlackApiClient;
  /** Registers `send_message`. Off unless the deployment opts in (SLACK_ALLOW_WRITES=true). */
  allowWrites: boolean;
  /** Channel `read_messages` reads when the call names none (SLACK_DEFAULT_CHANNEL). */
  defaultChannel?: string;
  /** How long channel and user directories are reused between calls. Default 60 s. */
  directoryTtlMs?: number;
  /** Bounds of the history scan `search_messages` falls back to without a user token. */
  scan?: { maxChannels?: number; messagesPerChannel?: number };
}

const DEFAULT_MESSAGES = 20;
const DEFAULT_SEARCH_LIMIT = 20;
const DIRECTORY_MAX = 5_000;
/** Per-term searches in `match: "any"` mode; each is one search.messages call. */
const MAX_ANY_TERMS = 5;
const SCAN_CONCURRENCY = 4;

const READ_ONLY_TOOL = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
const limitArg = (max: number, fallback: number) =>
  z.number().int().min(1).max(max).optional().describe(`Most items to return (default ${fallback}, at most ${max}).`);
const timeArg = (edge: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(`${edge} of the time window: a Slack timestamp ("1714650000.000100") or an ISO 8601 date/time.`);

/**
 * An MCP server over the Slack Web API: channels, users, channel history, message search
 * (search.messages with a user token, else a bounded scan of the bot's channels) and
 * direct messages; `send_message` only when writes are allowed. Results are compact JSON
 * text plus the same object as structuredContent, each message with a permalink to cite.
 * Failures are tool errors (`isError: true`) carrying a code; tokens never appear in either.
 */
export function createSlackMcpServer(options: SlackMcpServerOptions): McpServer {
  const { client, allowWrites, defaultChannel } = options;
  const directory = new SlackDirectory(client, options.directoryTtlMs ?? 60_000);
  const maxScanChannels = options.scan?.maxChannels ?? 20;
  const scanDepth = options.scan?.messagesPerChannel ?? 200;
  const server = new McpServer({ name: 'mosaic-slack', version: '0.1.0' });
  const respond = (body: () => Promise<object>) => respondWith(client, body);

  server.registerTool(
    'get_me',
    {
      title: 'Who am I',
      description:
        'Who the Slack token acts as: with a user token, the person who granted it (their user id and handle, ' +
        'e.g. to search for mentions of them as <@U0123ABCD>); otherwise the bot.',
      inputSchema: {},
      annotations: READ_ONLY_TOOL,
    },
    (_args, extra) =>
      respond(async () => {
        const as = client.hasUserToken ? 'user' : 'bot';
        const auth = await client.authTest({ as, signal: extra.signal });
        return { as, user_id: auth.user_id ?? null, user_name: auth.user ?? null, team: auth.team ?? null, url: auth.url.replace(/\/?$/, '/') };
      }),
  );

  server.registerTool(
    'list_channels',
    {
      title: 'List channels',
      description:
        'Lists the Slack channels the bot can see with topic, purpose, member count and whether the bot is a member ' +
        '(it can only read channels it is a member of).',
      inputSchema: {
        include_private: z.boolean().optional().describe('Include private channels the bot is in (default true).'),
        include_archived: z.boolean().optional().describe('Include archived channels (default false).'),
        limit: limitArg(1_000, 200),
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ include_private = true, include_archived = false, limit = 200 }, extra) =>
      respond(async () => {
        const signal = extra.signal;
        const workspace = await directory.workspaceUrl(signal);
        const page = await client.listChannels(
          { types: include_private ? 'public_channel,private_channel' : 'public_channel', excludeArchived: !include_archived, maxItems: limit },
          { signal },
        );
        const channels = page.items.map((c) => ({
          id: c.id,
          name: c.name ?? c.id,
          is_private: c.is_private ?? false,
          is_archived: c.is_archived ?? false,
          is_member: c.is_member ?? false,
          topic: c.topic?.value ?? '',
          purpose: c.purpose?.value ?? '',
          num_members: c.num_members ?? null,
          url: `${workspace}archives/${c.id}`,
        }));
        return { channels, count: channels.length, truncated: page.truncated };
      }),
  );

  server.registerTool(
    'list_users',
    {
      title: 'List users',
      description: 'Lists the people in the Slack workspace: handle, real name and email. Bots and deactivated accounts are left out unless asked for.',
      inputSchema: {
        include_bots: z.boolean().optional().describe('Include bot users (default false).'),
        include_deleted: z.boolean().optional().describe('Include deactivated accounts (default false).'),
        limit: limitArg(1_000, 200),
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ include_bots = false, include_deleted = false, limit = 200 }, extra) =>
      respond(async () => {
        // Filter after fetching: users.list cannot filter, so fetch up to the directory bound.
        const page = await client.listUsers({ maxItems: DIRECTORY_MAX }, { signal: extra.signal });
        const wanted = page.items.filter((u) => (include_bots || !u.is_bot) && (include_deleted || !u.deleted));
        const users = wanted.slice(0, limit).map((u) => ({
          id: u.id,
          name: u.name,
          real_name: u.real_name ?? u.profile?.real_name ?? '',
          email: u.profile?.email ?? null,
          is_bot: u.is_bot ?? false,
          deleted: u.deleted ?? false,
        }));
        return { users, count: users.length, truncated: page.truncated || wanted.length > limit };
      }),
  );

  server.registerTool(
    'read_messages',
    {
      title: 'Read channel messages',
      description:
        'Reads the newest messages of one channel, newest first, optionally within a time window. ' +
        `The channel is an id (C0123ABCD) or a name (#incidents or incidents)${defaultChannel ? `; default ${defaultChannel}` : ''}.`,
      inputSchema: {
        channel: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe(`Channel id or name${defaultChannel ? ` (default ${defaultChannel})` : ' (required)'}.`),
        limit: limitArg(200, DEFAULT_MESSAGES),
        oldest: timeArg('Start'),
        latest: timeArg('End'),
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ channel, limit = DEFAULT_MESSAGES, oldest, latest }, extra) =>
      respond(async () => {
        const signal = extra.signal;
        const ref = channel ?? defaultChannel;
        if (!ref) {
          throw new SlackApiException(SlackApiErrorCode.InvalidArgument, 'channel is required (no default channel is configured)');
        }
        const target = await directory.resolveChannel(ref, signal);
        const window = { oldest: oldest && toSlackTs(oldest, 'oldest'), latest: latest && toSlackTs(latest, 'latest') };
        const [page, workspace, users] = await Promise.all([
          client.history({ channel: target.id, limit, ...window }, { signal }),
          directory.workspaceUrl(signal),
          directory.users(signal),
        ]);
        const messages = page.items.map((m) => messageView(m, target.id, workspace, users));
        return { channel: { id: target.id, name: target.name ?? null }, messages, count: messages.length, has_more: page.truncated };
      }),
  );

  server.registerTool(
    'search_messages',
    {
      title: 'Search messages',
      description:
        'Finds messages by words across the channels the token can read, with permalinks. match "all" (default) ' +
        'needs every word, as Slack search does; "any" ranks messages by how many of the words they contain. ' +
        'oldest/latest keep only messages posted within that window. ' +
        'Uses search.messages when a user token is configured; otherwise scans the recent history of the ' +
        `channels the bot is a member of (up to ${maxScanChannels} channels, ${scanDepth} messages each).`,
      inputSchema: {
        query: z.string().min(1).max(500).describe('Words to look for, e.g. "acme checkout outage".'),
        match: z.enum(['all', 'any']).optional().describe('"all" words (default) or "any" word.'),
        channel: z.string().min(1).max(200).optional().describe('Only search this channel (id or name).'),
        oldest: timeArg('Start (exclusive)'),
        latest: timeArg('End (exclusive)'),
        limit: limitArg(100, DEFAULT_SEARCH_LIMIT),
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ query, match = 'all', channel, oldest, latest, limit = DEFAULT_SEARCH_LIMIT }, extra) =>
      respond(async () => {
        const signal = extra.signal;
        const terms = searchWords(query);
        if (terms.length === 0) throw new SlackApiException(SlackApiErrorCode.InvalidArgument, 'query has no words to search for');
        const window = { oldest: oldest && toSlackTs(oldest, 'oldest'), latest: latest && toSlackTs(latest, 'latest') };
        const inWindow = (ts: string) =>
          (!window.oldest || Number(ts) > Number(window.oldest)) && (!window.latest || Number(ts) < Number(window.latest));
        const within = channel ? await directory.resolveChannel(channel, signal) : undefined;
        const [workspace, users] = await Promise.all([directory.workspaceUrl(signal), directory.users(signal)]);

        if (client.hasUserToken) {
          // "all" keeps the caller's query (Slack modifiers such as from:@ana included); "any" is one search per word.
          const queries = match === 'all' ? [query] : terms.slice(0, MAX_ANY_TERMS);
          const dates = searchDateModifiers(window.oldest, window.latest);
          const found = new Map<string, SearchHit>();
          let total = 0;
          for (const text of queries) {
            const scoped = [text, ...(within ? [`in:${within.name ? `#${within.name}` : `<#${within.id}>`}`] : []), ...dates].join(' ');
            const result = await client.searchMessages({ query: scoped, count: limit }, { signal });
            total += result.total;
            for (const m of result.matches) {
              const key = `${m.channel.id}/${m.ts}`;
              // Slack's after:/before: are whole days in the user's time zone: the exact bounds are ours to apply.
              if (found.has(key) || !inWindow(m.ts)) continue;
              const view = messageView(m, m.channel.id, workspace, users);
              found.set(key, {
                ...view,
                channel: { id: m.channel.id, name: m.channel.name ?? directory.channelName(m.channel.id) ?? null },
                user_name: view.user_name ?? m.username ?? null,
                matched_terms: matchedTerms(view.text, terms),
              });
            }
          }
          const messages = rank([...found.values()]).slice(0, limit);
          const counted = match === 'all' && dates.length === 0 ? total : found.size;
          return { query, match, mode: 'search_api', total: counted, messages, count: messages.length };
        }

        const member = within
          ? [within]
          : (await directory.channels(signal)).filter((c) => c.is_member && !c.is_archived && !c.is_im).slice(0, maxScanChannels);
        const scanned = await mapConcurrent(member, SCAN_CONCURRENCY, async (target) => {
          const page = await client.history({ channel: target.id, limit: scanDepth, ...window }, { signal });
          return page.items.map((m) => ({
            view: { ...messageView(m, target.id, workspace, users), channel: { id: target.id, name: target.name ?? null } },
            raw: m.text,
          }));
        });
        const all = scanned.flat();
        const hits = all
          // The raw text too, so a query for a mention (<@U0ANA00001>) finds it as search.messages does.
          .map(({ view, raw }): SearchHit => ({ ...view, matched_terms: matchedTerms(`${view.text}\n${raw}`, terms) }))
          .filter((m) => (match === 'all' ? m.matched_terms.length === terms.length : m.matched_terms.length > 0));
        const messages = rank(hits).slice(0, limit);
        return {
          query,
          match,
          mode: 'history_scan',
          note:
            'No Slack user token is configured, so search.messages is unavailable: searched the latest ' +
            `${scanDepth} messages of ${member.length} channel(s) the bot is a member of.`,
          scanned: { channels: member.length, messages: all.length },
          total: hits.length,
          messages,
          count: messages.length,
        };
      }),
  );

  server.registerTool(
    'list_dms',
    {
      title: 'List direct messages',
      description:
        "Lists direct-message conversations (the user's with a user token, else the bot's) with the other person, " +
        'and optionally their latest messages.',
      inputSchema: {
        limit: limitArg(200, 50),
        messages_per_dm: z.number().int().min(0).max(20).optional().describe('Latest messages to include per conversation (default 0).'),
        oldest: timeArg('Start (exclusive) of the included messages'),
        latest: timeArg('End (exclusive) of the included messages'),
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ limit = 50, messages_per_dm = 0, oldest, latest }, extra) =>
      respond(async () => {
        const signal = extra.signal;
        const window = { oldest: oldest && toSlackTs(oldest, 'oldest'), latest: latest && toSlackTs(latest, 'latest') };
        const as = client.hasUserToken ? 'user' : 'bot';
        const [page, workspace, users] = await Promise.all([
          client.listDirectMessages({ maxItems: limit, as }, { signal }),
          directory.workspaceUrl(signal),
          directory.users(signal),
        ]);
        const dms = await mapConcurrent(page.items, SCAN_CONCURRENCY, async (dm) => {
          const person = dm.user ? users.get(dm.user) : undefined;
          const messages =
            messages_per_dm > 0
              ? (await client.history({ channel: dm.id, limit: messages_per_dm, as, ...window }, { signal })).items.map((m) =>
                  messageView(m, dm.id, workspace, users),
                )
              : undefined;
          return {
            id: dm.id,
            user: dm.user ?? null,
            user_name: person?.name ?? null,
            real_name: person?.real_name ?? null,
            url: `${workspace}archives/${dm.id}`,
            ...(messages ? { messages } : {}),
          };
        });
        return { as, dms, count: dms.length, truncated: page.truncated };
      }),
  );

  if (allowWrites) {
    server.registerTool(
      'send_message',
      {
        title: 'Send a message',
        description:
          'Posts a message as the bot to a channel (id or #name) or to a person (user id or @handle, as a direct message), ' +
          'optionally as a reply in a thread.',
        inputSchema: {
          channel: z.string().min(1).max(200).describe('Channel id, #name, user id (U...) or @handle.'),
          text: z.string().min(1).max(4_000).describe('Message text (Slack mrkdwn).'),
          thread_ts: z.string().regex(/^\d+\.\d+$/).optional().describe('Timestamp of the parent message to reply in its thread.'),
        },
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
      },
      ({ channel, text, thread_ts }, extra) =>
        respond(async () => {
          const signal = extra.signal;
          const target = await directory.resolveDestination(channel, signal);
          const posted = await client.postMessage({ channel: target, text, threadTs: thread_ts }, { signal });
          const workspace = await directory.workspaceUrl(signal);
          return {
            channel: posted.channel,
            ts: posted.ts,
            permalink: permalink(workspace, posted.channel, posted.ts, thread_ts),
          };
        }),
    );
  }

  return server;
}

interface MessageView {
  ts: string;
  time: string;
  user: string | null;
  user_name: string | null;
  text: string;
  thread_ts?: string;
  reply_count?: number;
  permalink: string;
}

interface SearchHit extends MessageView {
  channel: { id: string; name: string | null };
  matched_terms: string[];
}

function messageView(message: SlackMessage, channelId: string, workspace: string, users: ReadonlyMap<string, SlackUser>): MessageView {
  const author = message.user ? users.get(message.user) : undefined;
  return {
    ts: message.ts,
    time: new Date(Number(message.ts) * 1000).toISOString(),
    user: message.user ?? null,
    user_name: author?.name ?? message.username ?? null,
    text: renderText(message.text, users),
    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    ...(message.reply_count ? { reply_count: message.reply_count } : {}),
    permalink: message.permalink ?? permalink(workspace, channelId, message.ts, message.thread_ts),
  };
}

/** `https://<workspace>.slack.com/archives/<channel>/p<ts without the dot>`, as Slack's own permalinks. */
export function permalink(workspaceUrl: string, channelId: string, ts: string, threadTs?: string): string {
  const base = `${workspaceUrl.replace(/\/?$/, '/')}archives/${channelId}/p${ts.replace('.', '')}`;
  return threadTs && threadTs !== ts ? `${base}?thread_ts=${threadTs}&cid=${channelId}` : base;
}

/** Slack's markup made readable: <@U1> → @handle, <#C1|name> → #name, <url|label> → label (url), entities decoded. */
export function renderText(text: string, users: ReadonlyMap<string, SlackUser>): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]+))?>/g, (_m, id: string, label?: string) => `@${users.get(id)?.name ?? label ?? id}`)
    .replace(/<#([CG][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => `#${name || id}`)
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Lower-cased words of a search query; Slack modifiers (in:, from:, ...) are dropped. */
export function searchWords(query: string): string[] {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w && !w.includes(':'))
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w.length > 0);
  return [...new Set(words)];
}

/** The terms a text contains at the start of a word (so "refund" also finds "refunds"). */
export function matchedTerms(text: string, terms: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return terms.filter((t) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(t)}`, 'u').test(lower));
}

function rank(hits: SearchHit[]): SearchHit[] {
  return hits.sort((a, b) => b.matched_terms.length - a.matched_terms.length || Number(b.ts) - Number(a.ts));
}

/** A Slack timestamp (seconds since the epoch) from a Slack ts or an ISO 8601 date/time. */
export function toSlackTs(value: string, name: string): string {
  if (/^\d{1,11}(\.\d{1,6})?$/.test(value)) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new SlackApiException(SlackApiErrorCode.InvalidArgument, `${name} must be a Slack timestamp or an ISO 8601 date/time`);
  }
  return (ms / 1000).toFixed(6);
}

/**
 * Slack search's `after:`/`before:` for a window of Slack timestamps. They take whole days, are
 * exclusive and count in the searching user's time zone, so each side is widened by two days
 * (no time zone is more than a day from UTC); the caller applies the exact bounds to the matches.
 */
export function searchDateModifiers(oldest?: string, latest?: string): string[] {
  const day = (ts: string, shiftDays: number) => new Date(Number(ts) * 1000 + shiftDays * 86_400_000).toISOString().slice(0, 10);
  return [...(oldest ? [`after:${day(oldest, -2)}`] : []), ...(latest ? [`before:${day(latest, 2)}`] : [])];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Workspace URL, channels and users, fetched on first use and reused for `ttlMs`: name
 * resolution and author names would otherwise cost a list call per tool call.
 */
class SlackDirectory {
  private workspace?: Promise<string>;
  private channelList?: { at: number; value: Promise<SlackChannel[]> };
  private userList?: { at: number; value: Promise<Map<string, SlackUser>> };
  private knownChannels = new Map<string, SlackChannel>();

  constructor(
    private readonly client: SlackApiClient,
    private readonly ttlMs: number,
  ) {}

  /** `https://<workspace>.slack.com/` from auth.test; the first call also checks the bot token. */
  workspaceUrl(signal?: AbortSignal): Promise<string> {
    if (!this.workspace) {
      const value = this.client.authTest({ signal }).then((auth) => auth.url.replace(/\/?$/, '/'));
      value.catch(() => {
        if (this.workspace === value) this.workspace = undefined;
      });
      this.workspace = value;
    }
    return this.workspace;
  }

  channels(signal?: AbortSignal): Promise<SlackChannel[]> {
    if (!this.channelList || Date.now() - this.channelList.at > this.ttlMs) {
      const value = this.client
        .listChannels({ excludeArchived: false, maxItems: DIRECTORY_MAX }, { signal })
        .then((page) => {
          this.knownChannels = new Map(page.items.map((c) => [c.id, c]));
          return page.items;
        });
      const entry = { at: Date.now(), value };
      value.catch(() => {
        if (this.channelList === entry) this.channelList = undefined;
      });
      this.channelList = entry;
    }
    return this.channelList.value;
  }

  users(signal?: AbortSignal): Promise<Map<string, SlackUser>> {
    if (!this.userList || Date.now() - this.userList.at > this.ttlMs) {
      const value = this.client
        .listUsers({ maxItems: DIRECTORY_MAX }, { signal })
        .then((page) => new Map(page.items.map((u) => [u.id, u])));
      const entry = { at: Date.now(), value };
      value.catch(() => {
        if (this.userList === entry) this.userList = undefined;
      });
      this.userList = entry;
    }
    return this.userList.value;
  }

  /** The name of a channel already seen in a listing, if any. */
  channelName(id: string): string | undefined {
    return this.knownChannels.get(id)?.name;
  }

  /** A channel id from an id, `#name` or `name` (case-insensitive). */
  async resolveChannel(ref: string, signal?: AbortSignal): Promise<{ id: string; name?: string; is_member?: boolean; is_archived?: boolean; is_im?: boolean }> {
    const wanted = ref.trim().replace(/^#/, '');
    const channels = await this.channels(signal);
    if (isConversationId(wanted)) {
      return channels.find((c) => c.id === wanted) ?? { id: wanted };
    }
    const lower = wanted.toLowerCase();
    const found = channels.find((c) => c.name?.toLowerCase() === lower);
    if (found) return found;
    const known = channels
      .filter((c) => c.name && !c.is_archived)
      .slice(0, 20)
      .map((c) => `#${c.name}`);
    throw new SlackApiException(
      SlackApiErrorCode.ChannelNotFound,
      `slack channel "#${wanted}" not found${known.length ? `; known channels: ${known.join(', ')}` : ''}`,
    );
  }

  /** Where `send_message` posts: a conversation id, or a DM opened with a user given by id or @handle. */
  async resolveDestination(ref: string, signal?: AbortSignal): Promise<string> {
    const trimmed = ref.trim();
    const userRef = /^[UW][A-Z0-9]{2,}$/.test(trimmed) ? trimmed : trimmed.startsWith('@') ? trimmed.slice(1) : undefined;
    if (userRef === undefined) return (await this.resolveChannel(trimmed, signal)).id;
    const users = await this.users(signal);
    const lower = userRef.toLowerCase();
    const user = users.get(userRef) ?? [...users.values()].find((u) => u.name.toLowerCase() === lower && !u.deleted);
    if (!user) throw new SlackApiException(SlackApiErrorCode.UserNotFound, `slack user "${userRef}" not found`);
    return this.client.openDirectMessage(user.id, { signal });
  }
}

function isConversationId(value: string): boolean {
  return /^[CGD][A-Z0-9]{6,}$/.test(value);
}

/** Runs a tool body and turns its value, or its failure, into a CallToolResult. */
async function respondWith(client: SlackApiClient, body: () => Promise<object>): Promise<CallToolResult> {
  try {
    const structured = JSON.parse(client.redact(JSON.stringify(await body()))) as Record<string, unknown>;
    return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
  } catch (error) {
    const failure =
      error instanceof SlackApiException
        ? error
        : new SlackApiException(SlackApiErrorCode.SlackError, `slack tool failed: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
    const message = client.redact(failure.message);
    return {
      isError: true,
      content: [{ type: 'text', text: message }],
      structuredContent: {
        error: {
          code: failure.code,
          message,
          ...(failure.retryAfterSeconds !== undefined ? { retry_after_seconds: failure.retryAfterSeconds } : {}),
        },
      },
    };
  }
}
