import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { classifyAnthropicError, isSpendLimitError, retryAfterMs } from './anthropic-errors';
import { LlmErrorCode } from './llm.exception';

/** An SDK error exactly as the SDK builds it from a response. */
function apiError(status: number, type: string, message: string, options: { headers?: Record<string, string>; errorCode?: string } = {}): APIError {
  const error: Record<string, unknown> = { type, message };
  if (options.errorCode) error.details = { error_code: options.errorCode };
  return APIError.generate(status, { type: 'error', error }, undefined, new Headers(options.headers ?? {}));
}

describe(isSpendLimitError.name, () => {
  it.each([
    ['the error code says the enforced spend limit is reached', apiError(429, 'rate_limit_error', 'Limit reached', { errorCode: 'enforced_spend_limit_reached' })],
    ['the error code says the contract spend limit is reached', apiError(429, 'rate_limit_error', 'Limit reached', { errorCode: 'contract_spend_limit_reached' })],
    ['the message mentions a spend limit', apiError(429, 'rate_limit_error', 'You have reached your specified workspace API spend limit.')],
    ['the message mentions a usage limit', apiError(429, 'rate_limit_error', 'You have reached your specified API usage limits. You will regain access on 2026-12-01.')],
    ['the message mentions the credit balance', apiError(429, 'rate_limit_error', 'Your credit balance is too low to access the Anthropic API.')],
    ['the message mentions billing', apiError(429, 'rate_limit_error', 'Please go to Plans & Billing to upgrade or purchase credits.')],
    ['the API says billing_error', apiError(400, 'billing_error', 'This request would exceed your budget.')],
    ['the status is 402', apiError(402, 'billing_error', 'Payment required')],
  ])('should be true when %s', (_label, error) => {
    expect(isSpendLimitError(error)).toBe(true);
  });

  it.each([
    ['a 429 is a request rate limit', apiError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit')],
    ['a 429 is a ramp limit', apiError(429, 'rate_limit_error', 'Usage is growing too fast (usage limit ramp).', { errorCode: 'ramp_limit_exceeded' })],
    ['the API is overloaded', apiError(529, 'overloaded_error', 'Overloaded')],
    ['the error is not from the API', new Error('spend limit')],
  ])('should be false when %s', (_label, error) => {
    expect(isSpendLimitError(error)).toBe(false);
  });
});

describe(retryAfterMs.name, () => {
  it('should prefer retry-after-ms when both headers are present', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
  });

  it('should read seconds when only retry-after is present', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
  });

  it('should read an HTTP date when retry-after is one', () => {
    const now = Date.parse('2026-11-30T10:00:00Z');

    expect(retryAfterMs(new Headers({ 'retry-after': 'Mon, 30 Nov 2026 10:00:05 GMT' }), now)).toBe(5000);
  });

  it('should be undefined when the response said nothing', () => {
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});

describe(classifyAnthropicError.name, () => {
  it.each([
    ['a 429 rate limit', apiError(429, 'rate_limit_error', 'slow down'), LlmErrorCode.RateLimited, true],
    ['a 429 spend limit', apiError(429, 'rate_limit_error', 'You have reached your specified workspace API spend limit.'), LlmErrorCode.SpendLimit, false],
    ['a 529', apiError(529, 'overloaded_error', 'Overloaded'), LlmErrorCode.Overloaded, true],
    ['a 500', apiError(500, 'api_error', 'Internal server error'), LlmErrorCode.Unavailable, true],
    ['a 401', apiError(401, 'authentication_error', 'invalid x-api-key'), LlmErrorCode.Authentication, false],
    ['a 403', apiError(403, 'permission_error', 'not allowed'), LlmErrorCode.Authentication, false],
    ['a 400', apiError(400, 'invalid_request_error', 'max_tokens: Field required'), LlmErrorCode.InvalidRequest, false],
    ['a 413', apiError(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.'), LlmErrorCode.InvalidRequest, false],
    ['a 504', apiError(504, 'timeout_error', 'Request timed out'), LlmErrorCode.Timeout, true],
    ['a stream error event saying overloaded', new APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, new Headers(), 'overloaded_error'), LlmErrorCode.Overloaded, true],
    ['a connection failure', new APIConnectionError({ message: 'Connection error.' }), LlmErrorCode.Unavailable, true],
    ['a client-side timeout', new APIConnectionTimeoutError(), LlmErrorCode.Timeout, false],
    ['an abort', new APIUserAbortError(), LlmErrorCode.Aborted, false],
    ['a body that is not JSON', new SyntaxError('Unexpected end of JSON input'), LlmErrorCode.MalformedOutput, false],
  ])('should classify %s', (_label, error, code, retryable) => {
    const sut = classifyAnthropicError(error);

    expect(sut).toMatchObject({ code, retryable });
  });

  it('should not retry when the API says x-should-retry: false', () => {
    const sut = classifyAnthropicError(apiError(529, 'overloaded_error', 'Overloaded', { headers: { 'x-should-retry': 'false' } }));

    expect(sut).toMatchObject({ code: LlmErrorCode.Overloaded, retryable: false });
  });

  it('should carry the wait when a 429 says retry-after', () => {
    expect(classifyAnthropicError(apiError(429, 'rate_limit_error', 'slow down', { headers: { 'retry-after': '3' } })).retryAfterMs).toBe(3000);
  });
});
