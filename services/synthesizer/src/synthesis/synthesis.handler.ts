import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { QUERY_PLANNED_V1, QueryPlannedV1, SOURCE_RESULT_V1, SourceResultV1 } from '@mosaic/contracts';
import { HandlerOutcome } from '@mosaic/messaging';
import { SynthesizerService } from './synthesizer.service';

@Controller()
export class SynthesisHandler {
  constructor(private readonly synthesizer: SynthesizerService) {}

  @EventPattern(QUERY_PLANNED_V1)
  planned(@Payload() planned: QueryPlannedV1): Promise<HandlerOutcome> {
    return this.synthesizer.onPlanned(planned);
  }

  @EventPattern(SOURCE_RESULT_V1)
  result(@Payload() result: SourceResultV1): Promise<HandlerOutcome> {
    return this.synthesizer.onResult(result);
  }
}
