import { Body, Controller, Get, Patch } from '@nestjs/common';
import { AUTH_SUBJECTS, ClientDetails, Principal, TenantLimits, UpdateTenantLimitsRequestSchema } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { parseBody } from '../validation';
import { TenantLimitsService } from './tenant-limits.service';

/** The caller's tenant settings: rate limits (`null` = deployment default). */
@RequireScope('admin')
@Controller('tenant')
export class TenantController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly limits: TenantLimitsService,
  ) {}

  @Get('limits')
  get(@CurrentPrincipal() principal: Principal) {
    return this.rpc.call<TenantLimits>(AUTH_SUBJECTS.tenantLimits, { tenant_id: principal.tenant_id });
  }

  @Patch('limits')
  async update(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    const request = parseBody(UpdateTenantLimitsRequestSchema, body);
    const updated = await this.rpc.call<TenantLimits>(AUTH_SUBJECTS.updateTenantLimits, { principal, client, request });
    this.limits.forget(principal.tenant_id);
    return updated;
  }
}
