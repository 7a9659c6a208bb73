/** Why a Slack call (or a Slack MCP tool call) failed. Returned to MCP clients; never renamed in place. */
export enum SlackApiErrorCode {
  /** invalid_auth, not_authed, account_inactive, token_revoked, token_expired. */
  CredentialsRejected = 'credentials_rejected',
  /** HTTP 429 (or `ratelimited`) with a Retry-After longer than we are willing to wait. */
  RateLimited = 'rate_limited',
  ChannelNotFound = 'channel_not_found',
  UserNotFound = 'user_not_found',
  NotInChannel = 'not_in_channel',
  MissingScope = 'missing_scope',
  /** 5xx or a network failure, still failing after the bounded retries. */
  Unavailable = 'slack_unavailable',
  Timeout = 'timeout',
  Aborted = 'aborted',
  /** Slack answered with something that is not the documented shape. */
  InvalidResponse = 'invalid_response',
  InvalidArgument = 'invalid_argument',
  /** Any other `{ok: false, error}`; the Slack error code is in the message. */
  SlackError = 'slack_error',
}

export class SlackApiException extends Error {
  /** Slack's own `error` string (e.g. `channel_not_found`), when Slack sent one. */
  readonly slackError?: string;
  /** Seconds Slack asked us to wait (rate limits). */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: SlackApiErrorCode,
    message: string,
    options?: { cause?: unknown; slackError?: string; retryAfterSeconds?: number },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'SlackApiException';
    this.slackError = options?.slackError;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** Slack `error` values that mean the token itself is no good. */
export const CREDENTIAL_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
]);

/** Maps Slack's `{ok: false, error}` to an exception whose message says what to do. */
export function slackErrorToException(method: string, error: string, body: { needed?: unknown } = {}): SlackApiException {
  const options = { slackError: error };
  if (CREDENTIAL_ERRORS.has(error)) {
    return new SlackApiException(SlackApiErrorCode.CredentialsRejected, `credentials rejected for slack (${error})`, options);
  }
  switch (error) {
    case 'ratelimited':
      return new SlackApiException(SlackApiErrorCode.RateLimited, `slack rate limited ${method}; retry later`, options);
    case 'channel_not_found':
      return new SlackApiException(
        SlackApiErrorCode.ChannelNotFound,
        `slack channel not found (${method}): the channel does not exist or the bot cannot see it`,
        options,
      );
    case 'user_not_found':
    case 'users_not_found':
      return new SlackApiException(SlackApiErrorCode.UserNotFound, `slack user not found (${method})`, options);
    case 'not_in_channel':
      return new SlackApiException(
        SlackApiErrorCode.NotInChannel,
        `the slack bot is not a member of that channel (${method}); invite it with /invite`,
        options,
      );
    case 'missing_scope': {
      const needed = typeof body.needed === 'string' ? ` (needs ${body.needed})` : '';
      return new SlackApiException(SlackApiErrorCode.MissingScope, `the slack token lacks a scope for ${method}${needed}`, options);
    }
    default:
      return new SlackApiException(SlackApiErrorCode.SlackError, `slack ${method} failed: ${error}`, options);
  }
}

const SLACK_TOKEN_PATTERN = /xox[a-z]-[A-Za-z0-9-]+/g;

/**
 * Removes Slack tokens from text that leaves the process (tool results, errors, logs):
 * the given tokens verbatim, and anything shaped like a Slack token.
 */
export function redactTokens(text: string, tokens: readonly (string | undefined)[]): string {
  let out = text;
  for (const token of tokens) {
    if (token) out = out.split(token).join('[redacted]');
  }
  return out.replace(SLACK_TOKEN_PATTERN, '[redacted]');
}
