import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { CONSUMERS, ConnectorTestRequestSchema, connectorTestSubject } from '@mosaic/contracts';
import { RpcServer } from '@mosaic/messaging';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { LOGGER, METRICS, NATS_CONNECTION } from '@mosaic/runtime';
import { ConnectorClient } from './connector-client.service';
import { ConnectorTestService } from './connector-test.service';

/** Answers credential tests for this worker's connector (request/reply, one replica per request). */
@Injectable()
export class ConnectorTestHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: RpcServer;

  constructor(
    @Inject(NATS_CONNECTION) connection: NatsConnection,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) metrics: MosaicMetrics,
    private readonly client: ConnectorClient,
    private readonly tests: ConnectorTestService,
  ) {
    this.server = new RpcServer(connection, CONSUMERS.connectorWorker(client.id), logger, metrics);
  }

  onApplicationBootstrap(): void {
    // The `mcp` worker serves registrations, which are not tested this way.
    if (!this.client.catalog) return;
    this.server.listen([
      {
        subject: connectorTestSubject(this.client.id),
        schema: ConnectorTestRequestSchema,
        handler: (request) => this.tests.test(request as { tenant_id: string; user_id: string }),
      },
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
