import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { CacheKeyParts, cacheKeys, cacheableOutcome, CACHE_TTL_SECONDS } from '@mosaic/connectors';
import { createLogger, MosaicMetrics } from '@mosaic/observability';
import { requireInfraEnv } from '@mosaic/testing';
import { ToolCacheRepository } from './tool-cache.repository';

jest.setTimeout(15_000);

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(ToolCacheRepository.name, () => {
  const { REDIS_URL } = requireInfraEnv();
  const logger = createLogger('tool-cache-test', 'silent');
  let redis: Redis;
  let metrics: MosaicMetrics;
  let sut: ToolCacheRepository;
  let parts: CacheKeyParts;

  const counted = async (cache: string, outcome: string) => {
    const metric = await metrics.connectorCacheRequests.get();
    return metric.values.find((v) => v.labels['cache'] === cache && v.labels['outcome'] === outcome)?.value ?? 0;
  };

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    metrics = new MosaicMetrics('tool-cache-test');
  });
  beforeEach(() => {
    metrics.connectorCacheRequests.reset();
    sut = ToolCacheRepository.connect(REDIS_URL, 'postgres', logger, metrics);
    parts = { scope: `tenant:${randomUUID()}`, connector: 'postgres', credentialHash: 'a'.repeat(32) };
  });
  afterEach(async () => {
    await sut.close();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('should miss, then hit with the stored outcome, when a result is stored under its key', async () => {
    const key = cacheKeys.call(parts, 'result', 'search', { query: 'acme' });

    expect(await sut.getOutcome(key, 'result')).toBeUndefined();
    await sut.putOutcome(key, cacheableOutcome({ ok: true, text: 'rows', structured: { results: [] } })!, CACHE_TTL_SECONDS.result);

    expect(await sut.getOutcome(key, 'result')).toEqual({ ok: true, text: 'rows', structured: { results: [] } });
    expect(await counted('result', 'miss')).toBe(1);
    expect(await counted('result', 'hit')).toBe(1);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it('should not serve one tenant the entry of another when both ask the same thing', async () => {
    const mine = cacheKeys.call(parts, 'schema', 'list_tables', {});
    await sut.putOutcome(mine, cacheableOutcome({ ok: true, text: 'customers, orders' })!, CACHE_TTL_SECONDS.schema);

    const theirs = cacheKeys.call({ ...parts, scope: `tenant:${randomUUID()}` }, 'schema', 'list_tables', {});

    expect(await sut.getOutcome(theirs, 'schema')).toBeUndefined();
    expect(await sut.getOutcome(mine, 'schema')).toMatchObject({ text: 'customers, orders' });
    expect(await redis.ttl(mine)).toBeGreaterThan(590);
  });

  it('should treat an entry that fails its schema as a miss', async () => {
    const key = cacheKeys.call(parts, 'result', 'search', { query: 'tampered' });
    await redis.set(key, JSON.stringify({ ok: false, text: 'an error must never come from the cache' }), 'EX', 30);

    expect(await sut.getOutcome(key, 'result')).toBeUndefined();
  });

  it('should load the tool list once and serve it from Redis for 300 s', async () => {
    const load = jest.fn(async () => [
      { name: 'search', annotations: { readOnlyHint: true }, inputSchema: { type: 'object' as const } },
      { name: 'list_tables', inputSchema: { type: 'object' as const } },
    ]);

    const first = await sut.toolList(parts, load);
    const second = await sut.toolList(parts, load);

    expect(load).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
    expect(second).toEqual([{ name: 'search', annotations: { readOnlyHint: true } }, { name: 'list_tables' }]);
    expect(await redis.ttl(cacheKeys.tools(parts))).toBeGreaterThan(290);
    expect(await counted('tools', 'hit')).toBe(1);
  });

  it('should skip caching and count errors, not throw, when Redis is unreachable', async () => {
    const warn = jest.fn();
    const down = ToolCacheRepository.connect(
      `redis://127.0.0.1:${await closedPort()}`,
      'postgres',
      { ...logger, warn, info: jest.fn(), child: () => logger } as unknown as typeof logger,
      metrics,
    );
    try {
      const key = cacheKeys.call(parts, 'result', 'search', { query: 'x' });
      const load = jest.fn(async () => [{ name: 'search', inputSchema: { type: 'object' as const } }]);

      await expect(down.getOutcome(key, 'result')).resolves.toBeUndefined();
      await expect(down.putOutcome(key, '{"ok":true,"text":"x"}', 30)).resolves.toBeUndefined();
      await expect(down.toolList(parts, load)).resolves.toEqual([{ name: 'search' }]);
      await expect(down.getOutcome(key, 'result')).resolves.toBeUndefined();

      expect(load).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(await counted('result', 'error')).toBe(2);
    } finally {
      await down.close();
    }
  });

  it('should cache nothing and never touch Redis when no REDIS_URL is configured', async () => {
    const off = ToolCacheRepository.connect(undefined, 'postgres', logger, metrics);
    const key = cacheKeys.call(parts, 'result', 'search', { query: 'off' });

    await off.putOutcome(key, '{"ok":true,"text":"x"}', 30);

    expect(off.enabled).toBe(false);
    expect(await off.getOutcome(key, 'result')).toBeUndefined();
    expect(await redis.exists(key)).toBe(0);
    expect(await counted('result', 'miss')).toBe(0);
  });
});
