import { Module } from '@nestjs/common';
import { serviceLlmProvider } from '@mosaic/llm';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { CONFIG, LOGGER, METRICS } from '@mosaic/runtime';
import { QueryStateRepository } from './synthesis/query-state.repository';
import { SynthesisHandler } from './synthesis/synthesis.handler';
import { LLM_PROVIDER, SynthesizerService } from './synthesis/synthesizer.service';

@Module({
  controllers: [SynthesisHandler],
  providers: [SynthesizerService, QueryStateRepository, {
      provide: LLM_PROVIDER,
      inject: [CONFIG, METRICS, LOGGER],
      useFactory: (config: Record<string, string | undefined>, metrics: MosaicMetrics, logger: Logger) => serviceLlmProvider(config, metrics, logger),
    }],
})
export class SynthesizerModule {}
