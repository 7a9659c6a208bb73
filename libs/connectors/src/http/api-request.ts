/**
 * The request loop the SaaS API clients share: one attempt bounded by a timeout and the
 * caller's AbortSignal, abortable waits, and bounded retries of server errors and rate limits.
 * What counts as which, and the exception thrown, stay with each connector: they are
 * passed in, so every connector keeps its own codes and messages.
 */

/** Builds the connector's own "aborted" exception; `options` is passed on only when the abort had a reason. */
export type AbortedError = (options?: { cause: unknown }) => Error;

/** One HTTP answer, body read and parsed. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Retries made so far by {@link withRetries}. */
export interface RetryCounts {
  serverErrors: number;
  rateLimits: number;
}

/** What one attempt's outcome means to the retry loop. */
export type RetryVerdict<T> =
  | { done: T }
  /** A 5xx or an unreachable host: retried while delays remain, else `error` is thrown. */
  | { serverError: (counts: RetryCounts) => Error }
  /** A rate limit: waited out while waits remain and the wait is short enough, else `error` is thrown. */
  | { rateLimited: (counts: RetryCounts) => Error; retryAfterMs?: number }
  | { fail: Error };

export interface RetryPolicy {
  /** Delays before each retry of a server error; empty when the request must not be repeated. */
  serverErrorDelaysMs: readonly number[];
  /** How many rate limits are waited out. */
  rateLimitRetries: number;
  /** The wait used when the server names none, by rate-limit retry. */
  rateLimitDelaysMs?: readonly number[];
  /** A wait longer than this fails at once. */
  maxRateLimitWaitMs: number;
  /** Whether `maxRateLimitWaitMs` also bounds our own `rateLimitDelaysMs` (default true) or only a server's ask. */
  capOwnDelays?: boolean;
}

/**
 * Runs `attempt` until `classify` says it is done or failed, sleeping between retries.
 * `sleep` is the connector's abortable sleep, so an abort during a wait fails at once.
 */
export async function withRetries<R, T>(
  policy: RetryPolicy,
  attempt: () => Promise<R>,
  classify: (outcome: R) => RetryVerdict<T>,
  sleep: (ms: number) => Promise<void>,
): Promise<T> {
  const counts: RetryCounts = { serverErrors: 0, rateLimits: 0 };
  for (;;) {
    const verdict = classify(await attempt());
    if ('done' in verdict) return verdict.done;
    if ('fail' in verdict) throw verdict.fail;
    if ('serverError' in verdict) {
      if (counts.serverErrors < policy.serverErrorDelaysMs.length) {
        await sleep(policy.serverErrorDelaysMs[counts.serverErrors++]!);
        continue;
      }
      throw verdict.serverError({ ...counts });
    }
    const asked = verdict.retryAfterMs;
    const waitMs = asked ?? policy.rateLimitDelaysMs?.[counts.rateLimits];
    const capped = asked !== undefined || (policy.capOwnDelays ?? true);
    if (counts.rateLimits < policy.rateLimitRetries && waitMs !== undefined && !(capped && waitMs > policy.maxRateLimitWaitMs)) {
      await sleep(waitMs);
      counts.rateLimits++;
      continue;
    }
    throw verdict.rateLimited({ ...counts });
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, aborted: AbortedError): void {
  if (signal?.aborted) throw aborted({ cause: signal.reason });
}

/** Waits `ms`, failing with the connector's "aborted" exception as soon as `signal` fires. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined, aborted: AbortedError): Promise<void> {
  throwIfAborted(signal, aborted);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface AttemptOptions {
  signal: AbortSignal | undefined;
  timeoutMs: number;
  aborted: AbortedError;
  timedOut: (cause: unknown) => Error;
  /** The connector's own exceptions thrown by `run` pass through unchanged. */
  isOwnError: (error: unknown) => boolean;
}

/**
 * One exchange, bounded by the timeout and the caller's signal. An abort or a timeout throws;
 * any other failure (a network error, an SDK error) is returned for the retry loop to judge.
 */
export async function attemptWithTimeout<T>(
  options: AttemptOptions,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<{ value: T } | { error: unknown }> {
  const { signal, timeoutMs, aborted } = options;
  throwIfAborted(signal, aborted);
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    return { value: await run(combined) };
  } catch (error) {
    throwIfAborted(signal, aborted);
    if (timeout.aborted) throw options.timedOut(error);
    if (options.isOwnError(error)) throw error;
    return { error };
  }
}

/** A `fetch` whose body is read and parsed as JSON within the same timeout. */
export async function fetchJson(
  fetchImpl: typeof fetch,
  url: URL,
  init: Omit<RequestInit, 'signal'>,
  options: AttemptOptions & { notJson: (cause: unknown) => Error },
): Promise<RawResponse | { error: unknown }> {
  const outcome = await attemptWithTimeout(options, async (signal) => {
    const response = await fetchImpl(url, { ...init, signal });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseJsonBody(text, response.ok, options.notJson) };
  });
  return 'value' in outcome ? outcome.value : outcome;
}

/** Parses a body; an error page (a proxy's HTML 502) stays text, but a 2xx must be JSON. */
export function parseJsonBody(text: string, required: boolean, notJson: (cause: unknown) => Error): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    if (required) throw notJson(error);
    return text;
  }
}

/**
 * `Retry-After` as delta-seconds (fractions accepted) or an HTTP date, in milliseconds.
 * Undefined when absent, negative or unreadable: the caller then uses its own backoff.
 */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** `ECONNREFUSED`, `ENOTFOUND`, ...: what a failed `fetch` says about why. */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Replaces every secret wherever it occurs, for text that crosses a trust boundary. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}
