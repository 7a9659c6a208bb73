import { Module } from '@nestjs/common';
import { serviceLlmProvider } from '@mosaic/llm';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { CONFIG, LOGGER, METRICS } from '@mosaic/runtime';
import { DetectSourcesHandler } from './planning/detect-sources.handler';
import { LLM_PROVIDER, PlannerService } from './planning/planner.service';
import { QueryRequestedHandler } from './planning/query-requested.handler';

@Module({
  controllers: [QueryRequestedHandler],
  providers: [PlannerService, DetectSourcesHandler, {
      provide: LLM_PROVIDER,
      inject: [CONFIG, METRICS, LOGGER],
      useFactory: (config: Record<string, string | undefined>, metrics: MosaicMetrics, logger: Logger) => serviceLlmProvider(config, metrics, logger),
    }],
})
export class PlannerModule {}
