import { Module } from '@nestjs/common';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { CONFIG, LOGGER, METRICS } from '@mosaic/runtime';
import { WorkerConfig } from './config';
import { ConnectorClient } from './connector/connector-client.service';
import { ConnectorTestHandler } from './connector/connector-test.handler';
import { ConnectorTestService } from './connector/connector-test.service';
import { RegisteredServersHandler } from './connector/registered-servers.handler';
import { RegisteredServers } from './connector/registered-servers.service';
import { SourceTaskHandler } from './tasks/source-task.handler';
import { SourceAnswerer } from './tasks/source-answerer.service';
import { SourceTaskService } from './tasks/source-task.service';
import { ToolCacheRepository } from './tasks/tool-cache.repository';

@Module({
  controllers: [SourceTaskHandler],
  providers: [
    ConnectorClient,
    ConnectorTestService,
    ConnectorTestHandler,
    RegisteredServers,
    RegisteredServersHandler,
    SourceTaskService,
    SourceAnswerer,
    {
      provide: ToolCacheRepository,
      useFactory: (config: WorkerConfig, logger: Logger, metrics: MosaicMetrics) =>
        ToolCacheRepository.connect(config.CONNECTOR_CACHE === 'on' ? config.REDIS_URL : undefined, config.CONNECTOR, logger, metrics),
      inject: [CONFIG, LOGGER, METRICS],
    },
  ],
})
export class WorkerModule {}
