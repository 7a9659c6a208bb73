import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Citation, MultiSourceResponse, QueryPlannedV1, SourceResult, SourceResultV1, TokenUsageV1 } from '@mosaic/contracts';
import { getConnector } from '@mosaic/connectors';
import { countTokens, LlmProvider, summarizeUsage, TokenUsage } from '@mosaic/llm';
import { HandlerOutcome, Outcome, QueryEventsPublisher } from '@mosaic/messaging';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { LOGGER, METRICS } from '@mosaic/runtime';
import { QueryStateRepository } from './query-state.repository';

export const LLM_PROVIDER = Symbol('LLM_PROVIDER');

/** How often a held plan is looked at again before its deadline. */
const PLAN_RECHECK_MS = 1000;
/** Retry delay when another replica is finishing the query. */
const LEASE_RETRY_MS = 2000;

/**
 * Gathers per-source results and, once every planned source has answered or the
 * deadline has passed, streams the cited answer and exactly one `done`.
 */
@Injectable()
export class SynthesizerService {
  private readonly instanceId = randomUUID();

  constructor(
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
    private readonly state: QueryStateRepository,
    private readonly events: QueryEventsPublisher,
  ) {}

  /** The plan message stays with us until the query is done: it carries the deadline. */
  async onPlanned(planned: QueryPlannedV1): Promise<HandlerOutcome> {
    if (await this.state.isDone(planned.query_id)) return Outcome.done();
    await this.state.savePlan(planned);
    const deadlinePassed = Date.now() >= planned.deadline;
    const finished = await this.tryFinish(planned.query_id, deadlinePassed);
    if (finished === 'done') return Outcome.done();
    if (finished === 'busy') return Outcome.retry(LEASE_RETRY_MS, 'another replica is finishing the query');
    // Look again soon: once the results finished the query this acks the plan, so plans do
    // not pile up unacknowledged until their deadlines.
    const untilDeadline = Math.max(50, planned.deadline - Date.now() + 50);
    return Outcome.retry(Math.min(PLAN_RECHECK_MS, untilDeadline), 'waiting for sources until the deadline');
  }

  async onResult(message: SourceResultV1): Promise<HandlerOutcome> {
    if (await this.state.isDone(message.query_id)) return Outcome.done();
    await this.state.saveResult(message.query_id, message.result);
    const finished = await this.tryFinish(message.query_id, false);
    return finished === 'busy' ? Outcome.retry(LEASE_RETRY_MS, 'another replica is finishing the query') : Outcome.done();
  }

  /**
   * Finishes the query when all planned sources answered (or `force`, at the deadline).
   * `waiting`: not yet; `busy`: another replica holds the lease; `done`: finished.
   */
  private async tryFinish(queryId: string, force: boolean): Promise<'waiting' | 'busy' | 'done'> {
    const planned = await this.state.plan(queryId);
    if (!planned) return 'waiting';
    const results = await this.state.results(queryId);
    const missing = planned.plan.sources.map((s) => s.source).filter((s) => !results.has(s));
    if (missing.length > 0 && !force) return 'waiting';
    if (await this.state.isDone(queryId)) return 'done';
    if (!(await this.state.acquireLease(queryId, this.instanceId))) return 'busy';

    for (const source of missing) {
      const timedOut: SourceResult = {
        source,
        success: false,
        error: `${source} did not answer before the query deadline`,
        summary: '',
        items: [],
        tool_calls: [],
        duration_ms: planned.deadline - planned.requested_at,
      };
      results.set(source, timedOut);
      await this.events.emit(
        queryId,
        { event_type: 'source_complete', source, success: false, error: timedOut.error, items: 0, duration_ms: timedOut.duration_ms },
        `source_complete:${source}`,
      );
    }
    await this.finish(planned, planned.plan.sources.map((s) => results.get(s.source)!));
    await this.state.markDone(queryId);
    return 'done';
  }

  private async finish(planned: QueryPlannedV1, results: SourceResult[]): Promise<void> {
    const queryId = planned.query_id;
    await this.events.emit(queryId, { event_type: 'synthesizing' }, 'synthesizing');
    const sourceNames = Object.fromEntries(results.map((r) => [r.source, getConnector(r.source)?.metadata.name ?? r.source]));
    let response = '';
    let citations: Citation[] = [];
    let chunk = 0;
    let thought = 0;
    const usage: TokenUsageV1[] = [...(planned.usage ?? []), ...results.flatMap((r) => r.usage ?? [])];
    let model: string | undefined;
    const onUsage = (u: TokenUsage) => {
      usage.push(u);
      model = u.model;
      countTokens(this.metrics, u);
    };
    const endSynthesis = this.metrics.llmCallDuration.startTimer({ provider: this.llm.name, role: 'synthesis' });
    try {
      for await (const delta of this.llm.synthesize({ query: planned.query, plan: planned.plan, results, sourceNames }, { onUsage })) {
        switch (delta.type) {
          case 'citations':
            citations = delta.citations;
            break;
          case 'text':
            response += delta.text;
            await this.events.emit(queryId, { event_type: 'synthesis_chunk', chunk: delta.text }, `synthesis_chunk:${chunk++}`);
            break;
          case 'thinking_start':
          case 'thinking_end':
            await this.events.emit(queryId, { event_type: delta.type }, delta.type);
            break;
          case 'thinking':
            await this.events.emit(queryId, { event_type: 'thinking', content: delta.text }, `thinking:${thought++}`);
            break;
        }
      }
    } catch (error) {
      endSynthesis({ outcome: 'error', model: model ?? this.llm.name });
      throw error;
    }
    endSynthesis({ outcome: 'success', model: model ?? this.llm.name });
    const result: MultiSourceResponse = {
      query_id: queryId,
      response: response.trimEnd(),
      source_results: results,
      successful_sources: results.filter((r) => r.success).map((r) => r.source),
      failed_sources: results.filter((r) => !r.success).map((r) => r.source),
      plan: planned.plan,
      citations,
      duration_ms: Date.now() - planned.requested_at,
      ...(usage.length ? { usage: summarizeUsage(usage) } : {}),
    };
    if (usage.length && planned.tenant_id) {
      const tokens = usage.reduce((sum, u) => sum + u.input_tokens + u.output_tokens, 0);
      await this.state.addTenantTokens(planned.tenant_id, tokens);
    }
    await this.events.emit(queryId, { event_type: 'done', result }, 'done');
    const outcome = result.failed_sources.length === 0 ? 'success' : result.successful_sources.length ? 'partial' : 'failure';
    this.logger.info({ query_id: queryId, outcome, citations: citations.length }, 'query answered');
    this.metrics.queryDuration.observe({ outcome }, result.duration_ms / 1000);
  }
}
