import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Provider } from '@nestjs/common';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { CONFIG, READINESS_CHECKS, ReadinessCheck } from '@mosaic/runtime';
import { GatewayConfig } from '../config';

export const GATEWAY_REDIS = Symbol('GATEWAY_REDIS');

/** Redis for session revocations and rate limits: commands fail fast when it is down. */
export const GatewayRedisProvider: Provider = {
  provide: GATEWAY_REDIS,
  inject: [CONFIG],
  useFactory: (config: GatewayConfig) => {
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1000 });
    redis.on('error', () => undefined);
    return redis;
  },
};

/** Postgres and Redis as seen by the gateway's readiness probe. */
@Injectable()
export class GatewayDependencies implements OnModuleInit, OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Inject(GATEWAY_REDIS) private readonly redis: Redis,
  ) {
    this.pool = new Pool({ connectionString: config.DATABASE_URL, max: 2, connectionTimeoutMillis: 2000 });
    this.pool.on('error', () => undefined);
  }

  onModuleInit(): void {
    this.checks.push(
      { name: 'database', check: async () => void (await this.pool.query('select 1')) },
      { name: 'cache', check: async () => void (await this.redis.ping()) },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.pool.end(), this.redis.quit()]);
  }
}
