import 'reflect-metadata';
import { DynamicModule, Module, OnApplicationShutdown, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { NatsConnection } from '@nats-io/nats-core';
import { ConsumerBinding, JetStreamServer } from '@mosaic/messaging';
import { createLogger, Logger, MosaicMetrics, setHttpRoute, shutdownTracing, startTracing, TracingConfigError } from '@mosaic/observability';
import { ApiError, ApiExceptionFilter } from './api-error';
import { BaseEnv, ConfigError } from './config';
import { OperationsController } from './health';
import { NestPinoLogger } from './nest-logger';
import { RuntimeModule } from './runtime.module';
import { NATS_CONNECTION } from './tokens';

export interface ServiceSpec<C extends BaseEnv> {
  service: string;
  config: C;
  port: number;
  /** The service's feature modules. */
  imports: Array<Type | DynamicModule>;
  /** JetStream consumers this service handles (none for a pure HTTP service). */
  consumers?: ConsumerBinding[];
  /** Largest accepted HTTP body, in bytes. */
  bodyLimit?: number;
  /** Prefix for the operations routes (`/health/*`, `/metrics`); the gateway uses `api`. */
  operationsPrefix?: string;
}

export interface RunningService {
  app: NestFastifyApplication;
  logger: Logger;
  metrics: MosaicMetrics;
  url: string;
}

/**
 * Starts one Mosaic service: tracing, logger, metrics, a Fastify HTTP server with health
 * and metrics, the JetStream consumers, and graceful shutdown on SIGTERM/SIGINT.
 */
export async function runService<C extends BaseEnv>(spec: ServiceSpec<C>): Promise<RunningService> {
  const logger = createLogger(spec.service, spec.config.LOG_LEVEL);
  try {
    // Exporters, sampler and service name from the OTEL_* variables; export is off by default.
    startTracing(spec.service, { logger });
  } catch (error) {
    if (error instanceof TracingConfigError) throw new ConfigError(error.issues);
    throw error;
  }
  const metrics = new MosaicMetrics(spec.service);

  @Module({
    imports: [RuntimeModule.forRoot({ service: spec.service, config: spec.config, logger, metrics }), ...spec.imports],
    controllers: [OperationsController],
  })
  class ServiceRootModule implements OnApplicationShutdown {
    // Shutdown hooks run once the HTTP server and the consumers have closed: no request or
    // message span is still open, so everything buffered is exported before the process exits.
    async onApplicationShutdown(): Promise<void> {
      await shutdownTracing();
    }
  }

  const adapter = new FastifyAdapter({ bodyLimit: spec.bodyLimit ?? 64 * 1024 });
  const fastify = adapter.getInstance();
  // The HTTP server span is named after the route template, never the raw path with its ids.
  fastify.addHook('onRequest', (request, _reply, done) => {
    setHttpRoute(request.routeOptions.url);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestDuration.observe(
      { route, method: request.method, status_class: `${Math.floor(reply.statusCode / 100)}xx` },
      reply.elapsedTime / 1000,
    );
    done();
  });
  // Our own JSON parser, so a malformed body is a clear `invalid_json` error (Nest turns
  // Fastify's parser errors into anonymous 400s).
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(new ApiError(400, 'invalid_json', 'request body is empty; send a JSON object'), undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new ApiError(400, 'invalid_json', `request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });

  const app = await NestFactory.create<NestFastifyApplication>(ServiceRootModule, adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  // Prometheus scrapes /metrics on every service, whatever the API prefix.
  if (spec.operationsPrefix) app.setGlobalPrefix(spec.operationsPrefix, { exclude: ['metrics'] });
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);

  if (spec.consumers?.length) {
    app.connectMicroservice(
      {
        strategy: new JetStreamServer({
          connection: app.get<NatsConnection>(NATS_CONNECTION),
          bindings: spec.consumers,
          logger,
          metrics,
          drainTimeoutMs: spec.config.DRAIN_TIMEOUT_MS,
        }),
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
  }
  await app.listen(spec.port, spec.config.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : spec.port;
  const url = `http://${spec.config.HOST}:${port}`;
  logger.info({ url }, `${spec.service} started`);
  return { app, logger, metrics, url };
}

/** Entry-point wrapper: a bad config or start-up failure exits non-zero with a clear line. */
export function main(start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`start-up failed: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    process.exit(1);
  });
}
