import { Controller, Get } from '@nestjs/common';
import { AUTH_SUBJECTS, ClientDetails, CredentialStatus, Principal, SourceInfo } from '@mosaic/contracts';
import { RpcClient } from '@mosaic/messaging';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { SourcesService } from './sources.service';

@RequireScope('query')
@Controller()
export class SourcesController {
  constructor(
    private readonly sources: SourcesService,
    private readonly rpc: RpcClient,
  ) {}

  @Get('agent/sources')
  async list(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails): Promise<SourceInfo[]> {
    return this.sources.list(await this.storedFor(principal, client));
  }

  @Get('datasources')
  async datasources(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    return this.sources.datasources(await this.storedFor(principal, client));
  }

  /** Datasources the caller stored credentials for. */
  private async storedFor(principal: Principal, client: ClientDetails): Promise<Set<string>> {
    const stored = await this.rpc.call<CredentialStatus[]>(AUTH_SUBJECTS.listCredentials, { principal, client });
    return new Set(stored.map((s) => s.datasource));
  }
}
