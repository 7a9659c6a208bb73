import { Module } from '@nestjs/common';
import { HealthController } from './health/health.controller';
import { GatewayDependencies } from './health/dependencies';
import { QueryController } from './query/query.controller';
import { QueryService } from './query/query.service';
import { SourcesController } from './sources/sources.controller';
import { SourcesService } from './sources/sources.service';

@Module({
  controllers: [HealthController, SourcesController, QueryController],
  providers: [GatewayDependencies, SourcesService, QueryService],
})
export class GatewayModule {}
