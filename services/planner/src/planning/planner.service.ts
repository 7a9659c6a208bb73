import { Inject, Injectable } from '@nestjs/common';
import {
  AgentPlan,
  QUERY_PLANNED_V1,
  QueryRequestedV1,
  SOURCE_TASK_V1_PREFIX,
  taskSubjectForSource,
} from '@mosaic/contracts';
import { describeSource, getConnector } from '@mosaic/connectors';
import { LlmProvider, SourceDescriptor } from '@mosaic/llm';
import { HandlerOutcome, JetStreamPublisher, Outcome, QueryEventsPublisher } from '@mosaic/messaging';
import { Logger } from '@mosaic/observability';
import { LOGGER } from '@mosaic/runtime';

export const LLM_PROVIDER = Symbol('LLM_PROVIDER');

/**
 * Turns an accepted query into a plan and one task per chosen source. Every publish
 * carries a deterministic message id, so a redelivered query produces no duplicates.
 */
@Injectable()
export class PlannerService {
  constructor(
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly publisher: JetStreamPublisher,
    private readonly events: QueryEventsPublisher,
  ) {}

  async plan(request: QueryRequestedV1): Promise<HandlerOutcome> {
    const { query_id: queryId } = request;
    if (Date.now() >= request.deadline) {
      await this.events.emit(queryId, { event_type: 'error', code: 'deadline_exceeded', error: 'the query expired before it could be planned' }, 'error');
      return Outcome.done();
    }
    await this.events.emit(queryId, { event_type: 'planning' }, 'planning');

    const candidates = (request.sources ?? request.available_sources)
      .filter((id) => request.available_sources.includes(id))
      .map((id) => this.describe(id, request))
      .filter((d): d is SourceDescriptor => d !== undefined);
    const plan: AgentPlan = candidates.length
      ? await this.llm.planSources(request.query, candidates)
      : { sources: [], reasoning: 'none of the requested sources is available' };

    // The synthesizer owns the deadline from here: publish the plan before any task.
    await this.publisher.publish(
      QUERY_PLANNED_V1,
      QUERY_PLANNED_V1,
      { query_id: queryId, query: request.query, plan, deadline: request.deadline, requested_at: request.requested_at, tenant_id: request.tenant_id },
      `${queryId}:planned`,
    );
    await this.events.emit(queryId, { event_type: 'plan_complete', sources: plan.sources, reasoning: plan.reasoning }, 'plan_complete');
    await Promise.all(
      plan.sources.map(({ source }) =>
        this.publisher.publish(
          SOURCE_TASK_V1_PREFIX,
          taskSubjectForSource(source),
          {
            query_id: queryId,
            query: request.query,
            source,
            deadline: request.deadline,
            tenant_id: request.tenant_id,
            user_id: request.user_id,
            ...(request.allow_writes ? { allow_writes: true } : {}),
          },
          `${queryId}:task:${source}`,
        ),
      ),
    );
    this.logger.info({ query_id: queryId, sources: plan.sources.map((s) => s.source), provider: this.llm.name }, 'query planned');
    return Outcome.done();
  }

  /** A catalog connector, or one of the tenant's registered MCP servers as the gateway described it. */
  private describe(id: string, request: QueryRequestedV1): SourceDescriptor | undefined {
    const connector = getConnector(id);
    if (connector) return describeSource(connector);
    return request.registered_sources?.find((s) => s.id === id);
  }
}
