/**
 * A local stand-in for the Slack Web API (https://api.slack.com/web), for tests only.
 * It serves the real shapes: POST or GET `/api/<method>`, `Authorization: Bearer` (or a
 * `token` argument), form, JSON or query-string arguments, `{ok: true, ...}` or
 * `{ok: false, error}` with HTTP 200, cursor pagination through
 * `response_metadata.next_cursor`, and 429 + Retry-After. Faults can be switched on:
 * rate limits, 5xx answers, and requests that never get an answer.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { acmeWorkspace, FakeSlackWorkspace, FixtureChannel, FixtureMessage } from './fake-slack.fixtures';

export interface FakeSlackOptions {
  botToken: string;
  userToken: string;
  workspace?: FakeSlackWorkspace;
  /** Largest page the fake serves whatever `limit` asks for (Slack's own ceiling is 1000). */
  maxPageSize?: number;
}

export type FakeSlackFault =
  | { kind: 'rate_limit'; retryAfterSeconds: number; times: number; method?: string }
  | { kind: 'server_error'; status: number; times: number; method?: string }
  | { kind: 'hang'; times: number; method?: string };

/** What the fake saw of one request; never the token itself. */
export interface FakeSlackRequest {
  method: string;
  httpMethod: string;
  auth: 'bot' | 'user' | 'invalid' | 'none';
  args: Record<string, string>;
  /** Whether the token was sent anywhere but the Authorization header. */
  tokenOutsideHeader: boolean;
}

type Auth = 'bot' | 'user';
type Args = Record<string, string>;
type Handler = (args: Args, auth: Auth) => Record<string, unknown>;

class SlackError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
    readonly status = 200,
  ) {
    super(error);
  }
}

export class FakeSlack {
  readonly requests: FakeSlackRequest[] = [];
  /** Messages posted through chat.postMessage, by conversation id. */
  readonly posted: Array<{ channel: string; text: string; thread_ts?: string; ts: string }> = [];
  private faults: FakeSlackFault[] = [];
  private readonly workspace: FakeSlackWorkspace;
  private readonly maxPageSize: number;
  private readonly handlers: Record<string, Handler>;
  private nextTs = 1_800_000_000;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeSlackOptions,
  ) {
    this.workspace = structuredClone(options.workspace ?? acmeWorkspace());
    this.maxPageSize = options.maxPageSize ?? 1_000;
    this.handlers = {
      'auth.test': (_args, auth) => this.authTest(auth),
      'conversations.list': (args, auth) => this.conversationsList(args, auth),
      'conversations.history': (args, auth) => this.conversationsHistory(args, auth),
      'conversations.open': (args) => this.conversationsOpen(args),
      'users.list': (args) => this.usersList(args),
      'search.messages': (args, auth) => this.searchMessages(args, auth),
      'chat.postMessage': (args) => this.chatPostMessage(args),
    };
  }

  static async start(options: FakeSlackOptions): Promise<FakeSlack> {
    const server = createServer();
    const fake = new FakeSlack(server, options);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The Web API base URL, like https://slack.com/api. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api`;
  }

  /** Queues a fault; faults apply in order to the matching requests. */
  inject(fault: FakeSlackFault): void {
    this.faults.push({ ...fault });
  }

  reset(): void {
    this.faults = [];
    this.requests.length = 0;
    this.posted.length = 0;
  }

  calls(method: string): FakeSlackRequest[] {
    return this.requests.filter((r) => r.method === method);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = url.pathname.replace(/^\/api\//, '');
    const raw = await readBody(req);
    const args: Args = Object.fromEntries(url.searchParams);
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('application/json') && raw) {
      for (const [key, value] of Object.entries(JSON.parse(raw) as Record<string, unknown>)) args[key] = String(value);
    } else if (raw) {
      for (const [key, value] of new URLSearchParams(raw)) args[key] = value;
    }
    const header = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = header ?? args['token'];
    delete args['token'];
    const auth = token === this.options.botToken ? 'bot' : token === this.options.userToken ? 'user' : token ? 'invalid' : 'none';
    this.requests.push({ method, httpMethod: req.method ?? '', auth, args, tokenOutsideHeader: header === undefined && token !== undefined });

    const fault = this.takeFault(method);
    if (fault?.kind === 'hang') return; // never answered; close() drops the socket
    if (fault?.kind === 'rate_limit') {
      return send(res, 429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(fault.retryAfterSeconds) });
    }
    if (fault?.kind === 'server_error') {
      res.writeHead(fault.status, { 'Content-Type': 'text/html' }).end('<html><body>Slack is having trouble</body></html>');
      return;
    }

    const handler = Object.hasOwn(this.handlers, method) ? this.handlers[method] : undefined;
    if (!handler) return send(res, 404, { ok: false, error: 'unknown_method' });
    if (auth === 'none') return send(res, 200, { ok: false, error: 'not_authed' });
    if (auth === 'invalid') return send(res, 200, { ok: false, error: 'invalid_auth' });
    try {
      send(res, 200, { ok: true, ...handler(args, auth) });
    } catch (error) {
      if (!(error instanceof SlackError)) throw error;
      send(res, error.status, { ok: false, error: error.error, ...error.extra });
    }
  }

  private takeFault(method: string): FakeSlackFault | undefined {
    const index = this.faults.findIndex((f) => f.times > 0 && (!f.method || f.method === method));
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    fault.times -= 1;
    if (fault.times === 0) this.faults.splice(index, 1);
    return fault;
  }

  private authTest(auth: Auth): Record<string, unknown> {
    const { url, team, teamId, botUserId, botId } = this.workspace;
    return auth === 'bot'
      ? { url, team, user: 'mosaic', team_id: teamId, user_id: botUserId, bot_id: botId, is_enterprise_install: false }
      : { url, team, user: 'ana', team_id: teamId, user_id: 'U0ANA00001', is_enterprise_install: false };
  }

  private conversationsList(args: Args, auth: Auth): Record<string, unknown> {
    const types = new Set((args['types'] ?? 'public_channel').split(',').map((t) => t.trim()));
    const excludeArchived = args['exclude_archived'] === 'true' || args['exclude_archived'] === '1';
    const channels: Array<Record<string, unknown>> = this.workspace.channels
      .filter((c) => (c.is_private ? types.has('private_channel') && this.canSee(c, auth) : types.has('public_channel')))
      .filter((c) => !(excludeArchived && c.is_archived))
      .map((c) => this.channelObject(c, auth));
    if (types.has('im')) {
      channels.push(
        ...this.workspace.dms.map((dm) => ({
          id: dm.id,
          created: 1_700_000_000,
          is_im: true,
          is_org_shared: false,
          user: dm.user,
          is_user_deleted: this.workspace.users.find((u) => u.id === dm.user)?.deleted ?? false,
          priority: 0,
        })),
      );
    }
    return this.page(channels, args, 'channels');
  }

  private conversationsHistory(args: Args, auth: Auth): Record<string, unknown> {
    const id = required(args, 'channel');
    const channel = this.workspace.channels.find((c) => c.id === id);
    const dm = this.workspace.dms.find((d) => d.id === id);
    if (!channel && !dm) throw new SlackError('channel_not_found');
    if (channel && !this.canSee(channel, auth)) {
      throw new SlackError(channel.is_private ? 'channel_not_found' : 'not_in_channel');
    }
    const oldest = Number(args['oldest'] ?? 0);
    const latest = args['latest'] ? Number(args['latest']) : Infinity;
    const inclusive = args['inclusive'] === 'true' || args['inclusive'] === '1';
    const messages = [...(this.workspace.messages[id] ?? []), ...this.postedIn(id)]
      // Thread replies stay in their thread (conversations.replies); only the parent is in history.
      .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
      .filter((m) => {
        const ts = Number(m.ts);
        return inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;
      })
      .sort((a, b) => Number(b.ts) - Number(a.ts))
      .map((m) => messageObject(m, this.workspace.teamId));
    const page = this.page(messages, args, 'messages');
    return { ...page, has_more: Boolean((page['response_metadata'] as { next_cursor: string }).next_cursor), pin_count: 0 };
  }

  private conversationsOpen(args: Args): Record<string, unknown> {
    const user = required(args, 'users');
    if (!this.workspace.users.some((u) => u.id === user && !u.deleted)) throw new SlackError('user_not_found');
    let dm = this.workspace.dms.find((d) => d.user === user);
    if (!dm) {
      dm = { id: `D0NEW${this.workspace.dms.length}`.padEnd(10, '0'), user };
      this.workspace.dms.push(dm);
    }
    return { no_op: true, already_open: true, channel: { id: dm.id } };
  }

  private usersList(args: Args): Record<string, unknown> {
    const members = this.workspace.users.map((u) => ({
      id: u.id,
      team_id: this.workspace.teamId,
      name: u.name,
      deleted: u.deleted ?? false,
      real_name: u.real_name,
      tz: 'Europe/Lisbon',
      is_bot: u.is_bot ?? false,
      is_admin: false,
      profile: {
        real_name: u.real_name,
        display_name: u.name,
        ...(u.email ? { email: u.email } : {}),
        image_48: 'https://avatars.example/48.png',
      },
    }));
    return { ...this.page(members, args, 'members'), cache_ts: 1_700_000_000 };
  }

  /**
   * search.messages: user tokens only, every word must occur (at a word start), `in:#name` narrows,
   * `after:`/`before:`/`on:` YYYY-MM-DD keep whole days (exclusive, as Slack's; in UTC here).
   */
  private searchMessages(args: Args, auth: Auth): Record<string, unknown> {
    if (auth !== 'user') throw new SlackError('not_allowed_token_type');
    const query = required(args, 'query');
    const count = Math.min(Number(args['count'] ?? 20) || 20, 100);
    const page = Math.max(Number(args['page'] ?? 1) || 1, 1);
    let scope: FixtureChannel | undefined;
    const words: string[] = [];
    const days: Array<(day: string) => boolean> = [];
    for (const token of query.toLowerCase().split(/\s+/).filter(Boolean)) {
      const date = /^(after|before|on):(\d{4}-\d{2}-\d{2})$/.exec(token);
      if (date) {
        const modifier = date[1];
        const day = date[2]!;
        days.push(modifier === 'after' ? (d) => d > day : modifier === 'before' ? (d) => d < day : (d) => d === day);
        continue;
      }
      const inMatch = /^in:(?:#([a-z0-9_-]+)|<#([A-Z0-9]+)(?:\|[^>]*)?>)$/i.exec(token);
      if (inMatch) {
        scope = this.workspace.channels.find((c) => c.name === inMatch[1] || c.id.toLowerCase() === inMatch[2]?.toLowerCase());
        if (!scope) return { query, messages: { total: 0, matches: [], paging: { count, total: 0, page, pages: 0 } } };
        continue;
      }
      words.push(token.replace(/[^\p{L}\p{N}]/gu, ''));
    }
    const matches = this.workspace.channels
      .filter((c) => (!scope || c.id === scope.id) && this.canSee(c, auth))
      .flatMap((c) => (this.workspace.messages[c.id] ?? []).map((m) => ({ c, m })))
      .filter(({ m }) => words.every((w) => new RegExp(`(^|[^\\p{L}\\p{N}])${w}`, 'iu').test(m.text)))
      .filter(({ m }) => days.every((test) => test(new Date(Number(m.ts) * 1000).toISOString().slice(0, 10))))
      .sort((a, b) => Number(b.m.ts) - Number(a.m.ts))
      .map(({ c, m }) => ({
        iid: `${c.id}-${m.ts}`,
        team: this.workspace.teamId,
        type: 'message',
        ts: m.ts,
        text: m.text,
        user: m.user,
        username: this.workspace.users.find((u) => u.id === m.user)?.name ?? '',
        channel: { id: c.id, is_channel: !c.is_private, is_private: c.is_private, name: c.name },
        permalink: `${this.workspace.url}archives/${c.id}/p${m.ts.replace('.', '')}`,
      }));
    const slice = matches.slice((page - 1) * count, page * count);
    return {
      query,
      messages: {
        total: matches.length,
        matches: slice,
        paging: { count, total: matches.length, page, pages: Math.ceil(matches.length / count) },
        pagination: { total_count: matches.length, page, per_page: count, page_count: Math.ceil(matches.length / count), first: 1, last: slice.length },
      },
    };
  }

  private chatPostMessage(args: Args): Record<string, unknown> {
    const id = required(args, 'channel');
    const text = args['text'] ?? '';
    if (!text) throw new SlackError('no_text');
    const channel = this.workspace.channels.find((c) => c.id === id);
    const dm = this.workspace.dms.find((d) => d.id === id);
    if (!channel && !dm) throw new SlackError('channel_not_found');
    if (channel?.is_archived) throw new SlackError('is_archived');
    if (channel && !channel.bot_is_member) throw new SlackError('not_in_channel');
    const ts = `${this.nextTs++}.000100`;
    const threadTs = args['thread_ts'] || undefined;
    this.posted.push({ channel: id, text, ts, ...(threadTs ? { thread_ts: threadTs } : {}) });
    return {
      channel: id,
      ts,
      message: { type: 'message', bot_id: this.workspace.botId, user: this.workspace.botUserId, text, ts, ...(threadTs ? { thread_ts: threadTs } : {}) },
    };
  }

  private postedIn(channel: string): FixtureMessage[] {
    return this.posted.filter((p) => p.channel === channel).map((p) => ({ ts: p.ts, user: this.workspace.botUserId, text: p.text, thread_ts: p.thread_ts }));
  }

  /** The bot sees the channels it is in; the user token's owner (Ana) is in every channel. */
  private canSee(channel: FixtureChannel, auth: Auth): boolean {
    return auth === 'user' || channel.bot_is_member;
  }

  private channelObject(c: FixtureChannel, auth: Auth): Record<string, unknown> {
    return {
      id: c.id,
      name: c.name,
      is_channel: !c.is_private,
      is_group: false,
      is_im: false,
      is_mpim: false,
      is_private: c.is_private,
      created: 1_600_000_000,
      is_archived: c.is_archived,
      is_general: c.name === 'general',
      name_normalized: c.name,
      is_shared: false,
      is_member: auth === 'bot' ? c.bot_is_member : true,
      topic: { value: c.topic, creator: 'U0ANA00001', last_set: 1_600_000_000 },
      purpose: { value: c.purpose, creator: 'U0ANA00001', last_set: 1_600_000_000 },
      num_members: c.num_members,
    };
  }

  /** Slack-style cursor pagination: `limit` (capped), opaque base64 `cursor`, `next_cursor` "" at the end. */
  private page<T>(items: T[], args: Args, key: string): Record<string, unknown> {
    const limit = Math.min(Number(args['limit']) || 100, this.maxPageSize);
    let offset = 0;
    if (args['cursor']) {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(args['cursor'], 'base64').toString('utf8'));
      if (!decoded) throw new SlackError('invalid_cursor');
      offset = Number(decoded[1]);
    }
    const slice = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
    return { [key]: slice, response_metadata: { next_cursor: next } };
  }
}

function messageObject(m: FixtureMessage, team: string): Record<string, unknown> {
  return {
    type: 'message',
    user: m.user,
    text: m.text,
    ts: m.ts,
    team,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.reply_count ? { reply_count: m.reply_count, reply_users_count: 1, latest_reply: m.ts } : {}),
    blocks: [],
  };
}

function required(args: Args, name: string): string {
  const value = args[name];
  if (!value) throw new SlackError('invalid_arguments', { response_metadata: { messages: [`[ERROR] missing required field: ${name}`] } });
  return value;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
