import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ClientDetails, MultiSourceResponse, Principal } from '@mosaic/contracts';
import { MosaicMetrics } from '@mosaic/observability';
import { ApiError, CONFIG, METRICS } from '@mosaic/runtime';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { GatewayConfig } from '../config';
import { QueryService } from '../query/query.service';
import { abortOnClose, eventItems, writeSse } from '../sse/sse.writer';
import { DigestService } from './digest.service';

export interface DigestResponse {
  since: string;
  until: string;
  sources: string[];
  cached: boolean;
  result: MultiSourceResponse | null;
}

/** "What you missed" since the previous login (seed §2, §4), grouped by source, with citations. */
@RequireScope('query')
@Controller('digest')
export class DigestController {
  constructor(
    private readonly digest: DigestService,
    private readonly queries: QueryService,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  async get(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails, @Res({ passthrough: true }) reply: FastifyReply, @Query('tz') tz?: string): Promise<DigestResponse> {
    const plan = await this.digest.plan(principal, client, tz);
    const base = { since: plan.since, until: plan.until, sources: plan.sources };
    if (plan.sources.length === 0) return { ...base, cached: false, result: null };
    const cached = (await this.digest.cached(plan)) as DigestResponse | undefined;
    if (cached) return { ...cached, cached: true };
    const accepted = await this.digest.submit(plan, principal, client, tz);
    reply.header('X-Query-Id', accepted.queryId);
    for await (const { event } of this.queries.events(accepted, abortOnClose(reply))) {
      if (event.event_type === 'done') {
        const digest: DigestResponse = { ...base, cached: false, result: event.result };
        await this.digest.remember(plan, digest);
        return digest;
      }
      if (event.event_type === 'error') throw new ApiError(event.code === 'deadline_exceeded' ? 504 : 502, event.code, event.error);
    }
    throw new ApiError(499, 'client_closed', 'client closed the connection');
  }

  /** The digest as it is produced: the agent events of its query. */
  @Get('stream')
  async stream(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails, @Res() reply: FastifyReply, @Query('tz') tz?: string): Promise<void> {
    const plan = await this.digest.plan(principal, client, tz);
    if (plan.sources.length === 0) throw new ApiError(409, 'no_digest_sources', 'none of your configured sources has a digest (Files, Postgres, MySQL, Slack, GitHub, Jira, Google Workspace)');
    const accepted = await this.digest.submit(plan, principal, client, tz);
    const events = this.queries.events(accepted, abortOnClose(reply));
    await writeSse(reply, eventItems(events), { metrics: this.metrics, heartbeatMs: this.config.SSE_HEARTBEAT_MS, headers: { 'X-Query-Id': accepted.queryId } });
  }
}
