import { Redis } from 'ioredis';
import { RateLimit, RateLimiter, rateLimitHeaders, rateLimitPolicy, RateLimitResult } from './rate-limiter';
import { SecurityErrorCode, SecurityException } from './security.exception';

const MINUTE: RateLimit = { name: 'minute', capacity: 60, refillPerSecond: 1 };
const HOUR: RateLimit = { name: 'hour', capacity: 1000, refillPerSecond: 1000 / 3600 };

describe(rateLimitPolicy.name, () => {
  it('should describe each bucket as capacity;w=window when given minute and hour buckets', () => {
    expect(rateLimitPolicy([MINUTE, HOUR])).toBe('60;w=60, 1000;w=3600');
  });
});

describe(rateLimitHeaders.name, () => {
  const allowed: RateLimitResult = {
    allowed: true,
    limit: 60,
    remaining: 59,
    resetSeconds: 1,
    retryAfterSeconds: 0,
    bucket: 'minute',
    policy: '60;w=60, 1000;w=3600',
  };

  it('should set the four RateLimit headers and no Retry-After when the request was allowed', () => {
    expect(rateLimitHeaders(allowed)).toEqual({
      'RateLimit-Limit': '60',
      'RateLimit-Remaining': '59',
      'RateLimit-Reset': '1',
      'RateLimit-Policy': '60;w=60, 1000;w=3600',
    });
  });

  it('should add Retry-After when the request was denied', () => {
    const denied = { ...allowed, allowed: false, remaining: 0, resetSeconds: 3600, retryAfterSeconds: 4, limit: 1000, bucket: 'hour' };

    expect(rateLimitHeaders(denied)).toEqual({
      'RateLimit-Limit': '1000',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '3600',
      'RateLimit-Policy': '60;w=60, 1000;w=3600',
      'Retry-After': '4',
    });
  });
});

describe(RateLimiter.name, () => {
  // Never connects: every case below must be refused before a command is sent.
  const redis = new Redis({ lazyConnect: true });
  const sut = new RateLimiter(redis);
  afterAll(() => redis.disconnect());

  it.each<[string, string, RateLimit[], number]>([
    ['the key is empty', '', [MINUTE], 1],
    ['the key contains a brace (would break the cluster hash tag)', 'tenant:{x}', [MINUTE], 1],
    ['there are no limits', 'tenant:1', [], 1],
    ['two limits share a name', 'tenant:1', [MINUTE, { ...HOUR, name: 'minute' }], 1],
    ['a capacity is fractional', 'tenant:1', [{ ...MINUTE, capacity: 1.5 }], 1],
    ['a refill rate is zero', 'tenant:1', [{ ...MINUTE, refillPerSecond: 0 }], 1],
    ['the cost exceeds the smallest capacity', 'tenant:1', [MINUTE, HOUR], 61],
    ['the cost is negative', 'tenant:1', [MINUTE], -1],
  ])('should throw RateLimitInvalid without calling Redis when %s', async (_what, key, limits, cost) => {
    const error = await sut.consume(key, limits, cost).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecurityException);
    expect((error as SecurityException).code).toBe(SecurityErrorCode.RateLimitInvalid);
    expect(redis.status).toBe('wait');
  });
});
