import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { jetstream, jetstreamManager, JetStreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import {
  AgentEventInput,
  MultiSourceResponse,
  queryEventsSubject,
  SOURCE_TASK_V1_PREFIX,
  sourceTaskSubject,
  SourceTaskV1,
  STREAMS,
} from '@mosaic/contracts';
import { createLogger, MosaicMetrics, SpanKind, startTracing, withSpan } from '@mosaic/observability';
import { connectNats, NatsConnection } from './nats-connection';
import { HandlerOutcome, Outcome } from './outcome';
import { JetStreamPublisher } from './publisher';
import { QueryEventsPublisher, QueryEventsReader, SequencedEvent } from './query-events';
import { ConsumerBinding, JetStreamMessageContext, JetStreamServer } from './jetstream.server';
import { requireInfraEnv } from '@mosaic/testing';

jest.setTimeout(20_000);

/** A handler call as the test saw it. */
interface Delivery {
  payload: SourceTaskV1;
  context: JetStreamMessageContext;
  at: number;
  traceId?: string;
}

type TestHandler = (payload: SourceTaskV1, ctx: JetStreamMessageContext) => Promise<HandlerOutcome>;

interface Harness {
  sut: JetStreamServer;
  /** Our own task subject, e.g. `mosaic.task.v1.t1a2b3c4d`, filtered by our own durable. */
  subject: string;
  source: string;
  durable: string;
  metrics: MosaicMetrics;
  deliveries: Delivery[];
  giveUps: { payload: unknown; reason: string }[];
}

interface HarnessOptions {
  handler?: TestHandler;
  ackWaitMs?: number;
  maxDeliver?: number;
  concurrency?: number;
}


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

describe(JetStreamServer.name, () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let publisher: JetStreamPublisher;
  const logger = createLogger('jetstream-server-spec', 'silent');
  const servers: JetStreamServer[] = [];
  const durables: string[] = [];
  const subjects: string[] = [];
  const queryIds: string[] = [];

  beforeAll(async () => {
    startTracing('test');
    const infra = requireInfraEnv();
    nc = await connectNats({ url: infra.NATS_URL, name: 'jetstream-server-spec', user: infra.NATS_ADMIN_USER, pass: infra.NATS_ADMIN_PASSWORD });
    jsm = await jetstreamManager(nc);
    publisher = new JetStreamPublisher(nc);
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    for (const durable of durables) await jsm.consumers.delete(STREAMS.tasks.name, durable).catch(() => undefined);
    for (const subject of subjects) await jsm.streams.purge(STREAMS.tasks.name, { filter: subject }).catch(() => undefined);
    for (const id of queryIds) {
      await jsm.streams.purge(STREAMS.events.name, { filter: queryEventsSubject(id) }).catch(() => undefined);
    }
    await nc?.drain();
  });

  /** A server with one binding on a task subject and durable consumer nobody else uses. */
  async function startServer(options: HarnessOptions = {}): Promise<Harness> {
    const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
    const source = `t${suffix}`;
    const subject = sourceTaskSubject(source);
    const durable = `test-${suffix}`;
    durables.push(durable);
    subjects.push(subject);
    const deliveries: Delivery[] = [];
    const giveUps: { payload: unknown; reason: string }[] = [];
    const metrics = new MosaicMetrics('test');
    const binding: ConsumerBinding = {
      pattern: SOURCE_TASK_V1_PREFIX,
      concurrency: options.concurrency ?? 4,
      consumer: {
        stream: STREAMS.tasks.name,
        durable,
        filterSubject: subject,
        ackWaitMs: options.ackWaitMs ?? 5000,
        maxDeliver: options.maxDeliver ?? 5,
        maxAckPending: 100,
      },
      onGiveUp: async (payload, reason) => {
        giveUps.push({ payload, reason });
      },
    };
    const sut = new JetStreamServer({ connection: nc, bindings: [binding], logger, metrics });
    const handler = options.handler ?? (async () => Outcome.done());
    sut.addHandler(
      SOURCE_TASK_V1_PREFIX,
      async (payload: SourceTaskV1, ctx: JetStreamMessageContext) => {
        deliveries.push({
          payload,
          context: ctx,
          at: Date.now(),
          traceId: trace.getSpan(context.active())?.spanContext().traceId,
        });
        return handler(payload, ctx);
      },
      true,
    );
    servers.push(sut);
    await new Promise<void>((resolve, reject) => {
      void sut.listen((error?: unknown) => (error ? reject(error) : resolve()));
    });
    return { sut, subject, source, durable, metrics, deliveries, giveUps };
  }

  function task(source: string): SourceTaskV1 {
    return { query_id: randomUUID(), query: 'how do we handle a payment outage?', source, deadline: Date.now() + 60_000 };
  }

  async function publishTask(h: Harness, payload = task(h.source)): Promise<SourceTaskV1> {
    await publisher.publish(SOURCE_TASK_V1_PREFIX, h.subject, payload, `${payload.query_id}:${h.source}`);
    return payload;
  }

  /** Messages of `subject` still stored in the (work-queue) tasks stream. */
  async function storedCount(subject: string): Promise<number> {
    const info = await jsm.streams.info(STREAMS.tasks.name, { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  }

  async function consumerInfo(h: Harness) {
    return jsm.consumers.info(STREAMS.tasks.name, h.durable);
  }

  it('should provision every contract stream with its retention and windows when listening', async () => {
    await startServer();

    for (const spec of Object.values(STREAMS)) {
      const info = await jsm.streams.info(spec.name);
      expect(info.config.subjects).toEqual([...spec.subjects]);
      expect(info.config.retention).toBe(spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits);
      expect(info.config.max_age).toBe(nanos(spec.maxAgeMs));
      expect(info.config.duplicate_window).toBe(nanos(spec.duplicateWindowMs));
    }
  });

  it('should create the durable consumer with the binding settings when listening', async () => {
    const h = await startServer({ ackWaitMs: 7000, maxDeliver: 3 });

    const info = await consumerInfo(h);

    expect(info.config.filter_subject).toBe(h.subject);
    expect(info.config.ack_wait).toBe(nanos(7000));
    expect(info.config.max_deliver).toBe(3);
  });

  it('should hand the parsed payload to the handler and ack it when the outcome is done', async () => {
    const h = await startServer();

    const sent = await publishTask(h);
    await eventually('the handler ran', () => h.deliveries.length === 1);

    expect(h.deliveries[0]!.payload).toEqual(sent);
    expect(h.deliveries[0]!.context).toMatchObject({ subject: h.subject, deliveryCount: 1 });
    expect(h.deliveries[0]!.context.streamSequence).toBeGreaterThan(0);
    await eventually('the work-queue message is removed', async () => (await storedCount(h.subject)) === 0);
    const info = await consumerInfo(h);
    expect(info.num_pending).toBe(0);
    expect(info.num_ack_pending).toBe(0);
    expect(h.giveUps).toEqual([]);
  });

  it('should redeliver the message no earlier than the delay when the outcome is retry', async () => {
    const delayMs = 700;
    const h = await startServer({
      handler: async (_payload, ctx) => (ctx.deliveryCount === 1 ? Outcome.retry(delayMs, 'not yet') : Outcome.done()),
    });

    await publishTask(h);
    await eventually('the message is redelivered', () => h.deliveries.length === 2);

    const [first, second] = h.deliveries;
    expect(first!.context.deliveryCount).toBe(1);
    expect(second!.context.deliveryCount).toBe(2);
    expect(second!.context.streamSequence).toBe(first!.context.streamSequence);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(delayMs);
    await eventually('the message is acked after the retry', async () => (await storedCount(h.subject)) === 0);
  });

  it('should retry with backoff, then call onGiveUp once with the payload when the handler throws on every delivery', async () => {
    const h = await startServer({
      maxDeliver: 2,
      ackWaitMs: 30_000,
      handler: async () => {
        throw new Error('connector exploded');
      },
    });

    const sent = await publishTask(h);
    await eventually('onGiveUp is called', () => h.giveUps.length === 1);
    await sleep(1200); // longer than the first backoff (1 s): a third delivery would show up

    expect(h.deliveries.map((d) => d.context.deliveryCount)).toEqual([1, 2]);
    // The handler threw, so the retry waited for the 1 s backoff.
    expect(h.deliveries[1]!.at - h.deliveries[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(h.giveUps).toHaveLength(1);
    expect(h.giveUps[0]!.payload).toEqual(sent);
    expect(h.giveUps[0]!.reason).toContain('connector exploded');
  });

  // nats-server < 2.10 (Debian's 2.9.10 in the native infra) ignores `+TERM <reason>`: the
  // transport must send a bare TERM or the message comes back after ackWait.
  it('should terminate the message and not redeliver it when the handler gives up', async () => {
    const ackWaitMs = 1000;
    const h = await startServer({ ackWaitMs, maxDeliver: 5, handler: async () => Outcome.giveUp('not answerable') });

    const sent = await publishTask(h);
    await eventually('onGiveUp is called', () => h.giveUps.length >= 1);
    await sleep(ackWaitMs + 600); // an unterminated message is redelivered after ackWait

    expect(h.deliveries).toHaveLength(1);
    expect(h.giveUps).toEqual([{ payload: sent, reason: 'not answerable' }]);
    expect((await consumerInfo(h)).num_ack_pending).toBe(0);
    expect(await storedCount(h.subject)).toBe(0);
  });

  // A nak on the last allowed delivery would be dropped silently by the server (max_deliver).
  it('should give up and call onGiveUp when the handler asks to retry on the last allowed delivery', async () => {
    const h = await startServer({
      maxDeliver: 2,
      ackWaitMs: 30_000,
      handler: async () => Outcome.retry(100, 'source busy'),
    });

    const sent = await publishTask(h);
    await eventually('the second delivery happened', () => h.deliveries.length === 2);
    await sleep(500);

    expect(h.giveUps).toEqual([{ payload: sent, reason: expect.any(String) }]);
  });

  function invalidCounter(h: Harness): () => Promise<number> {
    return async () =>
      (await h.metrics.invalidMessages.get()).values.find((v) => v.labels.subject === SOURCE_TASK_V1_PREFIX)?.value ?? 0;
  }

  it('should count an invalid payload and never call the handler when it fails the schema', async () => {
    const h = await startServer({ ackWaitMs: 30_000 });
    const invalidCount = invalidCounter(h);

    await jetstream(nc).publish(h.subject, JSON.stringify({ query_id: 'not-a-uuid', source: h.source }));
    await eventually('the invalid message is counted', async () => (await invalidCount()) === 1);
    await sleep(200);

    expect(h.deliveries).toEqual([]);
    expect(h.giveUps).toEqual([]);
  });

  it('should count a message that is not JSON and never call the handler', async () => {
    const h = await startServer({ ackWaitMs: 30_000 });
    const invalidCount = invalidCounter(h);

    await jetstream(nc).publish(h.subject, 'this is { not json');
    await eventually('the invalid message is counted', async () => (await invalidCount()) === 1);

    expect(h.deliveries).toEqual([]);
  });

  it('should terminate an invalid payload so that it is not redelivered', async () => {
    const ackWaitMs = 1000;
    const h = await startServer({ ackWaitMs, maxDeliver: 5 });
    const invalidCount = invalidCounter(h);

    await jetstream(nc).publish(h.subject, JSON.stringify({ query_id: 'not-a-uuid', source: h.source }));
    await eventually('the invalid message is counted', async () => (await invalidCount()) >= 1);
    await sleep(ackWaitMs + 600); // an unterminated message is redelivered (and counted) by now

    expect(await invalidCount()).toBe(1);
    const info = await consumerInfo(h);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
  });

  it('should drop the second publish and handle the message once when the same msgId is published twice', async () => {
    const h = await startServer();
    const payload = task(h.source);
    const msgId = `${payload.query_id}:${h.source}`;

    const first = await publisher.publish(SOURCE_TASK_V1_PREFIX, h.subject, payload, msgId);
    const second = await publisher.publish(SOURCE_TASK_V1_PREFIX, h.subject, payload, msgId);
    await eventually('the handler ran', () => h.deliveries.length >= 1);
    await sleep(500);

    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
    expect(h.deliveries).toHaveLength(1);
  });

  it('should refuse to publish when the subject does not belong to the family', async () => {
    const payload = task('files');

    await expect(publisher.publish(SOURCE_TASK_V1_PREFIX, 'mosaic.result.v1', payload, randomUUID())).rejects.toThrow(
      /does not belong/,
    );
  });

  it('should run the handler in the trace of the publisher when the publish happens inside a span', async () => {
    const h = await startServer();

    const publishTraceId = await withSpan('test request', SpanKind.SERVER, {}, async (span) => {
      await publishTask(h);
      return span.spanContext().traceId;
    });
    await eventually('the handler ran', () => h.deliveries.length === 1);

    expect(publishTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(publishTraceId).not.toBe('0'.repeat(32));
    expect(h.deliveries[0]!.traceId).toBe(publishTraceId);
  });

  it('should start a fresh trace in the handler when the publish happens outside any span', async () => {
    const h = await startServer();
    const outer = await withSpan('unrelated', SpanKind.INTERNAL, {}, async (span) => span.spanContext().traceId);

    await publishTask(h);
    await eventually('the handler ran', () => h.deliveries.length === 1);

    expect(h.deliveries[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(h.deliveries[0]!.traceId).not.toBe(outer);
  });

  it('should stop consuming and wait for the in-flight handler when closed', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const h = await startServer({
      handler: async () => {
        await released;
        return Outcome.done();
      },
    });
    await publishTask(h);
    await eventually('the handler started', () => h.deliveries.length === 1);

    let closed = false;
    const closing = h.sut.close().then(() => (closed = true));
    await sleep(300);
    expect(closed).toBe(false);

    await publishTask(h);
    release();
    await closing;
    await sleep(500);

    expect(h.deliveries).toHaveLength(1);
    const info = await consumerInfo(h);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(1); // the message published during close waits for the next replica
    expect(await storedCount(h.subject)).toBe(1);
  });

  describe(QueryEventsReader.name, () => {
    let events: QueryEventsPublisher;
    let reader: QueryEventsReader;

    beforeAll(() => {
      events = new QueryEventsPublisher(publisher);
      reader = new QueryEventsReader(nc);
    });

    function doneResult(queryId: string): MultiSourceResponse {
      return {
        query_id: queryId,
        response: 'All good [1]',
        source_results: [],
        successful_sources: [],
        failed_sources: [],
        plan: { sources: [], reasoning: '' },
        citations: [],
        duration_ms: 12,
      };
    }

    async function emitAll(queryId: string, list: AgentEventInput[]): Promise<void> {
      queryIds.push(queryId);
      for (const [i, event] of list.entries()) await events.emit(queryId, event, `${event.event_type}:${i}`);
    }

    async function readAll(queryId: string, afterSeq?: number): Promise<SequencedEvent[]> {
      const out: SequencedEvent[] = [];
      for await (const e of reader.read(queryId, { afterSeq, signal: AbortSignal.timeout(8000) })) out.push(e);
      return out;
    }

    it('should return the query events in order and stop after done when read from the start', async () => {
      const queryId = randomUUID();
      const otherQueryId = randomUUID();
      await emitAll(queryId, [{ event_type: 'planning' }, { event_type: 'source_start', source: 'files' }]);
      await emitAll(otherQueryId, [{ event_type: 'planning' }]);
      await emitAll(queryId, [{ event_type: 'done', result: doneResult(queryId) }, { event_type: 'synthesizing' }]);

      const read = await readAll(queryId);

      expect(read.map((e) => e.event.event_type)).toEqual(['planning', 'source_start', 'done']);
      expect(read.every((e) => e.event.query_id === queryId)).toBe(true);
      const seqs = read.map((e) => e.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
    });

    it('should return only the events after the given sequence when afterSeq is set', async () => {
      const queryId = randomUUID();
      await emitAll(queryId, [
        { event_type: 'planning' },
        { event_type: 'source_start', source: 'files' },
        { event_type: 'synthesizing' },
        { event_type: 'error', error: 'deadline passed', code: 'deadline_exceeded' },
      ]);
      const all = await readAll(queryId);

      const resumed = await readAll(queryId, all[1]!.seq);

      expect(resumed).toEqual(all.slice(2));
      expect(resumed.map((e) => e.event.event_type)).toEqual(['synthesizing', 'error']);
    });

    it('should wait for events published while reading and end after the error event', async () => {
      const queryId = randomUUID();
      queryIds.push(queryId);

      const reading = readAll(queryId);
      await sleep(200);
      await emitAll(queryId, [{ event_type: 'planning' }, { event_type: 'error', error: 'boom', code: 'internal_error' }]);

      expect((await reading).map((e) => e.event.event_type)).toEqual(['planning', 'error']);
    });

    it('should drop a repeated event when it is emitted twice with the same dedupe key', async () => {
      const queryId = randomUUID();
      queryIds.push(queryId);

      await events.emit(queryId, { event_type: 'source_start', source: 'files' }, 'source_start:files');
      await events.emit(queryId, { event_type: 'source_start', source: 'files' }, 'source_start:files');
      await events.emit(queryId, { event_type: 'done', result: doneResult(queryId) }, 'done');

      expect((await readAll(queryId)).map((e) => e.event.event_type)).toEqual(['source_start', 'done']);
    });
  });
});
