import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SOURCE_TASK_V1_PREFIX, sourceTaskSubject, SourceTaskV1, STREAMS } from '@mosaic/contracts';
import { createLogger, MosaicMetrics, SpanKind, startTracing, withSpan } from '@mosaic/observability';
import { requireInfraEnv } from '@mosaic/testing';
import { z } from 'zod';
import { JetStreamMessageContext, JetStreamServer } from './jetstream.server';
import { connectNats, NatsConnection } from './nats-connection';
import { Outcome } from './outcome';
import { JetStreamPublisher } from './publisher';
import { RpcClient, RpcServer } from './rpc';

jest.setTimeout(20_000);

async function eventually(what: string, probe: () => boolean, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Spans of the messaging layer against a real NATS server, recorded by an in-memory exporter. */
describe('messaging spans', () => {
  const exporter = new InMemorySpanExporter();
  const logLines: Array<Record<string, unknown>> = [];
  const logger = createLogger(
    'messaging-tracing-spec',
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString('utf8')));
        done();
      },
    }),
  );
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const cleanup: Array<() => Promise<unknown>> = [];

  const finished = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);

  beforeAll(async () => {
    startTracing('messaging-tracing-spec', { env: {}, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const infra = requireInfraEnv();
    nc = await connectNats({ url: infra.NATS_URL, name: 'messaging-tracing-spec', user: infra.NATS_ADMIN_USER, pass: infra.NATS_ADMIN_PASSWORD });
    jsm = await jetstreamManager(nc);
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
    exporter.reset();
    logLines.length = 0;
  });

  afterAll(async () => {
    await nc?.drain();
  });

  it('should record a PRODUCER span for the publish and a CONSUMER span, its child, around the handler', async () => {
    const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
    const source = `t${suffix}`;
    const subject = sourceTaskSubject(source);
    const durable = `test-trace-${suffix}`;
    const sut = new JetStreamServer({
      connection: nc,
      logger,
      metrics: new MosaicMetrics('test'),
      bindings: [
        {
          pattern: SOURCE_TASK_V1_PREFIX,
          concurrency: 1,
          consumer: { stream: STREAMS.tasks.name, durable, filterSubject: subject, ackWaitMs: 5000, maxDeliver: 3, maxAckPending: 10 },
        },
      ],
    });
    const handled: string[] = [];
    sut.addHandler(
      SOURCE_TASK_V1_PREFIX,
      async (payload: SourceTaskV1, _ctx: JetStreamMessageContext) => {
        // The handler does not name the query: the log line gets it from the message.
        logger.info({ source: payload.source }, 'task handled');
        handled.push(payload.query_id);
        return Outcome.done();
      },
      true,
    );
    await new Promise<void>((resolve, reject) => void sut.listen((error?: unknown) => (error ? reject(error) : resolve())));
    cleanup.push(
      () => sut.close(),
      () => jsm.consumers.delete(STREAMS.tasks.name, durable),
      () => jsm.streams.purge(STREAMS.tasks.name, { filter: subject }),
    );

    const task: SourceTaskV1 = { query_id: randomUUID(), query: 'what is our refund policy?', source, deadline: Date.now() + 60_000 };
    await context.with(ROOT_CONTEXT, () =>
      withSpan('POST /api/agent/query/stream', SpanKind.SERVER, {}, () =>
        new JetStreamPublisher(nc).publish(SOURCE_TASK_V1_PREFIX, subject, task, `${task.query_id}:task:${source}`),
      ),
    );
    await eventually('the consumer span ended', () => finished(`consume ${SOURCE_TASK_V1_PREFIX}`).length === 1);

    const [request] = finished('POST /api/agent/query/stream');
    const [publish] = finished(`publish ${SOURCE_TASK_V1_PREFIX}`);
    const [consume] = finished(`consume ${SOURCE_TASK_V1_PREFIX}`);
    expect(publish).toMatchObject({
      kind: SpanKind.PRODUCER,
      attributes: expect.objectContaining({
        'messaging.system': 'nats',
        'messaging.operation.type': 'send',
        'messaging.destination.name': subject,
        'messaging.message.id': `${task.query_id}:task:${source}`,
        'mosaic.query_id': task.query_id,
        'messaging.nats.stream': STREAMS.tasks.name,
      }),
    });
    expect(publish!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    expect(consume).toMatchObject({
      kind: SpanKind.CONSUMER,
      attributes: expect.objectContaining({
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'messaging.destination.name': subject,
        'messaging.consumer.group.name': durable,
        'messaging.message.id': `${task.query_id}:task:${source}`,
        'messaging.nats.delivery_count': 1,
        'mosaic.query_id': task.query_id,
        'mosaic.outcome': 'done',
      }),
    });
    expect(consume!.spanContext().traceId).toBe(request!.spanContext().traceId);
    expect(consume!.parentSpanContext?.spanId).toBe(publish!.spanContext().spanId);
    expect(logLines.find((l) => l['msg'] === 'task handled')).toMatchObject({
      query_id: task.query_id,
      trace_id: consume!.spanContext().traceId,
      span_id: consume!.spanContext().spanId,
    });
  });

  it('should record a CLIENT span for an RPC request and the responder SERVER span as its child', async () => {
    const subject = `mosaic.test.v1.trace-${randomUUID().slice(0, 8)}`;
    const server = new RpcServer(nc, 'tracing-spec', logger, new MosaicMetrics('test'));
    server.listen([
      {
        subject,
        schema: z.object({ query_id: z.string() }),
        handler: async (request) => {
          logger.info('rpc answered');
          return { echoed: (request as { query_id: string }).query_id };
        },
      },
    ]);
    cleanup.push(() => server.close());
    await nc.flush();

    const queryId = randomUUID();
    const reply = await context.with(ROOT_CONTEXT, () => new RpcClient(nc).call<{ echoed: string }>(subject, { query_id: queryId }));

    expect(reply).toEqual({ echoed: queryId });
    await eventually('the server span ended', () => finished(`rpc ${subject}`).length === 1);
    const [client] = finished(`request ${subject}`);
    const [server_] = finished(`rpc ${subject}`);
    expect(client).toMatchObject({ kind: SpanKind.CLIENT, attributes: expect.objectContaining({ 'messaging.destination.name': subject }) });
    expect(server_).toMatchObject({ kind: SpanKind.SERVER, attributes: expect.objectContaining({ 'mosaic.query_id': queryId }) });
    expect(server_!.spanContext().traceId).toBe(client!.spanContext().traceId);
    expect(server_!.parentSpanContext?.spanId).toBe(client!.spanContext().spanId);
    expect(logLines.find((l) => l['msg'] === 'rpc answered')).toMatchObject({ query_id: queryId, trace_id: client!.spanContext().traceId });
  });
});
