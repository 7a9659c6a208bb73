import { Writable } from 'node:stream';
import { context, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createLogger } from './logger';
import { HeaderCarrier, injectTraceContext, SpanKind, startTracing, withQueryId, withRemoteParentSpan, withSpan } from './tracing';

/** Message headers as NATS keeps them: get answers "" for a missing key. */
class Headers implements HeaderCarrier {
  private readonly values = new Map<string, string>();
  get(key: string): string {
    return this.values.get(key) ?? '';
  }
  set(key: string, value: string): void {
    this.values.set(key, value);
  }
}

/** One hop in another process: nothing of the sender's async context survives, only the headers. */
const elsewhere = <T>(fn: () => Promise<T>): Promise<T> => context.with(ROOT_CONTEXT, fn);

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const spans = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);
  const only = (name: string): ReadableSpan => {
    const found = spans(name);
    if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}`);
    return found[0]!;
  };

  beforeAll(() => {
    startTracing('observability-spec', { env: {}, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  });

  afterEach(() => exporter.reset());

  it('should make the consumer span a child of the producer span when the context crossed in headers', async () => {
    const headers = new Headers();
    await withSpan('publish mosaic.task.v1', SpanKind.PRODUCER, {}, async () => injectTraceContext(headers));
    // The consumer runs inside an unrelated span: the headers, not the active context, decide its parent.
    await elsewhere(() =>
      withSpan('unrelated', SpanKind.INTERNAL, {}, () =>
        withRemoteParentSpan(headers, 'consume mosaic.task.v1', SpanKind.CONSUMER, { 'messaging.system': 'nats' }, async () => undefined),
      ),
    );

    const producer = only('publish mosaic.task.v1');
    const consumer = only('consume mosaic.task.v1');
    expect(headers.get('traceparent')).toBe(`00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01`);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.attributes['messaging.system']).toBe('nats');
    expect(only('unrelated').spanContext().traceId).not.toBe(producer.spanContext().traceId);
  });

  it('should keep one trace over gateway, planner, workers and synthesizer when each hop forwards its headers', async () => {
    // Each hop consumes what the previous one published, in a "process" of its own.
    const hop = (incoming: Headers | undefined, name: string, fanOut: number): Promise<Headers[]> =>
      elsewhere(() => {
        const handle = async () => {
          const outgoing = Array.from({ length: fanOut }, () => new Headers());
          for (const headers of outgoing) {
            await withSpan(`publish from ${name}`, SpanKind.PRODUCER, {}, async () => injectTraceContext(headers));
          }
          return outgoing;
        };
        return incoming
          ? withRemoteParentSpan(incoming, `consume at ${name}`, SpanKind.CONSUMER, {}, handle)
          : withSpan(`POST /api/agent/query/stream`, SpanKind.SERVER, {}, handle);
      });

    const [toPlanner] = await hop(undefined, 'gateway', 1);
    const toWorkers = await hop(toPlanner, 'planner', 2);
    const toSynthesizer = (await Promise.all(toWorkers.map((headers, i) => hop(headers, `worker ${i}`, 1)))).flat();
    await Promise.all(toSynthesizer.map((headers) => hop(headers, 'synthesizer', 0)));

    const all = exporter.getFinishedSpans();
    const root = only('POST /api/agent/query/stream');
    expect(all).toHaveLength(1 + 1 + 1 + 2 + 2 * 2 + 2);
    expect(new Set(all.map((s) => s.spanContext().traceId))).toEqual(new Set([root.spanContext().traceId]));
    // Connected: every span but the root has its parent in the trace.
    const ids = new Set(all.map((s) => s.spanContext().spanId));
    expect(all.filter((s) => s !== root && !ids.has(s.parentSpanContext?.spanId ?? ''))).toEqual([]);
    expect(spans('consume at synthesizer')).toHaveLength(2);
  });

  it('should start a new trace when the message carries no trace context', async () => {
    await withSpan('earlier request', SpanKind.SERVER, {}, async () => undefined);
    await elsewhere(() => withRemoteParentSpan(new Headers(), 'consume mosaic.result.v1', SpanKind.CONSUMER, {}, async () => undefined));

    const consumer = only('consume mosaic.result.v1');
    expect(consumer.parentSpanContext).toBeUndefined();
    expect(consumer.spanContext().traceId).not.toBe(only('earlier request').spanContext().traceId);
  });

  it('should record the error on the span and rethrow it when the work fails', async () => {
    const failure = new Error('MCP server went away');
    await expect(withSpan('mcp files.read_text_file', SpanKind.CLIENT, {}, async () => Promise.reject(failure))).rejects.toBe(failure);

    const span = only('mcp files.read_text_file');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'MCP server went away' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('should write the trace id and the query id on every log line of a handler when it runs for a query', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')));
        done();
      },
    });
    const logger = createLogger('observability-spec', 'info', sink);

    const traceId = await withSpan('consume mosaic.task.v1', SpanKind.CONSUMER, {}, async (span) =>
      withQueryId('q-123', async () => {
        // A line that does not name the query itself.
        logger.warn({ connector: 'files' }, 'connector cache unavailable');
        return span.spanContext().traceId;
      }),
    );
    logger.info('between messages');

    expect(lines[0]).toMatchObject({ msg: 'connector cache unavailable', query_id: 'q-123', trace_id: traceId });
    expect(lines[1]).not.toHaveProperty('query_id');
    expect(lines[1]).not.toHaveProperty('trace_id');
  });
});
