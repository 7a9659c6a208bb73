import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { redactTokens, SlackApiErrorCode, SlackApiException, slackErrorToException } from './slack-api.exception';
import {
  AuthTestResponse,
  AuthTestResponseSchema,
  ChatPostMessageResponseSchema,
  ConversationsHistoryResponseSchema,
  ConversationsListResponseSchema,
  ConversationsOpenResponseSchema,
  SearchMessagesResponseSchema,
  SlackChannel,
  SlackEnvelopeSchema,
  SlackMessage,
  SlackSearchMatch,
  SlackUser,
  UsersListResponseSchema,
} from './slack-api.schema';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api';

export interface SlackApiClientOptions {
  /** Bot token (`xoxb-...`): every method except `search.messages`. */
  botToken: string;
  /** User token (`xoxp-...`): `search.messages` only accepts user tokens. */
  userToken?: string;
  /** Web API base; tests point it at a local fake. Default https://slack.com/api. */
  baseUrl?: string;
  /** Longest single HTTP request. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Longest Retry-After we wait out (once) before failing with rate_limited. Default 5 000 ms. */
  maxRetryAfterMs?: number;
  /** Retries after a 5xx or a network failure (reads only). Default 2. */
  maxServerErrorRetries?: number;
  /** First backoff after a 5xx; doubles per retry. Default 250 ms. */
  retryBaseDelayMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface Page<T> {
  items: T[];
  /** True when Slack had more than the requested maximum. */
  truncated: boolean;
}

/** Largest page Slack serves for the list methods (it recommends ≤ 200). */
const PAGE_SIZE = 200;
/** A cursor loop that does not end is a Slack (or fake) bug; stop rather than spin. */
const MAX_PAGES = 100;

type TokenKind = 'bot' | 'user';

interface RequestSpec {
  method: string;
  params: Record<string, string | number | boolean | undefined>;
  token: TokenKind;
  /** Whether a 5xx or network failure may be retried (false for writes: the post may have landed). */
  idempotent: boolean;
  signal?: AbortSignal;
}

/**
 * A small typed client for the Slack Web API: POST `<base>/<method>` with form-encoded
 * arguments and `Authorization: Bearer`, the `{ok, error}` envelope turned into
 * `SlackApiException`s, cursor pagination bounded by a maximum item count, one short
 * Retry-After wait on 429, bounded backoff on 5xx, and a timeout per request.
 * Tokens live in private fields and never appear in messages.
 */
export class SlackApiClient {
  readonly #botToken: string;
  readonly #userToken?: string;
  private readonly baseUrl: string;
  private readonly requestTimeoutMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxServerErrorRetries: number;
  private readonly retryBaseDelayMs: number;

  constructor(options: SlackApiClientOptions) {
    this.#botToken = options.botToken;
    this.#userToken = options.userToken || undefined;
    this.baseUrl = (options.baseUrl ?? DEFAULT_SLACK_API_URL).replace(/\/+$/, '');
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 5_000;
    this.maxServerErrorRetries = options.maxServerErrorRetries ?? 2;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 250;
  }

  /** Whether `search.messages` can be used (it needs a user token). */
  get hasUserToken(): boolean {
    return this.#userToken !== undefined;
  }

  /** Strips this client's tokens (and anything token-shaped) from text leaving the process. */
  redact(text: string): string {
    return redactTokens(text, [this.#botToken, this.#userToken]);
  }

  /**
   * The cheapest authenticated call: checks a token and names the workspace and who the token
   * acts as (the bot by default; the person who granted it with `as: 'user'`).
   */
  async authTest(options: CallOptions & { as?: TokenKind } = {}): Promise<AuthTestResponse> {
    const { as = 'bot', ...rest } = options;
    return this.call({ method: 'auth.test', params: {}, token: as, idempotent: true, ...rest }, AuthTestResponseSchema);
  }

  async listChannels(
    args: { types?: string; excludeArchived?: boolean; maxItems: number },
    options: CallOptions = {},
  ): Promise<Page<SlackChannel>> {
    return this.paginate(
      'conversations.list',
      { types: args.types ?? 'public_channel,private_channel', exclude_archived: args.excludeArchived ?? true },
      'bot',
      ConversationsListResponseSchema,
      (body) => body.channels,
      args.maxItems,
      options,
    );
  }

  /** Direct messages visible to the token: the user's own DMs with a user token, the bot's with the bot token. */
  async listDirectMessages(args: { maxItems: number; as: TokenKind }, options: CallOptions = {}): Promise<Page<SlackChannel>> {
    return this.paginate(
      'conversations.list',
      { types: 'im', exclude_archived: true },
      args.as,
      ConversationsListResponseSchema,
      (body) => body.channels,
      args.maxItems,
      options,
    );
  }

  async listUsers(args: { maxItems: number }, options: CallOptions = {}): Promise<Page<SlackUser>> {
    return this.paginate('users.list', {}, 'bot', UsersListResponseSchema, (body) => body.members, args.maxItems, options);
  }

  /**
   * Newest-first messages of one conversation, optionally between `oldest` and `latest`
   * (Slack timestamps, exclusive), at most `limit`.
   */
  async history(
    args: { channel: string; limit: number; oldest?: string; latest?: string; as?: TokenKind },
    options: CallOptions = {},
  ): Promise<Page<SlackMessage>> {
    return this.paginate(
      'conversations.history',
      { channel: args.channel, oldest: args.oldest, latest: args.latest },
      args.as ?? 'bot',
      ConversationsHistoryResponseSchema,
      (body) => body.messages,
      args.limit,
      options,
    );
  }

  /** `search.messages` with the user token; Slack's query syntax (all words must match, `in:#channel`, ...). */
  async searchMessages(
    args: { query: string; count: number },
    options: CallOptions = {},
  ): Promise<{ total: number; matches: SlackSearchMatch[] }> {
    if (!this.#userToken) {
      throw new SlackApiException(
        SlackApiErrorCode.InvalidArgument,
        'search.messages needs a Slack user token (SLACK_USER_TOKEN); none is configured',
      );
    }
    const body = await this.call(
      {
        method: 'search.messages',
        params: { query: args.query, count: Math.min(Math.max(args.count, 1), 100), sort: 'score', highlight: false },
        token: 'user',
        idempotent: true,
        ...options,
      },
      SearchMessagesResponseSchema,
    );
    return body.messages;
  }

  /** Opens (or finds) the bot's direct message with a user and returns its channel id. */
  async openDirectMessage(userId: string, options: CallOptions = {}): Promise<string> {
    const body = await this.call(
      { method: 'conversations.open', params: { users: userId }, token: 'bot', idempotent: true, ...options },
      ConversationsOpenResponseSchema,
    );
    return body.channel.id;
  }

  async postMessage(
    args: { channel: string; text: string; threadTs?: string },
    options: CallOptions = {},
  ): Promise<{ channel: string; ts: string }> {
    return this.call(
      {
        method: 'chat.postMessage',
        params: { channel: args.channel, text: args.text, thread_ts: args.threadTs },
        token: 'bot',
        idempotent: false,
        ...options,
      },
      ChatPostMessageResponseSchema,
    );
  }

  private async paginate<S extends z.ZodTypeAny, T>(
    method: string,
    params: RequestSpec['params'],
    token: TokenKind,
    schema: S,
    itemsOf: (body: z.infer<S>) => T[],
    maxItems: number,
    options: CallOptions,
  ): Promise<Page<T>> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const remaining = maxItems - items.length;
      const body = await this.call(
        {
          method,
          params: { ...params, limit: Math.min(PAGE_SIZE, Math.max(remaining, 1)), cursor },
          token,
          idempotent: true,
          ...options,
        },
        schema,
      );
      const pageItems = itemsOf(body);
      items.push(...pageItems.slice(0, remaining));
      const next = (body as { response_metadata?: { next_cursor?: string } }).response_metadata?.next_cursor || undefined;
      if (pageItems.length > remaining) return { items, truncated: true };
      if (!next) return { items, truncated: false };
      if (items.length >= maxItems) return { items, truncated: true };
      cursor = next;
    }
    return { items, truncated: true };
  }

  /** One Web API call with the retry policy; returns the schema-parsed body of an `ok: true` answer. */
  private async call<S extends z.ZodTypeAny>(spec: RequestSpec, schema: S): Promise<z.infer<S>> {
    let rateLimitWaited = false;
    let serverErrors = 0;
    for (;;) {
      const attempt = await this.send(spec);
      if (attempt.kind === 'rate_limited') {
        const waitMs = attempt.retryAfterSeconds * 1000;
        if (rateLimitWaited || waitMs > this.maxRetryAfterMs) {
          throw new SlackApiException(
            SlackApiErrorCode.RateLimited,
            `slack rate limited; retry after ${attempt.retryAfterSeconds} s`,
            { retryAfterSeconds: attempt.retryAfterSeconds, slackError: 'ratelimited' },
          );
        }
        rateLimitWaited = true;
        await this.wait(waitMs, spec);
        continue;
      }
      if (attempt.kind === 'unavailable') {
        if (!spec.idempotent || serverErrors >= this.maxServerErrorRetries) {
          const tries = serverErrors + 1;
          throw new SlackApiException(
            SlackApiErrorCode.Unavailable,
            `slack unavailable: ${spec.method} ${attempt.reason} (${tries} attempt${tries === 1 ? '' : 's'})`,
            { cause: attempt.cause },
          );
        }
        await this.wait(this.retryBaseDelayMs * 2 ** serverErrors, spec);
        serverErrors++;
        continue;
      }
      const parsed = schema.safeParse(attempt.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new SlackApiException(
          SlackApiErrorCode.InvalidResponse,
          `slack ${spec.method} returned an unexpected response (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`,
          { cause: parsed.error },
        );
      }
      return parsed.data;
    }
  }

  private async send(
    spec: RequestSpec,
  ): Promise<
    | { kind: 'ok'; body: unknown }
    | { kind: 'rate_limited'; retryAfterSeconds: number }
    | { kind: 'unavailable'; reason: string; cause?: unknown }
  > {
    const token = spec.token === 'user' ? this.#userToken : this.#botToken;
    if (!token) throw new SlackApiException(SlackApiErrorCode.InvalidArgument, `no Slack ${spec.token} token is configured`);
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.params)) {
      if (value !== undefined) form.set(key, String(value));
    }
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;

    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}/${spec.method}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
          Accept: 'application/json',
        },
        body: form,
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (spec.signal?.aborted) {
        throw new SlackApiException(SlackApiErrorCode.Aborted, `slack ${spec.method} was cancelled`, { cause: error });
      }
      if (timeout.aborted) {
        throw new SlackApiException(
          SlackApiErrorCode.Timeout,
          `slack ${spec.method} did not answer within ${this.requestTimeoutMs} ms`,
          { cause: error },
        );
      }
      return { kind: 'unavailable', reason: `request failed: ${networkReason(error)}`, cause: error };
    }

    if (response.status === 429) {
      return { kind: 'rate_limited', retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')) };
    }
    if (response.status >= 500) return { kind: 'unavailable', reason: `answered HTTP ${response.status}` };

    const body = parseJson(text);
    const envelope = SlackEnvelopeSchema.safeParse(body);
    if (!envelope.success) {
      throw new SlackApiException(
        SlackApiErrorCode.InvalidResponse,
        `slack ${spec.method} answered HTTP ${response.status} without a Slack API response`,
      );
    }
    if (!envelope.data.ok) {
      const error = envelope.data.error ?? 'unknown_error';
      if (error === 'ratelimited') {
        return { kind: 'rate_limited', retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after')) };
      }
      throw slackErrorToException(spec.method, error, envelope.data);
    }
    return { kind: 'ok', body };
  }

  private async wait(ms: number, spec: RequestSpec): Promise<void> {
    try {
      await delay(ms, undefined, { signal: spec.signal });
    } catch (error) {
      throw new SlackApiException(SlackApiErrorCode.Aborted, `slack ${spec.method} was cancelled`, { cause: error });
    }
  }
}

/** Retry-After in seconds (Slack sends whole seconds); a missing or odd header counts as 1 s. */
function retryAfterSeconds(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : 1;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
