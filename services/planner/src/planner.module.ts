import { Module } from '@nestjs/common';
import { LocalProvider } from '@mosaic/llm';
import { LLM_PROVIDER, PlannerService } from './planning/planner.service';
import { QueryRequestedHandler } from './planning/query-requested.handler';

@Module({
  controllers: [QueryRequestedHandler],
  providers: [PlannerService, { provide: LLM_PROVIDER, useValue: new LocalProvider() }],
})
export class PlannerModule {}
