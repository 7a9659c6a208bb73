import { Inject, Injectable } from '@nestjs/common';
import {
  AgentPlan,
  QUERY_PLANNED_V1,
  QueryRequestedV1,
  RegisteredSource,
  SOURCE_TASK_V1_PREFIX,
  taskSubjectForSource,
} from '@mosaic/contracts';
import { describeSource, getConnector } from '@mosaic/connectors';
import { countTokens, LlmProvider, SourceDescriptor, TokenUsage } from '@mosaic/llm';
import { HandlerOutcome, JetStreamPublisher, Outcome, QueryEventsPublisher } from '@mosaic/messaging';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { LOGGER, METRICS } from '@mosaic/runtime';

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
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
    private readonly publisher: JetStreamPublisher,
    private readonly events: QueryEventsPublisher,
  ) {}

  get providerName(): string {
    return this.llm.name;
  }

  async plan(request: QueryRequestedV1): Promise<HandlerOutcome> {
    const { query_id: queryId } = request;
    if (Date.now() >= request.deadline) {
      await this.events.emit(queryId, { event_type: 'error', code: 'deadline_exceeded', error: 'the query expired before it could be planned' }, 'error');
      return Outcome.done();
    }
    await this.events.emit(queryId, { event_type: 'planning' }, 'planning');

    const wanted = (request.sources ?? request.available_sources).filter((id) => request.available_sources.includes(id));
    // The digest asks every source it names: what changed is not something to plan around.
    const { plan, usage } =
      request.kind === 'digest'
        ? { plan: { sources: wanted.map((source) => ({ source, confidence: 1, reasoning: 'the digest asks every configured source' })), reasoning: 'What changed since your previous login, from every configured source.' }, usage: [] }
        : await this.detect(request.query, wanted, request.registered_sources);

    // The synthesizer owns the deadline from here: publish the plan before any task.
    await this.publisher.publish(
      QUERY_PLANNED_V1,
      QUERY_PLANNED_V1,
      {
        query_id: queryId,
        query: request.query,
        plan,
        deadline: request.deadline,
        requested_at: request.requested_at,
        tenant_id: request.tenant_id,
        ...(usage.length ? { usage } : {}),
      },
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
            ...(request.history?.length ? { history: request.history } : {}),
            ...(request.digest ? { digest: request.digest } : {}),
          },
          `${queryId}:task:${source}`,
        ),
      ),
    );
    this.logger.info({ query_id: queryId, sources: plan.sources.map((s) => s.source), provider: this.llm.name }, 'query planned');
    return Outcome.done();
  }

  /**
   * Which of `sources` the question needs, with confidence and reasoning: by the model when one
   * is configured (the local provider answers if it fails), else by keyword scoring.
   */
  async detect(query: string, sources: readonly string[], registered: readonly RegisteredSource[] = []): Promise<{ plan: AgentPlan; usage: TokenUsage[] }> {
    const candidates = sources
      .map((id) => (getConnector(id) ? describeSource(getConnector(id)!) : registered.find((s) => s.id === id)))
      .filter((d): d is SourceDescriptor => d !== undefined);
    if (candidates.length === 0) return { plan: { sources: [], reasoning: 'none of the requested sources is available' }, usage: [] };
    const usage: TokenUsage[] = [];
    const end = this.metrics.llmCallDuration.startTimer({ provider: this.llm.name, role: 'plan' });
    const model = () => usage.at(-1)?.model ?? this.llm.name;
    try {
      const plan = await this.llm.planSources(query, candidates, {
        onUsage: (u) => {
          usage.push(u);
          countTokens(this.metrics, u);
        },
      });
      end({ outcome: 'success', model: model() });
      return { plan, usage };
    } catch (error) {
      end({ outcome: 'error', model: model() });
      throw error;
    }
  }
}
