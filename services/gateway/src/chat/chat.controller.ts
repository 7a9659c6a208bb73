import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AgentEventV1, ChatMessageRequestSchema, ClientDetails, Principal } from '@mosaic/contracts';
import { MosaicMetrics } from '@mosaic/observability';
import { ApiError, CONFIG, METRICS } from '@mosaic/runtime';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { GatewayConfig } from '../config';
import { QueryService } from '../query/query.service';
import { abortOnClose, SseItem, writeSse } from '../sse/sse.writer';
import { parseBody } from '../validation';
import { ChatService } from './chat.service';

/** Single-source chat with history (seed §10.2). */
@RequireScope('query')
@Controller('chat')
export class ChatController {
  constructor(
    private readonly chat: ChatService,
    private readonly queries: QueryService,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('message')
  @HttpCode(200)
  async message(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails, @Res({ passthrough: true }) reply: FastifyReply) {
    const turn = await this.chat.start(parseBody(ChatMessageRequestSchema, body), principal, client);
    reply.header('X-Query-Id', turn.queryId);
    for await (const { event } of this.queries.events(turn, abortOnClose(reply))) {
      if (event.event_type === 'done') {
        const { result } = event;
        return {
          response: result.response,
          session_id: turn.sessionId,
          query_id: turn.queryId,
          sources: result.citations,
          citations: result.citations,
          success: result.failed_sources.length === 0,
          ...(result.failed_sources.length ? { error: result.source_results.find((r) => !r.success)?.error } : {}),
        };
      }
      if (event.event_type === 'error') throw new ApiError(event.code === 'deadline_exceeded' ? 504 : 502, event.code, event.error);
    }
    throw new ApiError(499, 'client_closed', 'client closed the connection');
  }

  @Post('message/stream')
  async stream(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails, @Res() reply: FastifyReply): Promise<void> {
    const turn = await this.chat.start(parseBody(ChatMessageRequestSchema, body), principal, client);
    const events = this.queries.events(turn, abortOnClose(reply));
    await writeSse(reply, chatEvents(turn.sessionId, turn.queryId, events), {
      metrics: this.metrics,
      heartbeatMs: this.config.SSE_HEARTBEAT_MS,
      headers: { 'X-Query-Id': turn.queryId },
    });
  }
}

/**
 * The agent events of a chat turn as the seed's chat events: `session_id` first, the answer as
 * `chunk`s, tools and thinking as they happen, then `done` with the citations, or `error`.
 */
export async function* chatEvents(sessionId: string, queryId: string, events: AsyncIterable<{ seq: number; event: AgentEventV1 }>): AsyncGenerator<SseItem> {
  yield { seq: 0, data: { type: 'session_id', session_id: sessionId, query_id: queryId } };
  for await (const { seq, event } of events) {
    switch (event.event_type) {
      case 'thinking_start':
      case 'thinking_end':
        yield { seq, data: { type: event.event_type } };
        break;
      case 'thinking':
        yield { seq, data: { type: 'thinking', content: event.content } };
        break;
      case 'synthesis_chunk':
        yield { seq, data: { type: 'chunk', content: event.chunk } };
        break;
      case 'tool_start':
        yield { seq, data: { type: 'tool_start', tool: event.tool } };
        break;
      case 'tool_end':
        yield { seq, data: { type: 'tool_end', tool: event.tool, success: event.success } };
        break;
      case 'done': {
        const { result } = event;
        const failed = result.source_results.find((r) => !r.success);
        yield {
          seq,
          data: {
            type: 'done',
            metadata: { session_id: sessionId, query_id: queryId, citations: result.citations, usage: result.usage, duration_ms: result.duration_ms, ...(failed ? { error: failed.error } : {}) },
          },
        };
        break;
      }
      case 'error':
        yield { seq, data: { type: 'error', error: event.error, code: event.code } };
        break;
      default:
        break;
    }
  }
}
