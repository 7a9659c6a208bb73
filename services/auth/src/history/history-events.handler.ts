import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AgentEventV1, QUERY_EVENTS_V1_PREFIX } from '@mosaic/contracts';
import { HandlerOutcome, JetStreamMessageContext, Outcome } from '@mosaic/messaging';
import { HistoryWriter, UnknownRunError } from './history-writer.service';

/** Deliveries of an event whose query has no run before it is dropped (about 4 s). */
const ORPHAN_DELIVERIES = 8;

/** Every query event goes through the history writer; acknowledged once stored. */
@Controller()
export class HistoryEventsHandler {
  constructor(private readonly writer: HistoryWriter) {}

  @EventPattern(QUERY_EVENTS_V1_PREFIX)
  async handle(@Payload() event: AgentEventV1, @Ctx() context?: JetStreamMessageContext): Promise<HandlerOutcome> {
    try {
      await this.writer.record(event);
      return Outcome.done();
    } catch (error) {
      if (!(error instanceof UnknownRunError)) return Outcome.retry(2000, (error as Error).message);
      // The run's first event may be in a batch being retried (2 s); after that, there is none
      // (a query from before history existed): stop holding the stream up.
      if ((context?.deliveryCount ?? 1) >= ORPHAN_DELIVERIES) return Outcome.giveUp(`event of an unknown query: ${error.message}`);
      return Outcome.retry(500, error.message);
    }
  }
}
