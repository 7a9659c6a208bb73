/**
 * Why a model call failed. Values are stable strings (metrics labels, logs, fallbacks): never
 * rename one in place.
 *
 * Worth falling back to the local provider for: all of them. Worth paging someone for:
 * `SpendLimit`, `Authentication`, `InvalidConfig` (they do not heal by waiting).
 */
export enum LlmErrorCode {
  /** 429 after the retries allowed (or a `retry-after` longer than we may wait). */
  RateLimited = 'rate_limited',
  /** 529 / `overloaded_error` after the retries allowed. */
  Overloaded = 'overloaded',
  /** The organization's spend limit, usage limit or credit is exhausted: retrying cannot help. */
  SpendLimit = 'spend_limit',
  /** The API rejected the request (400, 404, 413, 422): a bug on our side or an oversized prompt. */
  InvalidRequest = 'invalid_request',
  /** The API key was rejected or lacks permission (401, 403). */
  Authentication = 'authentication',
  /** No answer within the configured timeout (or a 504 after the retries allowed). */
  Timeout = 'timeout',
  /** The model's answer (or the response itself) did not have the shape we asked for. */
  MalformedOutput = 'malformed_output',
  /** Network failure or 5xx after the retries allowed. */
  Unavailable = 'unavailable',
  /** The caller's signal was aborted. */
  Aborted = 'aborted',
  /** ANTHROPIC_* environment variables are invalid. */
  InvalidConfig = 'invalid_config',
}

export class LlmError extends Error {
  /** HTTP status of the last response, when there was one. */
  readonly status?: number;
  /** Attempts made before giving up (1 when nothing was retried). */
  readonly attempts?: number;
  /** What the API asked us to wait before retrying, when it said. */
  readonly retryAfterMs?: number;

  constructor(
    readonly code: LlmErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; attempts?: number; retryAfterMs?: number },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'LlmError';
    this.status = options?.status;
    this.attempts = options?.attempts;
    this.retryAfterMs = options?.retryAfterMs;
  }
}
