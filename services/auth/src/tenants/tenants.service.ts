import { Inject, Injectable } from '@nestjs/common';
import { AuthRequest, AUTH_SUBJECTS, TenantLimits } from '@mosaic/contracts';
import { RpcError } from '@mosaic/messaging';
import { MikroORM, Tenant, withTenant } from '@mosaic/persistence';
import { AuditService } from '../audit/audit.service';
import { client } from '../identity/identity.service';
import { ORM } from '../persistence.provider';

const toLimits = (tenant: Tenant): TenantLimits => ({
  rate_limit_per_minute: tenant.rateLimitPerMinute ?? null,
  rate_limit_per_hour: tenant.rateLimitPerHour ?? null,
});

/** Per-tenant settings; `null` means the deployment default. */
@Injectable()
export class TenantsService {
  constructor(
    @Inject(ORM) private readonly orm: MikroORM,
    private readonly audit: AuditService,
  ) {}

  async limits(tenantId: string): Promise<TenantLimits> {
    const tenant = await withTenant(this.orm, tenantId, (em) => em.findOne(Tenant, tenantId));
    if (!tenant) throw new RpcError(404, 'not_found', 'tenant not found');
    return toLimits(tenant);
  }

  async updateLimits(rpc: AuthRequest<typeof AUTH_SUBJECTS.updateTenantLimits>): Promise<TenantLimits> {
    const { principal, request } = rpc;
    if (principal.role !== 'admin' || !principal.scopes.includes('admin')) throw new RpcError(403, 'forbidden', 'only tenant admins may change limits');
    const tenant = await withTenant(this.orm, principal.tenant_id, async (em) => {
      const t = await em.findOneOrFail(Tenant, principal.tenant_id);
      if (request.rate_limit_per_minute !== undefined) t.rateLimitPerMinute = request.rate_limit_per_minute;
      if (request.rate_limit_per_hour !== undefined) t.rateLimitPerHour = request.rate_limit_per_hour;
      return t;
    });
    await this.audit.record({ tenantId: principal.tenant_id, userId: principal.user_id, action: 'tenant.limits.update', outcome: 'success', details: request, ...client(rpc.client) });
    return toLimits(tenant);
  }
}
