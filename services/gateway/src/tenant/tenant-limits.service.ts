import { Inject, Injectable } from '@nestjs/common';
import { AUTH_SUBJECTS, TenantLimits } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { CONFIG } from '@mosaic/runtime';
import { RateLimit } from '@mosaic/security';
import { GatewayConfig } from '../config';

/** A tenant's limits are read from auth at most this often per gateway. */
const CACHE_MS = 30_000;

/** Rate limits per tenant: the tenant's own settings, else the deployment defaults. */
@Injectable()
export class TenantLimitsService {
  private readonly cache = new Map<string, { limits: TenantLimits; until: number }>();

  constructor(
    private readonly rpc: RpcClient,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  async rateLimits(tenantId: string): Promise<RateLimit[]> {
    const limits = await this.tenantLimits(tenantId);
    const perMinute = limits.rate_limit_per_minute ?? this.config.RATE_LIMIT_PER_MINUTE;
    const perHour = limits.rate_limit_per_hour ?? this.config.RATE_LIMIT_PER_HOUR;
    return [
      { name: 'minute', capacity: perMinute, refillPerSecond: perMinute / 60 },
      { name: 'hour', capacity: perHour, refillPerSecond: perHour / 3600 },
    ];
  }

  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  private async tenantLimits(tenantId: string): Promise<TenantLimits> {
    const cached = this.cache.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.limits;
    const limits = await this.rpc.call<TenantLimits>(AUTH_SUBJECTS.tenantLimits, { tenant_id: tenantId });
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(tenantId, { limits, until: Date.now() + CACHE_MS });
    return limits;
  }
}
