import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { SOURCE_TASK_V1_PREFIX, sourceTaskSubject, SourceTaskV1, STREAMS } from '@mosaic/contracts';
import { createLogger, MosaicMetrics } from '@mosaic/observability';
import { requireInfraEnv } from '@mosaic/testing';
import { ConsumerStateCollector } from './consumer-state.collector';
import { ConsumerBinding, JetStreamServer } from './jetstream.server';
import { connectNats, NatsConnection } from './nats-connection';
import { Outcome } from './outcome';
import { DurableConsumerSpec, ensureDurableConsumer, ensureStreams } from './provisioning';
import { JetStreamPublisher } from './publisher';

jest.setTimeout(20_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns true, failing with `what` after `timeoutMs`. */
async function eventually(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await probe()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting until ${what}`);
}

type ConsumerGauges = { pending?: number; ack_pending?: number; redelivered?: number };

/** The three gauges of one consumer as the registry would export them (absent: undefined). */
async function gauges(metrics: MosaicMetrics, durable: string): Promise<ConsumerGauges> {
  const valueOf = async (gauge: MosaicMetrics['jetstreamConsumerPending']) =>
    (await gauge.get()).values.find((v) => v.labels.consumer === durable && v.labels.stream === STREAMS.tasks.name)?.value;
  return {
    pending: await valueOf(metrics.jetstreamConsumerPending),
    ack_pending: await valueOf(metrics.jetstreamConsumerAckPending),
    redelivered: await valueOf(metrics.jetstreamConsumerRedelivered),
  };
}

describe(ConsumerStateCollector.name, () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let js: JetStreamClient;
  let publisher: JetStreamPublisher;
  const logger = createLogger('consumer-state-spec', 'silent');
  const durables: string[] = [];
  const subjects: string[] = [];
  const stoppers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    const infra = requireInfraEnv();
    nc = await connectNats({ url: infra.NATS_URL, name: 'consumer-state-spec', user: infra.NATS_ADMIN_USER, pass: infra.NATS_ADMIN_PASSWORD });
    jsm = await jetstreamManager(nc);
    // On a fresh server no service has started yet: the streams must exist before consumers.
    await ensureStreams(jsm);
    js = jetstream(nc);
    publisher = new JetStreamPublisher(nc);
  });

  afterEach(async () => {
    await Promise.all(stoppers.splice(0).map((stop) => stop()));
  });

  afterAll(async () => {
    for (const durable of durables) await jsm.consumers.delete(STREAMS.tasks.name, durable).catch(() => undefined);
    for (const subject of subjects) await jsm.streams.purge(STREAMS.tasks.name, { filter: subject }).catch(() => undefined);
    await nc?.drain();
  });

  /** A durable consumer on a task subject nobody else uses. */
  async function newConsumer(): Promise<{ spec: DurableConsumerSpec; source: string; subject: string }> {
    const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
    const source = `t${suffix}`;
    const subject = sourceTaskSubject(source);
    const spec: DurableConsumerSpec = {
      stream: STREAMS.tasks.name,
      durable: `test-state-${suffix}`,
      filterSubject: subject,
      ackWaitMs: 30_000,
      maxDeliver: 5,
      maxAckPending: 100,
    };
    durables.push(spec.durable);
    subjects.push(subject);
    return { spec, source, subject };
  }

  async function publishTasks(source: string, subject: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const task: SourceTaskV1 = { query_id: randomUUID(), query: 'metrics', source, deadline: Date.now() + 60_000 };
      await publisher.publish(SOURCE_TASK_V1_PREFIX, subject, task, `${task.query_id}:${source}`);
    }
  }

  async function pull(durable: string, count: number): Promise<JsMsg[]> {
    const consumer = await js.consumers.get(STREAMS.tasks.name, durable);
    const messages: JsMsg[] = [];
    for await (const msg of await consumer.fetch({ max_messages: count, expires: 2000 })) {
      messages.push(msg);
      if (messages.length === count) break;
    }
    return messages;
  }

  it('should export pending, ack pending and redelivered as the server reports them', async () => {
    const { spec, source, subject } = await newConsumer();
    await ensureDurableConsumer(jsm, spec);
    const metrics = new MosaicMetrics('test');
    const sut = new ConsumerStateCollector({ jsm, consumers: [spec], metrics, logger });

    await publishTasks(source, subject, 3);
    await sut.collect();
    expect(await gauges(metrics, spec.durable)).toEqual({ pending: 3, ack_pending: 0, redelivered: 0 });

    // Two delivered and not acked yet.
    const first = await pull(spec.durable, 2);
    expect(first).toHaveLength(2);
    await sut.collect();
    expect(await gauges(metrics, spec.durable)).toEqual({ pending: 1, ack_pending: 2, redelivered: 0 });

    // Handed back and delivered again: counted as redelivered until acked.
    for (const msg of first) msg.nak();
    const again = await pull(spec.durable, 2);
    expect(again.map((m) => m.info.deliveryCount)).toEqual([2, 2]);
    await sut.collect();
    expect(await gauges(metrics, spec.durable)).toEqual({ pending: 1, ack_pending: 2, redelivered: 2 });

    for (const msg of again) await msg.ackAck();
    await sut.collect();
    expect(await gauges(metrics, spec.durable)).toEqual({ pending: 1, ack_pending: 0, redelivered: 0 });
  });

  it('should withdraw a consumer\'s series when it can no longer be read, and export it again when it can', async () => {
    const { spec, source, subject } = await newConsumer();
    await ensureDurableConsumer(jsm, spec);
    await publishTasks(source, subject, 2);
    const metrics = new MosaicMetrics('test');
    const sut = new ConsumerStateCollector({ jsm, consumers: [spec], metrics, logger });
    await sut.collect();
    expect((await gauges(metrics, spec.durable)).pending).toBe(2);

    await jsm.consumers.delete(spec.stream, spec.durable);
    await sut.collect();
    expect(await gauges(metrics, spec.durable)).toEqual({ pending: undefined, ack_pending: undefined, redelivered: undefined });

    await ensureDurableConsumer(jsm, spec);
    await sut.collect();
    expect(await gauges(metrics, spec.durable)).toEqual({ pending: 2, ack_pending: 0, redelivered: 0 });
  });

  it('should be started by JetStreamServer.listen for its bindings and stopped by close', async () => {
    const { spec, source, subject } = await newConsumer();
    const metrics = new MosaicMetrics('test');
    const binding: ConsumerBinding = { pattern: SOURCE_TASK_V1_PREFIX, concurrency: 1, consumer: spec };
    const server = new JetStreamServer({ connection: nc, bindings: [binding], logger, metrics, consumerStateIntervalMs: 100 });
    // The handler never finishes until released, so a published task stays ack pending.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.addHandler(SOURCE_TASK_V1_PREFIX, async () => {
      await released;
      return Outcome.done();
    }, true);
    stoppers.push(async () => {
      release();
      await server.close();
    });
    await new Promise<void>((resolve, reject) => void server.listen((error?: unknown) => (error ? reject(error) : resolve())));

    await eventually('the gauges appear', async () => (await gauges(metrics, spec.durable)).pending === 0);
    await publishTasks(source, subject, 3);
    // One in the handler; the rest wait in the stream (or one in the client's pull buffer).
    await eventually('the collector sees the backlog', async () => {
      const g = await gauges(metrics, spec.durable);
      return g.ack_pending! >= 1 && g.ack_pending! + g.pending! === 3;
    });

    release();
    await server.close();
    const atClose = await gauges(metrics, spec.durable);
    await publishTasks(source, subject, 2);
    await sleep(500);
    expect(await gauges(metrics, spec.durable)).toEqual(atClose);
    expect((await jsm.consumers.info(spec.stream, spec.durable)).num_pending).toBeGreaterThan(atClose.pending!);
  });
});
