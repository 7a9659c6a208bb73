import { Module } from '@nestjs/common';
import { LocalProvider } from '@mosaic/llm';
import { QueryStateRepository } from './synthesis/query-state.repository';
import { SynthesisHandler } from './synthesis/synthesis.handler';
import { LLM_PROVIDER, SynthesizerService } from './synthesis/synthesizer.service';

@Module({
  controllers: [SynthesisHandler],
  providers: [SynthesizerService, QueryStateRepository, { provide: LLM_PROVIDER, useValue: new LocalProvider() }],
})
export class SynthesizerModule {}
