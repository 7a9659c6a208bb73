import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AUTH_SUBJECTS, ClientDetails, CredentialStatus, Principal, UserView } from '@mosaic/contracts';
import { getConnector } from '@mosaic/connectors';
import { RpcClient } from '@mosaic/messaging';
import { ApiError, CONFIG } from '@mosaic/runtime';
import { GatewayConfig } from '../config';
import { GATEWAY_REDIS } from '../health/dependencies';
import { AcceptedQuery, QueryService } from '../query/query.service';
import { SourcesService } from '../sources/sources.service';

/** When the user has never logged in before, the digest covers the last day. */
const FIRST_DIGEST_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface DigestPlan {
  since: string;
  until: string;
  sources: string[];
  cacheKey: string;
}

/**
 * "What you missed": what changed in the caller's configured sources since their previous
 * login, through the same planner, workers and synthesizer as any query, cached per user.
 */
@Injectable()
export class DigestService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_REDIS) private readonly redis: Redis,
    private readonly queries: QueryService,
    private readonly sources: SourcesService,
    private readonly rpc: RpcClient,
  ) {}

  async plan(principal: Principal, client: ClientDetails, timeZone: string | undefined): Promise<DigestPlan & { email: string }> {
    if (timeZone !== undefined && !isTimeZone(timeZone)) throw new ApiError(400, 'validation_error', `tz must be an IANA time zone such as Europe/Lisbon, not ${JSON.stringify(timeZone)}`);
    const [me, stored] = await Promise.all([
      this.rpc.call<UserView>(AUTH_SUBJECTS.me, { principal, client }),
      this.rpc.call<CredentialStatus[]>(AUTH_SUBJECTS.listCredentials, { principal, client }),
    ]);
    const until = new Date();
    const since = me.previous_login ?? new Date(until.getTime() - FIRST_DIGEST_WINDOW_MS).toISOString();
    const configured = this.sources
      .list(new Set(stored.map((s) => s.datasource)))
      .filter((s) => s.enabled && s.configured && getConnector(s.id)?.digestStrategy)
      .map((s) => s.id);
    const cacheKey = `mosaic:digest:{${principal.tenant_id}}:${principal.user_id}:${since}:${timeZone ?? 'UTC'}:${configured.join(',')}`;
    return { since, until: until.toISOString(), sources: configured, cacheKey, email: me.email };
  }

  async submit(plan: DigestPlan & { email: string }, principal: Principal, client: ClientDetails, timeZone: string | undefined): Promise<AcceptedQuery> {
    const names = plan.sources.map((id) => getConnector(id)?.metadata.name ?? id).join(', ');
    return this.queries.submit({ query: `What changed in ${names} since ${plan.since}?`, sources: plan.sources }, principal, client, {
      kind: 'digest',
      digest: { since: plan.since, until: plan.until, user_email: plan.email, ...(timeZone ? { time_zone: timeZone } : {}) },
    });
  }

  async cached(plan: DigestPlan): Promise<unknown> {
    const raw = await this.redis.get(plan.cacheKey).catch(() => null);
    return raw ? (JSON.parse(raw) as unknown) : undefined;
  }

  async remember(plan: DigestPlan, digest: unknown): Promise<void> {
    await this.redis.set(plan.cacheKey, JSON.stringify(digest), 'EX', this.config.DIGEST_CACHE_SECONDS).catch(() => undefined);
  }
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
