import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { JetStreamPublisher, QueryEventsPublisher, QueryEventsReader, RpcClient, connectNats } from '@mosaic/messaging';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { BaseEnv } from './config';
import { ReadinessCheck } from './health';
import { LOGGER, METRICS, NATS_CONNECTION, READINESS_CHECKS, SERVICE_NAME } from './tokens';

export const CONFIG = Symbol('CONFIG');

export interface RuntimeModuleOptions {
  service: string;
  config: BaseEnv;
  logger: Logger;
  metrics: MosaicMetrics;
}

class NatsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connection.drain().catch(() => undefined);
  }
}

/** Everything a service shares: config, logger, metrics, NATS and JetStream clients, readiness. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeModuleOptions): DynamicModule {
    const checks: ReadinessCheck[] = [];
    return {
      module: RuntimeModule,
      providers: [
        { provide: SERVICE_NAME, useValue: options.service },
        { provide: CONFIG, useValue: options.config },
        { provide: LOGGER, useValue: options.logger },
        { provide: METRICS, useValue: options.metrics },
        {
          provide: NATS_CONNECTION,
          useFactory: () =>
            connectNats({
              url: options.config.NATS_URL,
              name: options.service,
              user: options.config.NATS_USER,
              pass: options.config.NATS_PASSWORD,
            }),
        },
        {
          provide: READINESS_CHECKS,
          inject: [NATS_CONNECTION],
          useFactory: (nc: NatsConnection) => {
            checks.push({ name: 'nats', check: async () => void (await nc.rtt()) });
            return checks;
          },
        },
        { provide: JetStreamPublisher, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => new JetStreamPublisher(nc) },
        { provide: QueryEventsPublisher, inject: [JetStreamPublisher], useFactory: (p: JetStreamPublisher) => new QueryEventsPublisher(p) },
        { provide: QueryEventsReader, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => new QueryEventsReader(nc) },
        { provide: RpcClient, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => new RpcClient(nc) },
        NatsLifecycle,
      ],
      exports: [SERVICE_NAME, CONFIG, LOGGER, METRICS, NATS_CONNECTION, READINESS_CHECKS, JetStreamPublisher, QueryEventsPublisher, QueryEventsReader, RpcClient],
    };
  }
}
