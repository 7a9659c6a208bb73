import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { createOrm, MikroORM } from '@mosaic/persistence';
import { CONFIG, READINESS_CHECKS, ReadinessCheck } from '@mosaic/runtime';
import Redis from 'ioredis';
import { AuthConfig } from './config';

export const ORM = Symbol('ORM');
export const REDIS = Symbol('REDIS');

export const OrmProvider: Provider = {
  provide: ORM,
  inject: [CONFIG, READINESS_CHECKS],
  useFactory: async (config: AuthConfig, checks: ReadinessCheck[]) => {
    const orm = await createOrm({ url: config.APP_DATABASE_URL, applicationName: 'mosaic-auth' });
    checks.push({ name: 'database', check: async () => void (await orm.em.fork().getConnection().execute('select 1')) });
    return orm;
  },
};

export const RedisProvider: Provider = {
  provide: REDIS,
  inject: [CONFIG, READINESS_CHECKS],
  useFactory: (config: AuthConfig, checks: ReadinessCheck[]) => {
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    redis.on('error', () => undefined);
    checks.push({ name: 'cache', check: async () => void (await redis.ping()) });
    return redis;
  },
};

@Injectable()
export class ConnectionsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(ORM) private readonly orm: MikroORM,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.orm.close(), this.redis.quit()]);
  }
}
