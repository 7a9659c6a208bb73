import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { QueryPlannedV1, QueryPlannedV1Schema, SourceResult, SourceResultSchema, tenantTokensKey, utcDay } from '@mosaic/contracts';
import { CONFIG, READINESS_CHECKS, ReadinessCheck } from '@mosaic/runtime';
import { SynthesizerConfig } from '../config';

const TTL_SECONDS = 24 * 60 * 60;
const key = (queryId: string, part: 'plan' | 'results' | 'lease' | 'done') => `mosaic:query:{${queryId}}:${part}`;

/**
 * Per-query aggregation state in Redis, so any synthesizer replica can finish any
 * query and a restart loses nothing: the plan, the results that arrived, a lease
 * held while finishing, and a marker once `done` is published.
 */
@Injectable()
export class QueryStateRepository implements OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(@Inject(CONFIG) private readonly config: SynthesizerConfig, @Inject(READINESS_CHECKS) checks: ReadinessCheck[]) {
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
    this.redis.on('error', () => undefined);
    checks.push({ name: 'redis', check: async () => void (await this.redis.ping()) });
  }

  async savePlan(planned: QueryPlannedV1): Promise<void> {
    await this.redis.set(key(planned.query_id, 'plan'), JSON.stringify(planned), 'EX', TTL_SECONDS, 'NX');
  }

  async plan(queryId: string): Promise<QueryPlannedV1 | undefined> {
    const raw = await this.redis.get(key(queryId, 'plan'));
    return raw ? QueryPlannedV1Schema.parse(JSON.parse(raw)) : undefined;
  }

  /** Stores a source's result unless one is already stored (first result wins). */
  async saveResult(queryId: string, result: SourceResult): Promise<void> {
    await this.redis.multi().hsetnx(key(queryId, 'results'), result.source, JSON.stringify(result)).expire(key(queryId, 'results'), TTL_SECONDS).exec();
  }

  async results(queryId: string): Promise<Map<string, SourceResult>> {
    const raw = await this.redis.hgetall(key(queryId, 'results'));
    return new Map(Object.entries(raw).map(([source, json]) => [source, SourceResultSchema.parse(JSON.parse(json))]));
  }

  async isDone(queryId: string): Promise<boolean> {
    return (await this.redis.exists(key(queryId, 'done'))) === 1;
  }

  /** Takes the right to finish the query for a while; false if another replica holds it. */
  async acquireLease(queryId: string, holder: string): Promise<boolean> {
    return (await this.redis.set(key(queryId, 'lease'), holder, 'PX', this.config.FINALIZE_LEASE_MS, 'NX')) === 'OK';
  }

  /** Adds a finished query's model tokens to its tenant's count for the day (the gateway's budget). */
  async addTenantTokens(tenantId: string, tokens: number, day = utcDay()): Promise<void> {
    const counter = tenantTokensKey(tenantId, day);
    await this.redis.multi().incrby(counter, tokens).expire(counter, 3 * 24 * 60 * 60).exec();
  }

  async markDone(queryId: string): Promise<void> {
    await this.redis.set(key(queryId, 'done'), '1', 'EX', TTL_SECONDS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
