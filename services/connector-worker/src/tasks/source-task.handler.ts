import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { SOURCE_TASK_V1_PREFIX, SourceTaskV1 } from '@mosaic/contracts';
import { HandlerOutcome, JetStreamMessageContext } from '@mosaic/messaging';
import { SourceTaskService } from './source-task.service';

@Controller()
export class SourceTaskHandler {
  constructor(private readonly tasks: SourceTaskService) {}

  @EventPattern(SOURCE_TASK_V1_PREFIX)
  handle(@Payload() task: SourceTaskV1, @Ctx() context?: JetStreamMessageContext): Promise<HandlerOutcome> {
    return this.tasks.run(task, context?.handedBack);
  }
}
