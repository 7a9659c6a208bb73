import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import Redis from 'ioredis';
import { z } from 'zod';
import { CachedToolOutcomeSchema, CacheKind, CacheKeyParts, cacheKeys, CACHE_TTL_SECONDS, ToolOutcome } from '@mosaic/connectors';
import { Logger, MosaicMetrics } from '@mosaic/observability';

/** The parts of a cached tool list the worker relies on (names and read-only annotations). */
const CachedToolListSchema = z.array(
  z
    .object({
      name: z.string(),
      annotations: z.object({ readOnlyHint: z.boolean().optional(), destructiveHint: z.boolean().optional() }).passthrough().optional(),
    })
    .passthrough(),
);

/** Redis is an optimisation here: a slow command is abandoned rather than waited for. */
const COMMAND_TIMEOUT_MS = 500;

export type CachedToolList = Pick<Tool, 'name' | 'annotations'>[];

/**
 * The connector caches in Redis (tool lists, tool results, schemas) under tenant-scoped keys
 * built by `cacheKeys`. Caching fails open: with no REDIS_URL, or while Redis is down, every
 * look-up is a miss and nothing is stored; the outage is logged once, and its end once.
 */
export class ToolCacheRepository {
  private degraded = false;

  constructor(
    private readonly redis: Redis | undefined,
    private readonly connector: string,
    private readonly logger: Logger,
    private readonly metrics: MosaicMetrics,
  ) {}

  static connect(url: string | undefined, connector: string, logger: Logger, metrics: MosaicMetrics): ToolCacheRepository {
    if (!url) {
      logger.info({ connector }, 'connector caching is off (no REDIS_URL, or CONNECTOR_CACHE=off)');
      return new ToolCacheRepository(undefined, connector, logger, metrics);
    }
    // Commands issued while (re)connecting wait at most COMMAND_TIMEOUT_MS; during a known outage
    // `guard` skips Redis entirely until the connection is back.
    const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS });
    // Connection errors surface as failed commands (handled there); without a listener ioredis would log each retry.
    redis.on('error', () => undefined);
    return new ToolCacheRepository(redis, connector, logger, metrics);
  }

  get enabled(): boolean {
    return this.redis !== undefined;
  }

  /** A cached successful outcome, or undefined on a miss (or when the cache is unavailable). */
  async getOutcome(key: string, cache: Exclude<CacheKind, 'tools'>): Promise<ToolOutcome | undefined> {
    const raw = await this.read(key, cache);
    if (raw === undefined) return undefined;
    const parsed = CachedToolOutcomeSchema.safeParse(safeJson(raw));
    return parsed.success ? parsed.data : undefined;
  }

  /** Stores a serialized outcome (already checked by `cacheableOutcome`) for `ttlSeconds`. */
  async putOutcome(key: string, json: string, ttlSeconds: number): Promise<void> {
    await this.guard(() => this.redis!.set(key, json, 'EX', ttlSeconds));
  }

  /** The server's tool list from the cache, else from `load` (then cached for 300 s). */
  async toolList(parts: CacheKeyParts, load: () => Promise<CachedToolList>): Promise<CachedToolList> {
    const key = cacheKeys.tools(parts);
    const raw = await this.read(key, 'tools');
    const parsed = raw === undefined ? undefined : CachedToolListSchema.safeParse(safeJson(raw));
    if (parsed?.success) return parsed.data as CachedToolList;
    const tools = await load();
    const slim = tools.map((t) => ({ name: t.name, ...(t.annotations ? { annotations: t.annotations } : {}) }));
    await this.guard(() => this.redis!.set(key, JSON.stringify(slim), 'EX', CACHE_TTL_SECONDS.tools));
    return slim;
  }

  private async read(key: string, cache: CacheKind): Promise<string | undefined> {
    if (!this.redis) return undefined;
    const result = await this.guard(() => this.redis!.get(key));
    const outcome = result === undefined ? 'error' : result.value === null ? 'miss' : 'hit';
    this.metrics.connectorCacheRequests.inc({ connector: this.connector, cache, outcome });
    return result?.value ?? undefined;
  }

  /** Runs a Redis command; on failure logs once per outage and returns undefined. */
  private async guard<T>(command: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (!this.redis) return undefined;
    if (this.degraded && this.redis.status !== 'ready') return undefined;
    try {
      const value = await command();
      if (this.degraded) {
        this.degraded = false;
        this.logger.info({ connector: this.connector }, 'connector cache is reachable again');
      }
      return { value };
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.logger.warn({ connector: this.connector, err: error }, 'connector cache unavailable: calls go to the server uncached');
      }
      return undefined;
    }
  }

  async close(): Promise<void> {
    if (this.redis?.status === 'ready') await this.redis.quit().catch(() => undefined);
    else this.redis?.disconnect();
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
