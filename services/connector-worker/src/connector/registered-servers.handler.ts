import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { CONSUMERS, DiscoverMcpServerRpc, DiscoverMcpServerRpcSchema, MCP_SERVER_SUBJECTS, REGISTERED_MCP_CONNECTOR } from '@mosaic/contracts';
import { RpcServer } from '@mosaic/messaging';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { CONFIG, LOGGER, METRICS, NATS_CONNECTION } from '@mosaic/runtime';
import { WorkerConfig } from '../config';
import { RegisteredServers } from './registered-servers.service';

/** `mcp` workers answer discovery requests (registration, re-approval) from the gateway. */
@Injectable()
export class RegisteredServersHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: RpcServer;

  constructor(
    @Inject(CONFIG) private readonly config: WorkerConfig,
    @Inject(NATS_CONNECTION) connection: NatsConnection,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) metrics: MosaicMetrics,
    private readonly servers: RegisteredServers,
  ) {
    this.server = new RpcServer(connection, CONSUMERS.connectorWorker(REGISTERED_MCP_CONNECTOR), logger, metrics);
  }

  onApplicationBootstrap(): void {
    if (this.config.CONNECTOR !== REGISTERED_MCP_CONNECTOR) return;
    this.server.listen([
      {
        subject: MCP_SERVER_SUBJECTS.discover,
        schema: DiscoverMcpServerRpcSchema,
        handler: (request) => this.servers.discoverFor(request as DiscoverMcpServerRpc),
      },
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
