import { Controller, Get } from '@nestjs/common';
import { AUTH_SUBJECTS, ClientDetails, CredentialStatus, Principal, SourceInfo } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { SourcesService } from './sources.service';

@RequireScope('query')
@Controller('agent')
export class SourcesController {
  constructor(
    private readonly sources: SourcesService,
    private readonly rpc: RpcClient,
  ) {}

  @Get('sources')
  async list(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails): Promise<SourceInfo[]> {
    const stored = await this.rpc.call<CredentialStatus[]>(AUTH_SUBJECTS.listCredentials, { principal, client });
    return this.sources.list(new Set(stored.map((s) => s.datasource)));
  }
}
