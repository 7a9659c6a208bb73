import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { DetectSourcesReply, DetectSourcesRpc, DetectSourcesRpcSchema, PLANNER_QUEUE_GROUP, PLANNER_SUBJECTS } from '@mosaic/contracts';
import { RpcServer } from '@mosaic/messaging';
import { Logger, MosaicMetrics } from '@mosaic/observability';
import { LOGGER, METRICS, NATS_CONNECTION } from '@mosaic/runtime';
import { PlannerService } from './planner.service';

/** `POST /api/agent/detect-sources`, answered by one planner replica (request/reply). */
@Injectable()
export class DetectSourcesHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: RpcServer;

  constructor(
    @Inject(NATS_CONNECTION) connection: NatsConnection,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) metrics: MosaicMetrics,
    private readonly planner: PlannerService,
  ) {
    this.server = new RpcServer(connection, PLANNER_QUEUE_GROUP, logger, metrics);
  }

  onApplicationBootstrap(): void {
    this.server.listen([
      {
        subject: PLANNER_SUBJECTS.detect,
        schema: DetectSourcesRpcSchema,
        handler: async (request): Promise<DetectSourcesReply> => {
          const { query, available_sources: sources, registered_sources: registered } = request as DetectSourcesRpc;
          const { plan } = await this.planner.detect(query, sources, registered);
          return { relevant_sources: plan.sources, reasoning: plan.reasoning, provider: this.planner.providerName };
        },
      },
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
