import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { tenantTokensKey, utcDay } from '@mosaic/contracts';
import { MosaicMetrics } from '@mosaic/observability';
import { ApiError, CONFIG, METRICS } from '@mosaic/runtime';
import { GatewayConfig } from '../config';
import { GATEWAY_REDIS } from '../health/dependencies';

/**
 * The tenant's daily model-token budget (`LLM_TOKEN_BUDGET_DAILY`, 0: none). Checked before a
 * query is accepted; the synthesizer counts what each query used. A query in flight when the
 * budget runs out still finishes; the next one is refused until the UTC day ends.
 */
@Injectable()
export class TokenBudgetService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(GATEWAY_REDIS) private readonly redis: Redis,
    @Inject(METRICS) private readonly metrics: MosaicMetrics,
  ) {}

  async assertWithinBudget(tenantId: string, now = new Date()): Promise<void> {
    const budget = this.config.LLM_TOKEN_BUDGET_DAILY;
    if (budget === 0) return;
    let used: number;
    try {
      used = Number((await this.redis.get(tenantTokensKey(tenantId, utcDay(now)))) ?? 0);
    } catch (error) {
      // Like rate limits: without Redis the budget cannot be checked, so nothing is spent.
      throw new ApiError(503, 'dependency_unavailable', 'the token budget cannot be checked right now; try again shortly', undefined, { cause: error });
    }
    if (used < budget) return;
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    const retryAfter = Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
    this.metrics.countRateLimitRejection('token_budget');
    throw new ApiError(429, 'token_budget_exceeded', `the tenant has used its daily budget of ${budget} model tokens; it resets at 00:00 UTC`, undefined, {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}
