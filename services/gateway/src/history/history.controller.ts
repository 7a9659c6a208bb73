import { Controller, Delete, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ClientDetails, ConversationSummary, ConversationView, HISTORY_SUBJECTS, Principal, QueryRunView } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { MosaicMetrics } from '@mosaic/observability';
import { ApiError, CONFIG, METRICS } from '@mosaic/runtime';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { GatewayConfig } from '../config';
import { QueryService } from '../query/query.service';
import { uuidOr404 } from '../validation';
import { abortOnClose, eventItems, resumeAfter, writeSse } from '../sse/sse.writer';

/** Ids that are not UUIDs name nothing: 404, like another user's. */
const notFoundUnlessUuid = uuidOr404('not found');

/** The caller's own history: conversations, query runs, and the replay of a query's events. */
@RequireScope('query')
@Controller()
export class HistoryController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly queries: QueryService,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('conversations')
  conversations(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails, @Query('limit') limit?: string, @Query('before') before?: string) {
    return this.rpc.call<ConversationSummary[]>(HISTORY_SUBJECTS.listConversations, { principal, client, ...page(limit, before) }, 10_000);
  }

  @Get('conversations/:id')
  conversation(@Param('id', notFoundUnlessUuid) id: string, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    return this.rpc.call<ConversationView>(HISTORY_SUBJECTS.getConversation, { principal, client, id }, 10_000);
  }

  @Delete('conversations/:id')
  deleteConversation(@Param('id', notFoundUnlessUuid) id: string, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    return this.rpc.call<{ message: string }>(HISTORY_SUBJECTS.deleteConversation, { principal, client, id }, 10_000);
  }

  @Get('queries')
  runs(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails, @Query('limit') limit?: string, @Query('before') before?: string) {
    return this.rpc.call<QueryRunView[]>(HISTORY_SUBJECTS.listQueries, { principal, client, ...page(limit, before) }, 10_000);
  }

  @Get('queries/:id')
  run(@Param('id', notFoundUnlessUuid) id: string, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    return this.rpc.call<QueryRunView>(HISTORY_SUBJECTS.getQuery, { principal, client, id }, 10_000);
  }

  /**
   * A query's events as SSE: those after `Last-Event-ID` (or `?after=`), each once and in order,
   * then the live tail until `done` or `error`. Works from any gateway instance, for 24 hours.
   */
  @Get('queries/:id/events')
  async events(
    @Param('id', notFoundUnlessUuid) id: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query('after') after: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const afterSeq = resumeAfter(lastEventId, after);
    if (Number.isNaN(afterSeq)) throw new ApiError(400, 'validation_error', 'Last-Event-ID (or after) must be an event id from this stream');
    const accepted = await this.queries.ownedQuery(id, principal);
    const items = this.queries.replay(accepted, abortOnClose(reply), afterSeq);
    await writeSse(reply, eventItems(items), { metrics: this.metrics, heartbeatMs: this.config.SSE_HEARTBEAT_MS, headers: { 'X-Query-Id': id } });
  }
}

function page(limit: string | undefined, before: string | undefined): { limit: number; before?: string } {
  const n = limit === undefined ? 50 : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new ApiError(400, 'validation_error', 'limit must be an integer from 1 to 200');
  if (before !== undefined && Number.isNaN(Date.parse(before))) throw new ApiError(400, 'validation_error', 'before must be an ISO timestamp');
  return { limit: n, ...(before ? { before: new Date(before).toISOString() } : {}) };
}
