import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DigestWindowV1, SOURCE_RESULT_V1, SourceResult, SourceTaskV1, ToolCallRecord } from '@mosaic/contracts';
import {
  annotationsAllowCaching,
  cacheableOutcome,
  CacheKeyParts,
  cacheKeys,
  cacheRuleFor,
  cacheScope,
  CallTimeoutError,
  CircuitOpenError,
  ConnectorDefinition,
  injectParameters,
  missingCredentials,
  ToolCacheRule,
  ToolCaller,
  ToolOutcome,
} from '@mosaic/connectors';
import { HandlerOutcome, JetStreamPublisher, Outcome, QueryEventsPublisher } from '@mosaic/messaging';
import { Logger, MosaicMetrics, SpanKind, withSpan } from '@mosaic/observability';
import { CONFIG, LOGGER, METRICS } from '@mosaic/runtime';
import { WorkerConfig } from '../config';
import { BoundConnector, ConnectorClient } from '../connector/connector-client.service';
import { SourceAnswer, SourceAnswerer } from './source-answerer.service';
import { ToolCacheRepository } from './tool-cache.repository';

/**
 * Answers one source's share of a query: calls the connector's MCP tools (each through the
 * circuit breaker of its credential set, with a timeout that aborts the call, bounded by the
 * query deadline; results served from the cache when the policy allows), reports progress as
 * events, and publishes exactly one result. Redelivered tasks republish under the same message
 * ids, so the stream drops the duplicates.
 */
@Injectable()
export class SourceTaskService implements OnApplicationShutdown {
  constructor(
    @Inject(CONFIG) private readonly config: WorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
    private readonly client: ConnectorClient,
    private readonly publisher: JetStreamPublisher,
    private readonly events: QueryEventsPublisher,
    private readonly cache: ToolCacheRepository,
    private readonly answerer: SourceAnswerer,
  ) {}

  /** `handedBack` aborts when a shutdown gave the task to another replica: stop, publish nothing. */
  async run(task: SourceTaskV1, handedBack: AbortSignal = new AbortController().signal): Promise<HandlerOutcome> {
    const { query_id: queryId, source } = task;
    if (!this.client.serves(source)) return Outcome.giveUp(`task for ${source} reached the ${this.client.id} worker`);
    if (Date.now() >= task.deadline) {
      // The synthesizer has already reported this source as timed out.
      this.logger.warn({ query_id: queryId, source }, 'task arrived after its deadline; dropped');
      return Outcome.done();
    }
    const started = Date.now();
    await this.events.emit(queryId, { event_type: 'source_start', source }, `source_start:${source}`);

    const toolCalls: ToolCallRecord[] = [];
    const deadline = new AbortController();
    const deadlineTimer = setTimeout(() => deadline.abort(), task.deadline - Date.now());
    const stopOnHandBack = () => deadline.abort(handedBack.reason);
    handedBack.addEventListener('abort', stopOnHandBack, { once: true });
    let result: SourceResult;
    let bound: BoundConnector | undefined;
    try {
      const { definition, credentials } = await this.client.target(task);
      const missing = missingCredentials(definition, credentials);
      if (missing.length) throw new Error(`${source} is not configured (missing ${missing.join(', ')})`);
      const connection = this.client.bind(credentials, definition, { allowWrites: task.allow_writes === true });
      bound = connection;
      // Fail fast, before any tool call (cached ones included): the server is known to be down.
      if (connection.breaker.state === 'open') throw new CircuitOpenError(source);
      const call = this.toolCaller(task, toolCalls, deadline.signal, credentials, connection, definition, handedBack);
      // Asked afresh each task: a registered server's tools are checked against their pins every time.
      const listTools = () =>
        connection.listTools({ timeoutMs: Math.max(1, Math.min(this.config.TOOL_CALL_TIMEOUT_MS, task.deadline - Date.now())), signal: deadline.signal, refresh: true });
      const answer = task.digest
        ? await digest(definition, task.digest, call, credentials)
        : await this.answerer.answer({ ...task, query: retrievalQuery(task) }, definition, call, credentials, { listTools }, deadline.signal);
      result = {
        source,
        success: true,
        summary: answer.summary,
        items: answer.items,
        tool_calls: toolCalls,
        duration_ms: Date.now() - started,
        ...(answer.usage.length ? { usage: answer.usage } : {}),
      };
      this.logger.info({ query_id: queryId, source, tier: answer.tier, items: answer.items.length }, 'source answered');
    } catch (error) {
      const message = deadline.signal.aborted ? `${source} timed out` : (error as Error).message;
      if (handedBack.aborted) this.logger.info({ query_id: queryId, source }, 'task handed back during shutdown');
      else this.logger.warn({ query_id: queryId, source, err: error }, 'source task failed');
      result = { source, success: false, error: message, summary: '', items: [], tool_calls: toolCalls, duration_ms: Date.now() - started };
    } finally {
      clearTimeout(deadlineTimer);
      handedBack.removeEventListener('abort', stopOnHandBack);
    }
    // Another replica owns the task now; whatever this one says would be a duplicate or wrong.
    if (handedBack.aborted) return Outcome.retry(0, 'handed back during shutdown');

    // Labelled by the worker's connector: registered servers (`mcp-*`, per tenant) share `mcp`.
    this.metrics.connectorTaskDuration.observe({ connector: this.client.id, outcome: result.success ? 'success' : 'failure' }, result.duration_ms / 1000);
    // source_complete before the result: once the result lands, `done` may follow at once.
    await this.events.emit(
      queryId,
      {
        event_type: 'source_complete',
        source,
        success: result.success,
        ...(result.error ? { error: result.error } : {}),
        items: result.items.length,
        duration_ms: result.duration_ms,
        ...(bound ? { breaker: bound.breaker.state } : {}),
      },
      `source_complete:${source}`,
    );
    await this.publisher.publish(SOURCE_RESULT_V1, SOURCE_RESULT_V1, { query_id: queryId, result }, `${queryId}:result:${source}`);
    return Outcome.done();
  }

  private toolCaller(
    task: SourceTaskV1,
    records: ToolCallRecord[],
    deadline: AbortSignal,
    credentials: Record<string, string>,
    bound: BoundConnector,
    definition: ConnectorDefinition,
    handedBack: AbortSignal,
  ): ToolCaller {
    const source = task.source;
    const cacheParts: CacheKeyParts = { scope: cacheScope(task), connector: source, credentialHash: bound.credentialHash };
    let sequence = 0;
    return async (tool, given) => {
      const n = sequence++;
      // Context the strategy left out (default project or owner, the question's time window).
      const args = injectParameters(definition.injections ?? [], tool, given, { query: task.query, credentials });
      await this.events.emit(task.query_id, { event_type: 'tool_start', source, tool }, `tool_start:${source}:${n}`);
      const started = Date.now();
      const rule = cacheRuleFor(tool);
      const cacheKey = rule.kind !== 'none' && this.cache.enabled ? cacheKeys.call(cacheParts, rule.kind, tool, args) : undefined;
      let outcome: ToolOutcome | undefined;
      let failure: Error | undefined;
      let cached = false;
      try {
        if (cacheKey && rule.kind !== 'none') {
          outcome = await this.cache.getOutcome(cacheKey, rule.kind);
          if (outcome) {
            cached = true;
            return outcome;
          }
        }
        outcome = await withSpan(`mcp ${source}.${tool}`, SpanKind.CLIENT, { 'mcp.connector': source, 'mcp.tool': tool }, () =>
          this.timed(this.client.id, this.client.catalog ? tool : 'registered', () => {
            deadline.throwIfAborted();
            const timeoutMs = Math.max(1, Math.min(this.config.TOOL_CALL_TIMEOUT_MS, task.deadline - Date.now()));
            return bound.call(tool, args, { timeoutMs, signal: deadline });
          }),
        );
        if (cacheKey) await this.remember(cacheKey, rule, tool, outcome, cacheParts, bound, deadline);
        return outcome;
      } catch (error) {
        failure = error as Error;
        throw error;
      } finally {
        const duration = Date.now() - started;
        const success = !failure && outcome?.ok === true;
        records.push({
          tool,
          arguments: args,
          success,
          duration_ms: duration,
          ...(success ? {} : { error: failure?.message ?? outcome?.text.slice(0, 500) ?? 'failed' }),
        });
        // After a hand-back the event ids belong to the replica that took over.
        if (!handedBack.aborted) {
          await this.events.emit(
            task.query_id,
            { event_type: 'tool_end', source, tool, success, duration_ms: duration, ...(cached ? { cached: true } : {}) },
            `tool_end:${source}:${n}`,
          );
        }
      }
    };
  }

  /** Times one call into the call-duration histogram, with an outcome an SRE can filter by. */
  private async timed(connector: string, tool: string, fn: () => Promise<ToolOutcome>): Promise<ToolOutcome> {
    const end = this.metrics.connectorCallDuration.startTimer({ connector, tool });
    try {
      const outcome = await fn();
      end({ outcome: outcome.ok ? 'success' : 'tool_error' });
      return outcome;
    } catch (error) {
      end({ outcome: error instanceof CircuitOpenError ? 'circuit_open' : error instanceof CallTimeoutError ? 'timeout' : 'error' });
      throw error;
    }
  }

  /**
   * Caches a successful result when its size allows and the server does not mark the tool as
   * writing (annotations from the tool list, itself cached for 300 s). Failures only cost the cache.
   */
  private async remember(
    key: string,
    rule: ToolCacheRule,
    tool: string,
    outcome: ToolOutcome,
    parts: CacheKeyParts,
    bound: BoundConnector,
    deadline: AbortSignal,
  ): Promise<void> {
    const json = cacheableOutcome(outcome);
    if (!json) return;
    try {
      const tools = await this.cache.toolList(parts, () => bound.listTools({ timeoutMs: this.config.TOOL_CALL_TIMEOUT_MS, signal: deadline }));
      if (!annotationsAllowCaching(tools, tool)) return;
    } catch (error) {
      this.logger.debug({ connector: parts.connector, tool, err: error }, 'tool list unavailable: result not cached');
      return;
    }
    await this.cache.putOutcome(key, json, rule.ttlSeconds);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}

/**
 * What to look for: the question, and in a chat the previous question too, so a follow-up
 * ("and for annual plans?") still finds what the conversation is about.
 */
export function retrievalQuery(task: SourceTaskV1): string {
  const previous = [...(task.history ?? [])].reverse().find((turn) => turn.role === 'user');
  return previous ? `${previous.content}\n${task.query}` : task.query;
}

/** The digest's share of one source: what changed in the window, by the connector's own strategy. */
async function digest(
  definition: ConnectorDefinition,
  window: DigestWindowV1,
  call: ToolCaller,
  credentials: Readonly<Record<string, string>>,
): Promise<SourceAnswer> {
  if (!definition.digestStrategy) return { items: [], summary: `${definition.metadata.name} has no digest.`, tier: 'direct', usage: [] };
  const result = await definition.digestStrategy(
    { since: window.since, until: window.until, ...(window.time_zone ? { timeZone: window.time_zone } : {}), ...(window.user_email ? { userEmail: window.user_email } : {}) },
    call,
    credentials,
  );
  return { ...result, tier: 'direct', usage: [] };
}
