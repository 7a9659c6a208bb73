import { Controller, Get, Query } from '@nestjs/common';
import { AuditEntryView, AUTH_SUBJECTS, ClientDetails, Principal } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { ApiError } from '@mosaic/runtime';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';

/** The tenant's audit log, for tenant admins. */
@RequireScope('admin')
@Controller('audit')
export class AuditController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @ClientInfo() client: ClientDetails,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ) {
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new ApiError(400, 'validation_error', 'limit must be an integer from 1 to 500');
    if (before !== undefined && Number.isNaN(Date.parse(before))) throw new ApiError(400, 'validation_error', 'before must be an ISO timestamp');
    return this.rpc.call<AuditEntryView[]>(AUTH_SUBJECTS.listAudit, { principal, client, limit: n, ...(before ? { before: new Date(before).toISOString() } : {}) });
  }
}
