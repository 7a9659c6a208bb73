import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { CONFIG, READINESS_CHECKS, ReadinessCheck } from '@mosaic/runtime';
import { GatewayConfig } from '../config';

/** Postgres and Redis as seen by the gateway's readiness probe. */
@Injectable()
export class GatewayDependencies implements OnModuleInit, OnApplicationShutdown {
  private readonly pool: Pool;
  private readonly redis: Redis;

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {
    this.pool = new Pool({ connectionString: config.DATABASE_URL, max: 2, connectionTimeoutMillis: 2000 });
    this.pool.on('error', () => undefined);
    this.redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.redis.on('error', () => undefined);
  }

  onModuleInit(): void {
    void this.redis.connect().catch(() => undefined);
    this.checks.push(
      { name: 'database', check: async () => void (await this.pool.query('select 1')) },
      { name: 'cache', check: async () => void (await this.redis.ping()) },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.pool.end(), this.redis.quit()]);
  }
}
