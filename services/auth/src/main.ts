// First: http, pg and ioredis are traced only if instrumented before anything loads them.
import '@mosaic/observability/register';
import { HISTORY_CONSUMER, QUERY_EVENTS_V1_PREFIX, STREAMS } from '@mosaic/contracts';
import type { ConsumerBinding } from '@mosaic/messaging';
import { main, parseConfig, runService } from '@mosaic/runtime';
import { AuthModule } from './auth.module';
import { authEnvSchema } from './config';

const historyConsumer = (batchSize: number): ConsumerBinding => ({
  pattern: QUERY_EVENTS_V1_PREFIX,
  concurrency: batchSize,
  consumer: {
    stream: STREAMS.events.name,
    durable: HISTORY_CONSUMER,
    filterSubject: `${QUERY_EVENTS_V1_PREFIX}.>`,
    ackWaitMs: 30_000,
    maxDeliver: 20,
    maxAckPending: 10_000,
  },
});

main(async () => {
  const config = parseConfig(authEnvSchema);
  await runService({
    service: 'auth',
    config,
    port: config.PORT,
    imports: [AuthModule],
    // History: every query event, in batches (the concurrency is the batch a replica collects).
    // HISTORY_WRITER=off binds no consumer: no history is written, reads still work.
    consumers: config.HISTORY_WRITER === 'on' ? [historyConsumer(config.HISTORY_BATCH_SIZE)] : [],
  });
});
