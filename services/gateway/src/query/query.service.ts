import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AgentEventV1,
  AgentQueryRequest,
  AgentQueryRequestSchema,
  AUTH_SUBJECTS,
  ChatTurn,
  DigestWindowV1,
  ClientDetails,
  isInternalEvent,
  QueryKind,
  DetectSourcesReply,
  DetectSourcesRequest,
  PLANNER_SUBJECTS,
  Principal,
  QUERY_REQUESTED_V1,
} from '@mosaic/contracts';
import { JetStreamPublisher, QueryEventsPublisher, QueryEventsReader, RpcClient, SequencedEvent } from '@mosaic/messaging';
import { Logger } from '@mosaic/observability';
import { ApiError, CONFIG, LOGGER } from '@mosaic/runtime';
import { GatewayConfig } from '../config';
import { RegisteredSourcesService } from '../mcp-servers/registered-sources.service';
import { SourcesService } from '../sources/sources.service';
import { parseBody } from '../validation';
import { TokenBudgetService } from './token-budget.service';

/** What makes a run more than a plain agent query. */
export interface RunOptions {
  kind?: QueryKind;
  conversationId?: string;
  datasource?: string;
  history?: ChatTurn[];
  digest?: DigestWindowV1;
}

export interface AcceptedQuery {
  queryId: string;
  deadline: number;
}

/** Grace beyond the query deadline before the gateway stops waiting for `done`. */
const DEADLINE_GRACE_MS = 10_000;
/** A replay of a finished query ends after this long without a further event. */
const REPLAY_IDLE_MS = 1000;

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
    private readonly eventsPublisher: QueryEventsPublisher,
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
  async submit(request: AgentQueryRequest, principal: Principal, client: ClientDetails = {}, run: RunOptions = {}): Promise<AcceptedQuery> {
    await this.budget.assertWithinBudget(principal.tenant_id);
    const registered = await this.registered.forCaller(principal, client);
    if (request.sources) this.sources.assertUsable(request.sources, registered.map((s) => s.id));
    const available = [...this.sources.enabledIds(), ...registered.map((s) => s.id)];
    if (available.length === 0) throw new ApiError(503, 'no_sources', 'no sources are enabled in this deployment');
    const queryId = randomUUID();
    const now = Date.now();
    const deadline = now + this.config.QUERY_DEADLINE_MS;
    const kind = run.kind ?? 'agent';
    try {
      // First on the query's own event subject: whose query it is and what was asked, for
      // replays (ownership) and history. Never streamed to clients.
      await this.eventsPublisher.emit(
        queryId,
        {
          event_type: 'query_accepted',
          kind,
          question: request.query,
          tenant_id: principal.tenant_id,
          user_id: principal.user_id,
          ...(request.sources ? { sources: request.sources } : {}),
          ...(run.conversationId ? { conversation_id: run.conversationId } : {}),
          ...(run.datasource ? { datasource: run.datasource } : {}),
        },
        'query_accepted',
      );
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
          ...(kind !== 'agent' ? { kind } : {}),
          ...(run.history?.length ? { history: run.history } : {}),
          ...(run.digest ? { digest: run.digest } : {}),
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
   * The caller's query as the event stream records it (its first, internal event names the
   * owner): another user's query, an unknown id and one older than the stream's 24 h are all 404.
   */
  async ownedQuery(queryId: string, principal: Principal): Promise<AcceptedQuery> {
    const first = await this.reader.first(queryId);
    const accepted = first?.event.event_type === 'query_accepted' ? first.event : undefined;
    if (!accepted || accepted.tenant_id !== principal.tenant_id || accepted.user_id !== principal.user_id) {
      throw new ApiError(404, 'not_found', 'no such query (events are kept for 24 hours)');
    }
    return { queryId, deadline: accepted.ts + this.config.QUERY_DEADLINE_MS };
  }

  /**
   * The events of a query the caller owns after `afterSeq` (each once, in order), then the live
   * tail until its terminal event; for a query long finished, what the stream holds.
   */
  async *replay(accepted: AcceptedQuery, signal: AbortSignal, afterSeq?: number): AsyncGenerator<SequencedEvent> {
    if (Date.now() < accepted.deadline + DEADLINE_GRACE_MS) {
      yield* this.events(accepted, signal, afterSeq);
      return;
    }
    // Past its deadline the query has ended: stop once the stream has nothing more for it.
    const idle = new AbortController();
    let timer = setTimeout(() => idle.abort(), REPLAY_IDLE_MS);
    try {
      for await (const item of this.reader.read(accepted.queryId, { afterSeq, signal: AbortSignal.any([signal, idle.signal]) })) {
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(), REPLAY_IDLE_MS);
        if (!isInternalEvent(item.event)) yield item;
      }
    } finally {
      clearTimeout(timer);
    }
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
        if (isInternalEvent(item.event)) continue;
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
