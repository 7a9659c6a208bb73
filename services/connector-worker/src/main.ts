// First: http, pg and ioredis are traced only if instrumented before anything loads them.
import '@mosaic/observability/register';
import { CONSUMERS, SOURCE_TASK_V1_PREFIX, sourceTaskSubject, STREAMS } from '@mosaic/contracts';
import { main, parseConfig, runService } from '@mosaic/runtime';
import { workerEnvSchema } from './config';
import { WorkerModule } from './worker.module';

main(async () => {
  const config = parseConfig(workerEnvSchema);
  await runService({
    service: `connector-worker-${config.CONNECTOR}`,
    config,
    port: config.PORT,
    imports: [WorkerModule],
    consumers: [
      {
        pattern: SOURCE_TASK_V1_PREFIX,
        concurrency: config.WORKER_CONCURRENCY,
        consumer: {
          stream: STREAMS.tasks.name,
          durable: CONSUMERS.connectorWorker(config.CONNECTOR),
          filterSubject: sourceTaskSubject(config.CONNECTOR),
          ackWaitMs: config.WORKER_ACK_WAIT_MS,
          maxDeliver: 5,
          maxAckPending: 1000,
        },
      },
    ],
  });
});
