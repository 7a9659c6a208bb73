// First: http, pg and ioredis are traced only if instrumented before anything loads them.
import '@mosaic/observability/register';
import { CONSUMERS, QUERY_REQUESTED_V1, STREAMS } from '@mosaic/contracts';
import { main, parseConfig, runService } from '@mosaic/runtime';
import { plannerEnvSchema } from './config';
import { PlannerModule } from './planner.module';

main(async () => {
  const config = parseConfig(plannerEnvSchema);
  await runService({
    service: 'planner',
    config,
    port: config.PORT,
    imports: [PlannerModule],
    consumers: [
      {
        pattern: QUERY_REQUESTED_V1,
        concurrency: config.PLANNER_CONCURRENCY,
        consumer: {
          stream: STREAMS.queries.name,
          durable: CONSUMERS.planner,
          filterSubject: QUERY_REQUESTED_V1,
          ackWaitMs: config.PLANNER_ACK_WAIT_MS,
          maxDeliver: 5,
          maxAckPending: 1000,
        },
      },
    ],
  });
});
