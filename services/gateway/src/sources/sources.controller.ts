import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AUTH_SUBJECTS, ClientDetails, ConnectorTestResult, connectorTestSubject, CredentialStatus, Principal, SourceInfo } from '@mosaic/contracts';
import { RpcClient, RpcError } from '@mosaic/messaging';
import { ApiError } from '@mosaic/runtime';
import { ClientInfo, CurrentPrincipal, RequireScope } from '../auth/auth.decorators';
import { RegisteredSourcesService } from '../mcp-servers/registered-sources.service';
import { SourcesService } from './sources.service';

@RequireScope('query')
@Controller()
export class SourcesController {
  constructor(
    private readonly sources: SourcesService,
    private readonly rpc: RpcClient,
    private readonly registered: RegisteredSourcesService,
  ) {}

  @Get('agent/sources')
  async list(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails): Promise<SourceInfo[]> {
    return this.sources.list(await this.storedFor(principal, client), await this.registered.forCaller(principal, client));
  }

  @Get('datasources')
  async datasources(@CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails) {
    return this.sources.datasources(await this.storedFor(principal, client), await this.registered.forCaller(principal, client));
  }

  /**
   * Checks the caller's credentials for one datasource with one cheap real call, made by a
   * worker of that connector. 200 either way; `ok` and `error` say how it went.
   */
  @Post('datasources/:id/test')
  @HttpCode(200)
  async test(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @ClientInfo() client: ClientDetails): Promise<ConnectorTestResult> {
    this.sources.assertTestable(id);
    let result: ConnectorTestResult;
    try {
      result = await this.rpc.call<ConnectorTestResult>(
        connectorTestSubject(id),
        { tenant_id: principal.tenant_id, user_id: principal.user_id },
        this.sources.testTimeoutMs,
      );
    } catch (error) {
      if (error instanceof RpcError && error.status === 503) {
        throw new ApiError(503, 'dependency_unavailable', `no ${id} connector worker answered; is one running?`, undefined, { cause: error });
      }
      throw error;
    }
    void this.rpc
      .call(AUTH_SUBJECTS.recordAudit, { principal, client, action: 'datasource.test', target: id, details: { ok: result.ok, credentials: result.credentials } })
      .catch(() => undefined);
    return result;
  }

  /** Datasources the caller stored credentials for. */
  private async storedFor(principal: Principal, client: ClientDetails): Promise<Set<string>> {
    const stored = await this.rpc.call<CredentialStatus[]>(AUTH_SUBJECTS.listCredentials, { principal, client });
    return new Set(stored.map((s) => s.datasource));
  }
}
