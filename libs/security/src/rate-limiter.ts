import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SecurityErrorCode, SecurityException } from './security.exception';

/** One token bucket: holds up to `capacity` tokens and regains `refillPerSecond` of them each second. */
export interface RateLimit {
  /** Stable name, part of the Redis key and of the result (`minute`, `hour`). */
  name: string;
  /** Burst size, a positive integer. */
  capacity: number;
  /** Sustained rate; `capacity / refillPerSecond` is the window advertised in `RateLimit-Policy`. */
  refillPerSecond: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Capacity of the most constraining bucket. */
  limit: number;
  /** Whole tokens left in that bucket (after this request, when allowed). */
  remaining: number;
  /** Seconds until that bucket is full again. */
  resetSeconds: number;
  /** 0 when allowed; otherwise seconds until every bucket has `cost` tokens again (at least 1). */
  retryAfterSeconds: number;
  /** Name of the most constraining bucket. */
  bucket: string;
  /** Every bucket as `capacity;w=window`, e.g. `60;w=60, 1000;w=3600`. */
  policy: string;
}

export interface RateLimiterOptions {
  /** Longest wait for Redis before failing closed (default 500 ms). */
  timeoutMs?: number;
  /** Prefix of every key (default `mosaic:rl:`). */
  keyPrefix?: string;
}

export const DEFAULT_RATE_LIMITER_TIMEOUT_MS = 500;
const MAX_BUCKETS = 8;
const NAME_PATTERN = /^[a-z0-9_-]{1,32}$/;
const KEY_PATTERN = /^[^{}\s]{1,200}$/;

/**
 * Token buckets, all checked and deducted in one atomic step: a request is allowed only when
 * every bucket has `cost` tokens, and only then is `cost` taken from each. Time is Redis's own
 * (`TIME`), so replicas with skewed clocks agree. A key expires once its bucket would be full
 * again, which is the same as not existing.
 *
 * KEYS[i]: hash {tokens, ts(ms)} of bucket i. ARGV: cost, then capacity and refill/s per bucket.
 * Reply: {allowed, tokens_1, ..., tokens_n}, token levels as strings (a Lua number reply would
 * be truncated to an integer).
 */
export const TOKEN_BUCKET_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local cost = tonumber(ARGV[1])
local levels = {}
local allowed = 1
for i = 1, #KEYS do
  local capacity = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local tokens = tonumber(state[1])
  local ts = tonumber(state[2])
  if tokens == nil or ts == nil then
    tokens = capacity
  else
    local elapsed = now - ts
    if elapsed < 0 then elapsed = 0 end
    tokens = math.min(capacity, tokens + elapsed * rate / 1000)
  end
  levels[i] = tokens
  if tokens < cost then allowed = 0 end
end
local reply = { allowed }
for i = 1, #KEYS do
  local tokens = levels[i]
  if allowed == 1 then
    local capacity = tonumber(ARGV[2 * i])
    local rate = tonumber(ARGV[2 * i + 1])
    tokens = tokens - cost
    redis.call('HSET', KEYS[i], 'tokens', tostring(tokens), 'ts', tostring(now))
    redis.call('PEXPIRE', KEYS[i], math.ceil((capacity - tokens) * 1000 / rate) + 1000)
  end
  reply[i + 1] = tostring(tokens)
end
return reply
`;
const TOKEN_BUCKET_SHA = createHash('sha1').update(TOKEN_BUCKET_SCRIPT).digest('hex');

function invalid(message: string): SecurityException {
  return new SecurityException(SecurityErrorCode.RateLimitInvalid, message);
}

/** Window of a bucket in seconds: how long an empty bucket takes to fill. */
function windowSeconds(limit: RateLimit): number {
  return Math.round(limit.capacity / limit.refillPerSecond);
}

/** The IETF draft `RateLimit-Policy` value, e.g. `60;w=60, 1000;w=3600`. */
export function rateLimitPolicy(limits: readonly RateLimit[]): string {
  return limits.map((l) => `${l.capacity};w=${windowSeconds(l)}`).join(', ');
}

function validate(key: string, limits: readonly RateLimit[], cost: number): void {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw invalid('rate-limit key must be 1-200 characters without whitespace or braces');
  }
  if (!Array.isArray(limits) || limits.length === 0 || limits.length > MAX_BUCKETS) {
    throw invalid(`between 1 and ${MAX_BUCKETS} limits are required`);
  }
  const names = new Set<string>();
  for (const limit of limits) {
    if (!NAME_PATTERN.test(limit.name)) throw invalid('limit names must be 1-32 characters of [a-z0-9_-]');
    if (names.has(limit.name)) throw invalid(`duplicate limit name ${limit.name}`);
    names.add(limit.name);
    if (!Number.isSafeInteger(limit.capacity) || limit.capacity < 1) throw invalid(`limit ${limit.name}: capacity must be a positive integer`);
    if (!Number.isFinite(limit.refillPerSecond) || limit.refillPerSecond <= 0) {
      throw invalid(`limit ${limit.name}: refillPerSecond must be positive`);
    }
  }
  if (!Number.isFinite(cost) || cost < 0 || cost > Math.min(...limits.map((l) => l.capacity))) {
    throw invalid('cost must be between 0 and the smallest capacity');
  }
}

/**
 * Redis-backed limiter for the gateway and auth service. Any Redis failure or a reply slower than
 * `timeoutMs` throws `RateLimiterUnavailable`: callers fail closed (503), never open.
 *
 * Give it a client whose own retries cannot outlast the timeout (e.g. `maxRetriesPerRequest: 1`),
 * or commands pile up in ioredis's offline queue while Redis is down. A command that times out
 * here may still run later in Redis and spend tokens; the request was refused anyway.
 */
export class RateLimiter {
  private readonly timeoutMs: number;
  private readonly keyPrefix: string;

  constructor(
    private readonly redis: Redis,
    options: RateLimiterOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_RATE_LIMITER_TIMEOUT_MS;
    this.keyPrefix = options.keyPrefix ?? 'mosaic:rl:';
    if (!(this.timeoutMs > 0)) throw new SecurityException(SecurityErrorCode.ConfigurationInvalid, 'timeoutMs must be positive');
  }

  /**
   * Takes `cost` tokens from every bucket of `key` if all of them have that many. `key` names who
   * is limited (`tenant:<id>`, `api-key:<prefix>`, `ip:<addr>`): never a secret, it is stored in clear.
   */
  async consume(key: string, limits: readonly RateLimit[], cost = 1): Promise<RateLimitResult> {
    validate(key, limits, cost);
    // One hash tag per key: all its buckets live in one cluster slot, as a multi-key script requires.
    const keys = limits.map((l) => `${this.keyPrefix}{${key}}:${l.name}`);
    const args = [String(cost), ...limits.flatMap((l) => [String(l.capacity), String(l.refillPerSecond)])];
    const reply = await this.run(keys, args);
    if (!Array.isArray(reply) || reply.length !== limits.length + 1) {
      throw new SecurityException(SecurityErrorCode.RateLimiterUnavailable, 'rate limiter got an unexpected reply from Redis');
    }
    const levels = reply.slice(1).map((v) => Number(v));
    return summarize(reply[0] === 1, levels, limits, cost);
  }

  private async run(keys: string[], args: string[]): Promise<unknown> {
    const timeout = new Error(`Redis did not answer within ${this.timeoutMs} ms`);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeout), this.timeoutMs);
    });
    try {
      return await Promise.race([this.evaluate(keys, args), deadline]);
    } catch (error) {
      if (error === timeout) throw new SecurityException(SecurityErrorCode.RateLimiterUnavailable, `rate limiter unavailable: ${timeout.message}`);
      throw new SecurityException(SecurityErrorCode.RateLimiterUnavailable, 'rate limiter unavailable: Redis failed', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** EVALSHA, and EVAL (which also caches the script) the first time a Redis has not seen it. */
  private async evaluate(keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(TOKEN_BUCKET_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(TOKEN_BUCKET_SCRIPT, keys.length, ...keys, ...args);
    }
  }
}

function summarize(allowed: boolean, levels: number[], limits: readonly RateLimit[], cost: number): RateLimitResult {
  const buckets = limits.map((limit, i) => {
    const tokens = levels[i];
    return {
      limit,
      remaining: Math.max(0, Math.floor(tokens)),
      resetSeconds: Math.max(0, Math.ceil((limit.capacity - tokens) / limit.refillPerSecond)),
      waitSeconds: tokens >= cost ? 0 : Math.max(1, Math.ceil((cost - tokens) / limit.refillPerSecond)),
    };
  });
  // Denied: the bucket that takes longest to allow again. Allowed: the one with least left.
  const chosen = buckets.reduce((best, b) => {
    if (!allowed) {
      return b.waitSeconds > best.waitSeconds || (b.waitSeconds === best.waitSeconds && b.remaining < best.remaining) ? b : best;
    }
    return b.remaining < best.remaining || (b.remaining === best.remaining && b.resetSeconds > best.resetSeconds) ? b : best;
  });
  return {
    allowed,
    limit: chosen.limit.capacity,
    remaining: chosen.remaining,
    resetSeconds: chosen.resetSeconds,
    retryAfterSeconds: allowed ? 0 : chosen.waitSeconds,
    bucket: chosen.limit.name,
    policy: rateLimitPolicy(limits),
  };
}

/**
 * Response headers for a result, per the IETF draft (`RateLimit-Limit`, `-Remaining`, `-Reset`,
 * `-Policy`), plus `Retry-After` when the request was refused.
 */
export function rateLimitHeaders(result: RateLimitResult): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(result.limit),
    'RateLimit-Remaining': String(result.remaining),
    'RateLimit-Reset': String(result.resetSeconds),
    'RateLimit-Policy': result.policy,
  };
  if (!result.allowed) headers['Retry-After'] = String(Math.max(1, result.retryAfterSeconds));
  return headers;
}
