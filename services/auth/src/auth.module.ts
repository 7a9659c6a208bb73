import { Module } from '@nestjs/common';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuditService } from './audit/audit.service';
import { CredentialsService } from './credentials/credentials.service';
import { CredentialVaultProvider } from './credentials/vault.provider';
import { HistoryEventsHandler } from './history/history-events.handler';
import { HistoryWriter } from './history/history-writer.service';
import { HistoryStoreProvider } from './history/history-store.provider';
import { HistoryService } from './history/history.service';
import { IdentityService } from './identity/identity.service';
import { TokenSignerProvider } from './keys/signing-keys.provider';
import { McpServersService } from './mcp-servers/mcp-servers.service';
import { ConnectionsLifecycle, OrmProvider, RedisProvider } from './persistence.provider';
import { AuthRpcHandler } from './rpc/auth-rpc.handler';
import { TenantsService } from './tenants/tenants.service';

@Module({
  controllers: [HistoryEventsHandler],
  providers: [HistoryStoreProvider, HistoryWriter, HistoryService, OrmProvider, RedisProvider, ConnectionsLifecycle, TokenSignerProvider, AuditService, IdentityService, ApiKeysService, CredentialVaultProvider, CredentialsService, TenantsService, McpServersService, AuthRpcHandler],
})
export class AuthModule {}
