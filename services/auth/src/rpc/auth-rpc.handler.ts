import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  AUTH_QUEUE_GROUP,
  AUTH_RPC_SCHEMAS,
  AUTH_SUBJECTS,
  AuthRequest,
  AuthSubject,
  HISTORY_SUBJECTS,
  HistoryIdRpcSchema,
  ListHistoryRpcSchema,
  MCP_SERVER_RPC_SCHEMAS,
  MCP_SERVER_SUBJECTS,
  McpServerRequest,
  McpServerRpcSubject,
  Principal,
} from '@mosaic/contracts';
import { ZodTypeAny } from 'zod';
import { RpcBinding, RpcServer } from '@mosaic/messaging';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { LOGGER, METRICS, NATS_CONNECTION } from '@mosaic/runtime';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditService } from '../audit/audit.service';
import { CredentialsService } from '../credentials/credentials.service';
import { HistoryService } from '../history/history.service';
import { IdentityService } from '../identity/identity.service';
import { McpServersService } from '../mcp-servers/mcp-servers.service';
import { TenantsService } from '../tenants/tenants.service';

/** Binds every auth subject to its handler (core NATS request/reply, queue group `auth`). */
@Injectable()
export class AuthRpcHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: RpcServer;

  constructor(
    @Inject(NATS_CONNECTION) connection: NatsConnection,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) metrics: MosaicMetrics,
    private readonly identity: IdentityService,
    private readonly apiKeys: ApiKeysService,
    private readonly credentials: CredentialsService,
    private readonly audit: AuditService,
    private readonly tenants: TenantsService,
    private readonly mcpServers: McpServersService,
    private readonly history: HistoryService,
  ) {
    this.server = new RpcServer(connection, AUTH_QUEUE_GROUP, logger, metrics);
  }

  onApplicationBootstrap(): void {
    const handlers: { [S in AuthSubject]: (request: AuthRequest<S>) => Promise<unknown> } = {
      [AUTH_SUBJECTS.signup]: (r) => this.identity.signup(r),
      [AUTH_SUBJECTS.login]: (r) => this.identity.login(r),
      [AUTH_SUBJECTS.logout]: (r) => this.identity.logout(r.principal, r.client),
      [AUTH_SUBJECTS.me]: (r) => this.identity.me(r.principal),
      [AUTH_SUBJECTS.jwks]: async () => this.identity.jwks(),
      [AUTH_SUBJECTS.verifyApiKey]: (r) => this.apiKeys.verify(r.key),
      [AUTH_SUBJECTS.createApiKey]: (r) => this.apiKeys.create(r),
      [AUTH_SUBJECTS.listApiKeys]: (r) => this.apiKeys.list(r.principal),
      [AUTH_SUBJECTS.revokeApiKey]: (r) => this.apiKeys.revoke(r),
      [AUTH_SUBJECTS.saveCredentials]: (r) => this.credentials.save(r),
      [AUTH_SUBJECTS.credentialStatus]: (r) => this.credentials.status(r.principal, r.datasource),
      [AUTH_SUBJECTS.listCredentials]: (r) => this.credentials.list(r.principal),
      [AUTH_SUBJECTS.deleteCredentials]: (r) => this.credentials.delete(r),
      [AUTH_SUBJECTS.resolveCredentials]: (r) => this.credentials.resolve(r),
      [AUTH_SUBJECTS.recordAudit]: async (r) => {
        await this.audit.record({
          tenantId: r.principal.tenant_id,
          userId: r.principal.user_id,
          action: r.action,
          outcome: 'success',
          target: r.target,
          details: r.details,
          ip: r.client.ip,
          userAgent: r.client.user_agent,
        });
        return { recorded: true };
      },
      [AUTH_SUBJECTS.listAudit]: (r) => this.audit.list(r),
      [AUTH_SUBJECTS.createUser]: (r) => this.identity.createUser(r),
      [AUTH_SUBJECTS.listUsers]: (r) => this.identity.listUsers(r.principal),
      [AUTH_SUBJECTS.tenantLimits]: (r) => this.tenants.limits(r.tenant_id),
      [AUTH_SUBJECTS.updateTenantLimits]: (r) => this.tenants.updateLimits(r),
    };
    // `discover` is not here: a worker answers it.
    const mcpServerHandlers: { [S in McpServerRpcSubject]: (request: McpServerRequest<S>) => Promise<unknown> } = {
      [MCP_SERVER_SUBJECTS.create]: (r) => this.mcpServers.create(r),
      [MCP_SERVER_SUBJECTS.list]: (r) => this.mcpServers.list(r),
      [MCP_SERVER_SUBJECTS.get]: (r) => this.mcpServers.get(r),
      [MCP_SERVER_SUBJECTS.delete]: (r) => this.mcpServers.delete(r),
      [MCP_SERVER_SUBJECTS.approve]: (r) => this.mcpServers.approve(r),
      [MCP_SERVER_SUBJECTS.resolve]: (r) => this.mcpServers.resolve(r),
      [MCP_SERVER_SUBJECTS.reportDrift]: (r) => this.mcpServers.reportDrift(r),
    };
    type HistoryRequest = { principal: Principal; id: string; limit: number; before?: string };
    const historyHandlers: Record<string, (r: HistoryRequest) => Promise<unknown>> = {
      [HISTORY_SUBJECTS.listConversations]: (r) => this.history.listConversations(r.principal, r.limit, r.before),
      [HISTORY_SUBJECTS.getConversation]: (r) => this.history.getConversation(r.principal, r.id),
      [HISTORY_SUBJECTS.deleteConversation]: (r) => this.history.deleteConversation(r.principal, r.id),
      [HISTORY_SUBJECTS.listQueries]: (r) => this.history.listQueries(r.principal, r.limit, r.before),
      [HISTORY_SUBJECTS.getQuery]: (r) => this.history.getQuery(r.principal, r.id),
    };
    const historySchemas: Record<string, ZodTypeAny> = {
      [HISTORY_SUBJECTS.listConversations]: ListHistoryRpcSchema,
      [HISTORY_SUBJECTS.getConversation]: HistoryIdRpcSchema,
      [HISTORY_SUBJECTS.deleteConversation]: HistoryIdRpcSchema,
      [HISTORY_SUBJECTS.listQueries]: ListHistoryRpcSchema,
      [HISTORY_SUBJECTS.getQuery]: HistoryIdRpcSchema,
    };
    const bindings: RpcBinding[] = [
      ...Object.keys(historyHandlers).map((subject) => ({
        subject,
        schema: historySchemas[subject]!,
        handler: historyHandlers[subject] as (request: unknown) => Promise<unknown>,
      })),
      ...(Object.keys(handlers) as AuthSubject[]).map((subject) => ({
        subject,
        schema: AUTH_RPC_SCHEMAS[subject],
        handler: handlers[subject] as (request: unknown) => Promise<unknown>,
      })),
      ...(Object.keys(mcpServerHandlers) as McpServerRpcSubject[]).map((subject) => ({
        subject,
        schema: MCP_SERVER_RPC_SCHEMAS[subject],
        handler: mcpServerHandlers[subject] as (request: unknown) => Promise<unknown>,
      })),
    ];
    this.server.listen(bindings);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
