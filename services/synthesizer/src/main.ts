// First: http, pg and ioredis are traced only if instrumented before anything loads them.
import '@mosaic/observability/register';
import { CONSUMERS, QUERY_PLANNED_V1, SOURCE_RESULT_V1, STREAMS } from '@mosaic/contracts';
import { main, parseConfig, runService } from '@mosaic/runtime';
import { synthesizerEnvSchema } from './config';
import { SynthesizerModule } from './synthesizer.module';

main(async () => {
  const config = parseConfig(synthesizerEnvSchema);
  await runService({
    service: 'synthesizer',
    config,
    port: config.PORT,
    imports: [SynthesizerModule],
    consumers: [
      {
        pattern: QUERY_PLANNED_V1,
        concurrency: config.SYNTHESIZER_CONCURRENCY,
        consumer: {
          stream: STREAMS.queries.name,
          durable: CONSUMERS.synthesizerPlans,
          filterSubject: QUERY_PLANNED_V1,
          ackWaitMs: 30_000,
          // Plans are nak'd until their deadline and on lease contention; never give up early.
          maxDeliver: 1000,
          maxAckPending: 10_000,
        },
      },
      {
        pattern: SOURCE_RESULT_V1,
        concurrency: config.SYNTHESIZER_CONCURRENCY,
        consumer: {
          stream: STREAMS.results.name,
          durable: CONSUMERS.synthesizerResults,
          filterSubject: SOURCE_RESULT_V1,
          ackWaitMs: 30_000,
          maxDeliver: 10,
          maxAckPending: 10_000,
        },
      },
    ],
  });
});
