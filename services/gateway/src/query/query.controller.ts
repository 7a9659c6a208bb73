import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ClientDetails, DetectSourcesReply, DetectSourcesRequestSchema, MultiSourceResponse, Principal } from '@mosaic/contracts';
import { MosaicMetrics } from '@mosaic/observability';
import { ApiError, CONFIG, METRICS } from '@mosaic/runtime';
import { GatewayConfig } from '../config';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { parseBody } from '../validation';
import { abortOnClose, eventItems, writeSse } from '../sse/sse.writer';
import { QueryService } from './query.service';

@RequireScope('query')
@Controller('agent')
export class QueryController {
  constructor(
    private readonly queries: QueryService,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Which of the caller's sources a question needs (seed §10.3), without running it. */
  @Post('detect-sources')
  @HttpCode(200)
  detectSources(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails): Promise<DetectSourcesReply> {
    return this.queries.detectSources(parseBody(DetectSourcesRequestSchema, body), principal, client);
  }

  /** Runs a query and answers with the whole `MultiSourceResponse`. */
  @Post('query')
  @HttpCode(200)
  async query(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @ClientInfo() client: ClientDetails,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MultiSourceResponse> {
    const parsed = this.queries.parse(body);
    const accepted = await this.queries.submit(parsed, principal, client);
    reply.header('X-Query-Id', accepted.queryId);
    const disconnected = abortOnClose(reply);
    for await (const { event } of this.queries.events(accepted, disconnected)) {
      if (event.event_type === 'done') return event.result;
      if (event.event_type === 'error') {
        const status = event.code === 'deadline_exceeded' ? 504 : 502;
        throw new ApiError(status, event.code, event.error);
      }
    }
    throw new ApiError(499, 'client_closed', 'client closed the connection');
  }

  /** Runs a query and streams its events as Server-Sent Events. */
  @Post('query/stream')
  async stream(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @ClientInfo() client: ClientDetails,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const parsed = this.queries.parse(body);
    const accepted = await this.queries.submit(parsed, principal, client);
    const disconnected = abortOnClose(reply);
    await writeSse(reply, eventItems(this.queries.events(accepted, disconnected)), {
      metrics: this.metrics,
      heartbeatMs: this.config.SSE_HEARTBEAT_MS,
      headers: { 'X-Query-Id': accepted.queryId },
    });
  }
}
