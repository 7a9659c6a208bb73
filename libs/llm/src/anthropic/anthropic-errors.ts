import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { LlmErrorCode } from './llm.exception';

/** What one failed attempt means for the retry loop. */
export interface FailedAttempt {
  code: LlmErrorCode;
  retryable: boolean;
  status?: number;
  /** What the response asked us to wait, from `retry-after-ms` or `retry-after`. */
  retryAfterMs?: number;
  /** The API's own explanation, when it gave one (shown in our message after redaction). */
  detail?: string;
}

/**
 * `error.details.error_code` values that mean the money, not the rate, ran out. The SDK says to
 * branch on these rather than on the message; older responses only say it in words.
 */
const SPEND_LIMIT_ERROR_CODES = new Set([
  'contract_spend_limit_reached',
  'enforced_spend_limit_reached',
  'linked_organization_spend_limit_reached',
  'linked_organization_billing_unavailable',
]);
/** A 429 that is a rate (how fast usage may grow), not a spend limit: waiting helps. */
const RATE_ERROR_CODES = new Set(['ramp_limit_exceeded']);
const SPEND_LIMIT_WORDS = /spend(?:ing)?[ _-]limit|usage[ _-]limit|credit[ _-]balance|billing|quota (?:is )?exhausted|insufficient (?:credit|funds)/i;

/**
 * Whether a failure means the organization cannot pay for more requests (spend limit, usage
 * limit, credit balance, billing). Such a 429 must never be retried: every retry fails the same
 * way until someone raises the limit.
 */
export function isSpendLimitError(error: unknown): boolean {
  if (!(error instanceof APIError) || error.status === undefined) return false;
  if (error.errorCode && SPEND_LIMIT_ERROR_CODES.has(error.errorCode)) return true;
  if (error.errorCode && RATE_ERROR_CODES.has(error.errorCode)) return false;
  if (error.type === 'billing_error' || error.status === 402) return true;
  return error.status === 429 && SPEND_LIMIT_WORDS.test(error.apiMessage ?? error.message);
}

/** How long the response asked us to wait: `retry-after-ms`, else `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Maps an SDK error (or anything else thrown by a call) to our code and whether to try again. */
export function classifyAnthropicError(error: unknown): FailedAttempt {
  if (error instanceof APIUserAbortError) return { code: LlmErrorCode.Aborted, retryable: false };
  if (error instanceof APIConnectionTimeoutError) return { code: LlmErrorCode.Timeout, retryable: false };
  if (error instanceof APIConnectionError) return { code: LlmErrorCode.Unavailable, retryable: true, detail: 'connection failed' };
  // By name: a body parsed by fetch throws a SyntaxError from another realm under some runners.
  if ((error as { name?: unknown } | null)?.name === 'SyntaxError') return { code: LlmErrorCode.MalformedOutput, retryable: false, detail: 'the response was not valid JSON' };
  if (!(error instanceof APIError)) return { code: LlmErrorCode.Unavailable, retryable: false };

  const status = error.status;
  const detail = error.apiMessage ?? undefined;
  const wait = retryAfterMs(error.headers);
  // The API may say outright whether a retry can succeed.
  const shouldRetry = error.headers?.get('x-should-retry');
  const retryable = (byDefault: boolean) => (shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : byDefault);
  const base = { status, detail, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };

  if (isSpendLimitError(error)) return { ...base, code: LlmErrorCode.SpendLimit, retryable: false };
  // A stream that failed after it started has no status, only the event's error type.
  if (error.type === 'overloaded_error' || status === 529) return { ...base, code: LlmErrorCode.Overloaded, retryable: retryable(true) };
  if (error.type === 'rate_limit_error' || status === 429) return { ...base, code: LlmErrorCode.RateLimited, retryable: retryable(true) };
  if (status === 401 || status === 403 || error.type === 'authentication_error' || error.type === 'permission_error') {
    return { ...base, code: LlmErrorCode.Authentication, retryable: false };
  }
  if (status === 408 || status === 504 || error.type === 'timeout_error') return { ...base, code: LlmErrorCode.Timeout, retryable: retryable(true) };
  if (status === undefined || status >= 500 || error.type === 'api_error') return { ...base, code: LlmErrorCode.Unavailable, retryable: retryable(true) };
  return { ...base, code: LlmErrorCode.InvalidRequest, retryable: false };
}
