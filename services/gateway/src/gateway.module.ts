import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { SessionVerifier } from './auth/session-verifier.service';
import { HealthController } from './health/health.controller';
import { GatewayDependencies, GatewayRedisProvider } from './health/dependencies';
import { QueryController } from './query/query.controller';
import { QueryService } from './query/query.service';
import { SourcesController } from './sources/sources.controller';
import { SourcesService } from './sources/sources.service';

@Module({
  controllers: [HealthController, AuthController, ApiKeysController, SourcesController, QueryController],
  providers: [
    GatewayRedisProvider,
    GatewayDependencies,
    SessionVerifier,
    { provide: APP_GUARD, useClass: AuthGuard },
    SourcesService,
    QueryService,
  ],
})
export class GatewayModule {}
