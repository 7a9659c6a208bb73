import { createHash, randomUUID } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import { Redis } from 'ioredis';
import { requireInfraEnv } from '@mosaic/testing';
import { RateLimit, RateLimiter, TOKEN_BUCKET_SCRIPT } from './rate-limiter';
import { SecurityErrorCode, SecurityException } from './security.exception';

jest.setTimeout(15_000);

const PREFIX = 'test:rl:';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(RateLimiter.name, () => {
  const { REDIS_URL } = requireInfraEnv();
  let redis: Redis;
  let sut: RateLimiter;
  let key: string;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    sut = new RateLimiter(redis, { keyPrefix: PREFIX });
  });
  beforeEach(() => {
    key = `tenant:${randomUUID()}`;
  });
  afterAll(async () => {
    await redis.quit();
  });

  const bucketKey = (name: string) => `${PREFIX}{${key}}:${name}`;
  const tokensIn = async (name: string) => Number(await redis.hget(bucketKey(name), 'tokens'));

  it('should allow up to capacity and then deny with retryAfter of at least 1 s when exhausted', async () => {
    const limits: RateLimit[] = [{ name: 'minute', capacity: 3, refillPerSecond: 3 / 60 }];

    const results = [];
    for (let i = 0; i < 4; i++) results.push(await sut.consume(key, limits));

    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    const denied = results[3];
    expect(denied).toMatchObject({ limit: 3, bucket: 'minute', policy: '3;w=60' });
    // One token every 20 s: the wait is about 20 s, never less than 1.
    expect(denied.retryAfterSeconds).toBeGreaterThanOrEqual(19);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(20);
    expect(denied.resetSeconds).toBeGreaterThanOrEqual(denied.retryAfterSeconds);
  });

  it('should refill over real time up to capacity and no further when the bucket is tiny', async () => {
    const limits: RateLimit[] = [{ name: 'second', capacity: 2, refillPerSecond: 10 }];
    await sut.consume(key, limits);
    await sut.consume(key, limits);
    const exhausted = await sut.consume(key, limits);
    expect(exhausted.allowed).toBe(false);
    expect(exhausted.retryAfterSeconds).toBe(1);

    await sleep(350); // 3.5 tokens' worth of refill, capped at 2

    const after = [await sut.consume(key, limits), await sut.consume(key, limits), await sut.consume(key, limits)];
    expect(after.map((r) => r.allowed)).toEqual([true, true, false]);
  });

  it('should allow exactly capacity when 50 calls race from several clients', async () => {
    const clients = Array.from({ length: 5 }, () => new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }));
    try {
      const limiters = clients.map((c) => new RateLimiter(c, { keyPrefix: PREFIX }));
      const limits: RateLimit[] = [{ name: 'burst', capacity: 10, refillPerSecond: 0.001 }];

      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => limiters[i % limiters.length].consume(key, limits)));

      const allowed = results.filter((r) => r.allowed);
      expect(allowed).toHaveLength(10);
      // Each allowed call saw a distinct level: the script ran one call at a time.
      expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });

  it('should report the hour bucket and deduct nothing when the hour bucket is the constraint', async () => {
    const limits: RateLimit[] = [
      { name: 'minute', capacity: 60, refillPerSecond: 1 },
      { name: 'hour', capacity: 5, refillPerSecond: 5 / 3600 },
    ];

    const first = await sut.consume(key, limits);
    expect(first).toMatchObject({ allowed: true, bucket: 'hour', limit: 5, remaining: 4, policy: '60;w=60, 5;w=3600' });
    for (let i = 0; i < 4; i++) expect((await sut.consume(key, limits)).allowed).toBe(true);
    const minuteBefore = await tokensIn('minute');

    const denied = await sut.consume(key, limits);

    expect(denied).toMatchObject({ allowed: false, bucket: 'hour', limit: 5, remaining: 0 });
    // One hour token every 720 s.
    expect(denied.retryAfterSeconds).toBeGreaterThanOrEqual(719);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(720);
    expect(await tokensIn('minute')).toBe(minuteBefore);
  });

  it('should leave the other buckets untouched when one bucket denies', async () => {
    const limits: RateLimit[] = [
      { name: 'minute', capacity: 2, refillPerSecond: 2 / 60 },
      { name: 'hour', capacity: 100, refillPerSecond: 100 / 3600 },
    ];
    await sut.consume(key, limits);
    await sut.consume(key, limits);
    const hourBefore = await tokensIn('hour');

    const denied = await sut.consume(key, limits);

    expect(denied).toMatchObject({ allowed: false, bucket: 'minute' });
    expect(hourBefore).toBeLessThan(98.1);
    expect(await tokensIn('hour')).toBe(hourBefore);
  });

  it('should take cost tokens from every bucket when cost is greater than 1', async () => {
    const limits: RateLimit[] = [{ name: 'minute', capacity: 10, refillPerSecond: 10 / 60 }];

    const result = await sut.consume(key, limits, 4);

    expect(result).toMatchObject({ allowed: true, remaining: 6 });
    expect((await sut.consume(key, limits, 7)).allowed).toBe(false);
  });

  it('should use the Redis clock when the client clock is wrong', async () => {
    const yearAhead = Date.now() + 365 * 86_400_000;
    const spy = jest.spyOn(Date, 'now').mockReturnValue(yearAhead);
    try {
      await sut.consume(key, [{ name: 'minute', capacity: 60, refillPerSecond: 1 }]);
    } finally {
      spy.mockRestore();
    }
    const [seconds, micros] = await redis.time();
    const serverMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);

    const storedTs = Number(await redis.hget(bucketKey('minute'), 'ts'));

    expect(Math.abs(serverMs - storedTs)).toBeLessThan(2_000);
  });

  it('should expire the bucket keys about when they would be full again', async () => {
    await sut.consume(key, [
      { name: 'minute', capacity: 60, refillPerSecond: 1 },
      { name: 'hour', capacity: 1000, refillPerSecond: 1000 / 3600 },
    ], 2);

    const minuteTtl = await redis.pttl(bucketKey('minute'));
    const hourTtl = await redis.pttl(bucketKey('hour'));

    // Full again after 2 s (minute) and 7.2 s (hour), plus a 1 s margin.
    expect(minuteTtl).toBeGreaterThan(2_000);
    expect(minuteTtl).toBeLessThanOrEqual(3_000);
    expect(hourTtl).toBeGreaterThan(7_200);
    expect(hourTtl).toBeLessThanOrEqual(8_200);
  });

  it('should fall back to EVAL when Redis has forgotten the script', async () => {
    const sha = createHash('sha1').update(TOKEN_BUCKET_SCRIPT).digest('hex');
    await redis.script('FLUSH');
    expect(await redis.script('EXISTS', sha)).toEqual([0]);

    const result = await sut.consume(key, [{ name: 'minute', capacity: 5, refillPerSecond: 1 }]);

    expect(result).toMatchObject({ allowed: true, remaining: 4 });
    expect(await redis.script('EXISTS', sha)).toEqual([1]);
    expect((await sut.consume(key, [{ name: 'minute', capacity: 5, refillPerSecond: 1 }])).remaining).toBe(3);
  });

  describe('when Redis is unavailable', () => {
    it('should throw RateLimiterUnavailable quickly when nothing listens on the port', async () => {
      // disconnectTimeout: ioredis arms a 2 s "destroy the stream" timer on disconnect() that only a
      // later 'close' clears; a socket that never connected never closes again, so Jest would wait.
      const dead = new Redis({ host: '127.0.0.1', port: await closedPort(), disconnectTimeout: 10 });
      dead.on('error', () => undefined);
      try {
        const started = Date.now();

        const error = await new RateLimiter(dead).consume(key, [{ name: 'minute', capacity: 5, refillPerSecond: 1 }]).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(SecurityException);
        expect((error as SecurityException).code).toBe(SecurityErrorCode.RateLimiterUnavailable);
        expect(Date.now() - started).toBeLessThan(1_000);
      } finally {
        dead.disconnect();
      }
    });

    it('should throw RateLimiterUnavailable after the timeout when Redis accepts but never answers', async () => {
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const hung = new Redis({ host: '127.0.0.1', port: (silent.address() as { port: number }).port, disconnectTimeout: 10 });
      hung.on('error', () => undefined);
      try {
        const started = Date.now();

        const error = await new RateLimiter(hung, { timeoutMs: 300 })
          .consume(key, [{ name: 'minute', capacity: 5, refillPerSecond: 1 }])
          .catch((e: unknown) => e);

        const elapsed = Date.now() - started;
        expect((error as SecurityException).code).toBe(SecurityErrorCode.RateLimiterUnavailable);
        expect((error as Error).message).toContain('300 ms');
        expect(elapsed).toBeGreaterThanOrEqual(290);
        expect(elapsed).toBeLessThan(1_000);
      } finally {
        hung.disconnect();
        sockets.forEach((s) => s.destroy());
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });
});
