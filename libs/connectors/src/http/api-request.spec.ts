import {
  abortableSleep,
  attemptWithTimeout,
  fetchJson,
  networkReason,
  parseJsonBody,
  redactSecrets,
  retryAfterMs,
  RetryPolicy,
  RetryVerdict,
  withRetries,
} from './api-request';

class TestError extends Error {}

const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  serverErrorDelaysMs: [10, 20],
  rateLimitRetries: 1,
  maxRateLimitWaitMs: 1_000,
  ...overrides,
});

/** Runs the loop over scripted verdicts, recording every sleep. */
async function run(p: RetryPolicy, verdicts: RetryVerdict<string>[]) {
  const sleeps: number[] = [];
  let attempts = 0;
  const result = withRetries(
    p,
    async () => attempts++,
    (i) => verdicts[i]!,
    async (ms) => {
      sleeps.push(ms);
    },
  );
  return { result, sleeps, attempts: () => attempts };
}

const serverError: RetryVerdict<string> = {
  serverError: ({ serverErrors, rateLimits }) => new TestError(`unavailable after ${serverErrors + 1} (${rateLimits} rate limits)`),
};

describe(withRetries.name, () => {
  it('should return the value when the first attempt is done', async () => {
    const sut = await run(policy(), [{ done: 'ok' }]);
    await expect(sut.result).resolves.toBe('ok');
    expect(sut.sleeps).toEqual([]);
  });

  it('should retry server errors with each configured delay and then throw the built error', async () => {
    const sut = await run(policy(), [serverError, serverError, serverError]);
    await expect(sut.result).rejects.toThrow('unavailable after 3 (0 rate limits)');
    expect(sut.sleeps).toEqual([10, 20]);
    expect(sut.attempts()).toBe(3);
  });

  it('should not retry a server error when no delays are given (a non-idempotent request)', async () => {
    const sut = await run(policy({ serverErrorDelaysMs: [] }), [serverError]);
    await expect(sut.result).rejects.toThrow('unavailable after 1');
    expect(sut.attempts()).toBe(1);
  });

  it('should wait out an asked rate limit once when it is short enough', async () => {
    const limited: RetryVerdict<string> = { retryAfterMs: 500, rateLimited: () => new TestError('limited') };
    const sut = await run(policy(), [limited, { done: 'ok' }]);
    await expect(sut.result).resolves.toBe('ok');
    expect(sut.sleeps).toEqual([500]);
  });

  it('should fail at once when the asked wait is longer than the cap', async () => {
    const sut = await run(policy(), [{ retryAfterMs: 1_001, rateLimited: () => new TestError('limited') }]);
    await expect(sut.result).rejects.toThrow('limited');
    expect(sut.sleeps).toEqual([]);
  });

  it('should fail when the rate-limit retries are used up', async () => {
    const limited: RetryVerdict<string> = { retryAfterMs: 0, rateLimited: ({ rateLimits }) => new TestError(`limited after ${rateLimits}`) };
    const sut = await run(policy(), [limited, limited]);
    await expect(sut.result).rejects.toThrow('limited after 1');
  });

  it('should use its own delays when the server names no wait', async () => {
    const limited: RetryVerdict<string> = { rateLimited: () => new TestError('limited') };
    const sut = await run(policy({ rateLimitRetries: 2, rateLimitDelaysMs: [100, 200] }), [limited, limited, limited]);
    await expect(sut.result).rejects.toThrow('limited');
    expect(sut.sleeps).toEqual([100, 200]);
  });

  it('should cap its own delays too unless told not to', async () => {
    const limited: RetryVerdict<string> = { rateLimited: () => new TestError('limited') };
    const capped = await run(policy({ rateLimitRetries: 1, rateLimitDelaysMs: [5_000] }), [limited, { done: 'ok' }]);
    await expect(capped.result).rejects.toThrow('limited');
    const uncapped = await run(policy({ rateLimitRetries: 1, rateLimitDelaysMs: [5_000], capOwnDelays: false }), [limited, { done: 'ok' }]);
    await expect(uncapped.result).resolves.toBe('ok');
    expect(uncapped.sleeps).toEqual([5_000]);
  });

  it('should fail without a rate-limit retry when neither the server nor the policy names a wait', async () => {
    const sut = await run(policy(), [{ rateLimited: () => new TestError('limited') }]);
    await expect(sut.result).rejects.toThrow('limited');
    expect(sut.sleeps).toEqual([]);
  });

  it('should count server errors and rate limits separately when both happen', async () => {
    const limited: RetryVerdict<string> = { retryAfterMs: 1, rateLimited: () => new TestError('limited') };
    const sut = await run(policy({ serverErrorDelaysMs: [10] }), [serverError, limited, serverError]);
    await expect(sut.result).rejects.toThrow('unavailable after 2 (1 rate limits)');
  });

  it('should throw a fail verdict without retrying', async () => {
    const sut = await run(policy(), [{ fail: new TestError('rejected') }]);
    await expect(sut.result).rejects.toThrow('rejected');
    expect(sut.attempts()).toBe(1);
  });
});

describe(abortableSleep.name, () => {
  const aborted = (options?: { cause: unknown }) => new TestError(options ? 'aborted with cause' : 'aborted');

  it('should resolve after the wait when not aborted', async () => {
    await expect(abortableSleep(1, new AbortController().signal, aborted)).resolves.toBeUndefined();
  });

  it('should throw at once with the reason when the signal was already aborted', () => {
    const controller = new AbortController();
    controller.abort();
    expect(() => abortableSleep(10_000, controller.signal, aborted)).toThrow('aborted with cause');
  });

  it('should reject as soon as the signal fires during the wait', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(10_000, controller.signal, aborted);
    controller.abort();
    await expect(sleeping).rejects.toThrow(/^aborted$/);
  });
});

describe(attemptWithTimeout.name, () => {
  const options = {
    signal: undefined,
    timeoutMs: 20,
    aborted: () => new TestError('aborted'),
    timedOut: () => new TestError('timed out'),
    isOwnError: (error: unknown) => error instanceof TestError,
  };

  it('should return the value of a run that succeeds', async () => {
    await expect(attemptWithTimeout(options, async () => 42)).resolves.toEqual({ value: 42 });
  });

  it('should return any other failure for the retry loop to judge', async () => {
    const failure = new Error('ECONNREFUSED');
    await expect(attemptWithTimeout(options, () => Promise.reject(failure))).resolves.toEqual({ error: failure });
  });

  it('should rethrow the connector own exceptions unchanged', async () => {
    await expect(attemptWithTimeout(options, () => Promise.reject(new TestError('not json')))).rejects.toThrow('not json');
  });

  it('should throw the timeout error when the run outlasts the timeout', async () => {
    const slow = (signal: AbortSignal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    await expect(attemptWithTimeout(options, slow)).rejects.toThrow('timed out');
  });

  it('should throw the aborted error when the caller aborts', async () => {
    const controller = new AbortController();
    const running = attemptWithTimeout({ ...options, signal: controller.signal, timeoutMs: 10_000 }, (signal) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    controller.abort();
    await expect(running).rejects.toThrow('aborted');
  });
});

describe(fetchJson.name, () => {
  const options = {
    signal: undefined,
    timeoutMs: 1_000,
    aborted: () => new TestError('aborted'),
    timedOut: () => new TestError('timed out'),
    isOwnError: (error: unknown) => error instanceof TestError,
    notJson: () => new TestError('not json'),
  };
  const fetchReturning = (response: Response) => (async () => response) as unknown as typeof fetch;

  it('should return the status, headers and parsed body', async () => {
    const response = new Response('{"a":1}', { status: 200, headers: { 'x-test': 'yes' } });
    const result = await fetchJson(fetchReturning(response), new URL('http://localhost/x'), { method: 'GET' }, options);
    expect(result).toMatchObject({ status: 200, body: { a: 1 } });
    expect('headers' in result && result.headers.get('x-test')).toBe('yes');
  });

  it('should throw the not-JSON error for a 2xx that is not JSON', async () => {
    const response = new Response('<html>', { status: 200 });
    await expect(fetchJson(fetchReturning(response), new URL('http://localhost/x'), {}, options)).rejects.toThrow('not json');
  });

  it('should keep an error page as text', async () => {
    const response = new Response('<html>bad gateway</html>', { status: 502 });
    await expect(fetchJson(fetchReturning(response), new URL('http://localhost/x'), {}, options)).resolves.toMatchObject({
      status: 502,
      body: '<html>bad gateway</html>',
    });
  });
});

describe(parseJsonBody.name, () => {
  it('should return null for an empty body', () => {
    expect(parseJsonBody('', true, () => new TestError('not json'))).toBeNull();
  });
});

describe(retryAfterMs.name, () => {
  const now = Date.parse('2025-03-13T12:00:00Z');

  it('should read delta-seconds, fractions included', () => {
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect(retryAfterMs('0.5', now)).toBe(500);
  });

  it('should read an HTTP date relative to now, never negative', () => {
    expect(retryAfterMs('Thu, 13 Mar 2025 12:00:03 GMT', now)).toBe(3_000);
    expect(retryAfterMs('Thu, 13 Mar 2025 11:00:00 GMT', now)).toBe(0);
  });

  it('should return undefined when the header is absent, blank, negative or unreadable', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('  ', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

describe(networkReason.name, () => {
  it('should prefer the cause code, then the cause message, then the error message', () => {
    expect(networkReason(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe('ECONNREFUSED');
    expect(networkReason(new TypeError('fetch failed', { cause: { message: 'socket hang up' } }))).toBe('socket hang up');
    expect(networkReason(new Error('boom'))).toBe('boom');
    expect(networkReason('odd')).toBe('odd');
  });
});

describe(redactSecrets.name, () => {
  it('should replace every occurrence of every secret', () => {
    expect(redactSecrets('token abc and abc, key xyz', ['abc', 'xyz'])).toBe('token [redacted] and [redacted], key [redacted]');
  });
});
