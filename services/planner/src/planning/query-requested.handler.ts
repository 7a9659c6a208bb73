import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { QUERY_REQUESTED_V1, QueryRequestedV1 } from '@mosaic/contracts';
import { HandlerOutcome } from '@mosaic/messaging';
import { PlannerService } from './planner.service';

@Controller()
export class QueryRequestedHandler {
  constructor(private readonly planner: PlannerService) {}

  @EventPattern(QUERY_REQUESTED_V1)
  handle(@Payload() request: QueryRequestedV1): Promise<HandlerOutcome> {
    return this.planner.plan(request);
  }
}
