import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { SessionVerifier } from './auth/session-verifier.service';
import { CredentialsController } from './credentials/credentials.controller';
import { HealthController } from './health/health.controller';
import { GatewayDependencies, GatewayRedisProvider } from './health/dependencies';
import { ChatController } from './chat/chat.controller';
import { ChatService } from './chat/chat.service';
import { DigestController } from './digest/digest.controller';
import { DigestService } from './digest/digest.service';
import { HistoryController } from './history/history.controller';
import { McpServersController } from './mcp-servers/mcp-servers.controller';
import { RegisteredSourcesService } from './mcp-servers/registered-sources.service';
import { QueryController } from './query/query.controller';
import { QueryService } from './query/query.service';
import { TokenBudgetService } from './query/token-budget.service';
import { SourcesController } from './sources/sources.controller';
import { SourcesService } from './sources/sources.service';
import { TenantController } from './tenant/tenant.controller';
import { TenantLimitsService } from './tenant/tenant-limits.service';
import { UsersController } from './users/users.controller';

@Module({
  controllers: [HealthController, AuthController, ApiKeysController, CredentialsController, AuditController, TenantController, UsersController, SourcesController, McpServersController, QueryController, ChatController, HistoryController, DigestController],
  providers: [
    GatewayRedisProvider,
    GatewayDependencies,
    SessionVerifier,
    { provide: APP_GUARD, useClass: AuthGuard },
    TenantLimitsService,
    SourcesService,
    RegisteredSourcesService,
    QueryService,
    ChatService,
    DigestService,
    TokenBudgetService,
  ],
})
export class GatewayModule {}
