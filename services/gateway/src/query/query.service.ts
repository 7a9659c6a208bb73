import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AgentEventV1,
  AgentQueryRequest,
  AgentQueryRequestSchema,
  AUTH_SUBJECTS,
  ClientDetails,
  DetectSourcesReply,
  DetectSourcesRequest,
  PLANNER_SUBJECTS,
  Principal,
  QUERY_REQUESTED_V1,
} from '@mosaic/contracts';
import { JetStreamPublisher, QueryEventsReader, RpcClient, SequencedEvent } from '@mosaic/messaging';
import { Logger } from '@mosaic/observability';
import { ApiError, CONFIG, LOGGER } from '@mosaic/runtime';
import { GatewayConfig } from '../config';
import { RegisteredSourcesService } from '../mcp-servers/registered-sources.service';
import { SourcesService } from '../sources/sources.service';
import { parseBody } from '../validation';
import { TokenBudgetService } from './token-budget.service';

export interface AcceptedQuery {
  queryId: string;
  deadline: number;
}

/** Grace beyond the query deadline before the gateway stops waiting for `done`. */
const DEADLINE_GRACE_MS = 10_000;

@Injectable()
export class QueryService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly publisher: JetStreamPublisher,
    private readonly reader: QueryEventsReader,
    private readonly sources: SourcesService,
    private readonly rpc: RpcClient,
    private readonly registered: RegisteredSourcesService,
    private readonly budget: TokenBudgetService,
  ) {}

  /** Validates a request body; throws a 400 `ApiError` naming every problem. */
  parse(body: unknown): AgentQueryRequest {
    return parseBody(AgentQueryRequestSchema, body);
  }

  /** Asks a planner which sources the question needs (the model's tokens count against the budget). */
  async detectSources(request: DetectSourcesRequest, principal: Principal, client: ClientDetails): Promise<DetectSourcesReply> {
    await this.budget.assertWithinBudget(principal.tenant_id);
    const registered = await this.registered.forCaller(principal, client);
    const usable = [...this.sources.enabledIds(), ...registered.map((s) => s.id)];
    if (request.available_sources) this.sources.assertUsable(request.available_sources, registered.map((s) => s.id));
    const sources = request.available_sources ?? usable;
    if (sources.length === 0) throw new ApiError(503, 'no_sources', 'no sources are enabled in this deployment');
    const wanted = registered.filter((s) => sources.includes(s.id));
    return this.rpc.call<DetectSourcesReply>(PLANNER_SUBJECTS.detect, {
      query: request.query,
      available_sources: sources,
      ...(wanted.length ? { registered_sources: wanted } : {}),
    }, this.config.DATASOURCE_TEST_TIMEOUT_MS);
  }

  /** Publishes the query durably; from here on it ends with exactly one `done` or `error`. */
  async submit(request: AgentQueryRequest, principal: Principal, client: ClientDetails = {}): Promise<AcceptedQuery> {
    await this.budget.assertWithinBudget(principal.tenant_id);
    const registered = await this.registered.forCaller(principal, client);
    if (request.sources) this.sources.assertUsable(request.sources, registered.map((s) => s.id));
    const available = [...this.sources.enabledIds(), ...registered.map((s) => s.id)];
    if (available.length === 0) throw new ApiError(503, 'no_sources', 'no sources are enabled in this deployment');
    const queryId = randomUUID();
    const now = Date.now();
    const deadline = now + this.config.QUERY_DEADLINE_MS;
    try {
      await this.publisher.publish(
        QUERY_REQUESTED_V1,
        QUERY_REQUESTED_V1,
        {
          query_id: queryId,
          query: request.query,
          ...(request.sources ? { sources: request.sources } : {}),
          ...(request.allow_writes ? { allow_writes: true } : {}),
          available_sources: available,
          ...(registered.length ? { registered_sources: registered } : {}),
          tenant_id: principal.tenant_id,
          user_id: principal.user_id,
          deadline,
          requested_at: now,
        },
        queryId,
      );
    } catch (error) {
      this.logger.error({ err: error, query_id: queryId }, 'could not publish query');
      throw new ApiError(503, 'messaging_unavailable', 'the query could not be queued; try again shortly', undefined, { cause: error });
    }
    this.logger.info({ query_id: queryId, tenant_id: principal.tenant_id, user_id: principal.user_id, sources: request.sources }, 'query accepted');
    // The audit trail of queries run; never delays or fails the query itself.
    void this.rpc
      .call(AUTH_SUBJECTS.recordAudit, { principal, client, action: 'query.run', target: queryId, details: { sources: request.sources ?? available, length: request.query.length, allow_writes: request.allow_writes === true } })
      .catch((error: unknown) => this.logger.warn({ err: error, query_id: queryId }, 'query audit record failed'));
    return { queryId, deadline };
  }

  /**
   * The query's events in order, ending with its terminal event. If no terminal event
   * arrives by the deadline plus a grace period, a synthetic `error` ends the stream.
   */
  async *events(accepted: AcceptedQuery, signal: AbortSignal, afterSeq?: number): AsyncGenerator<SequencedEvent> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), Math.max(0, accepted.deadline - Date.now()) + DEADLINE_GRACE_MS);
    const combined = AbortSignal.any([signal, timeout.signal]);
    let terminal = false;
    try {
      for await (const item of this.reader.read(accepted.queryId, { afterSeq, signal: combined })) {
        yield item;
        if (item.event.event_type === 'done' || item.event.event_type === 'error') {
          terminal = true;
          return;
        }
      }
    } finally {
      clearTimeout(timer);
    }
    if (!terminal && timeout.signal.aborted && !signal.aborted) {
      const event: AgentEventV1 = {
        event_type: 'error',
        code: 'deadline_exceeded',
        error: 'the query did not finish before its deadline',
        query_id: accepted.queryId,
        ts: Date.now(),
      };
      yield { seq: 0, event };
    }
  }
}
