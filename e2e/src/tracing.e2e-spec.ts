import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AgentEventV1 } from '@mosaic/contracts';
import { repoRoot } from '@mosaic/connectors';
import { FAKE_ANTHROPIC_API_KEY, FakeAnthropic, startFakeAnthropic, streamQuery } from '@mosaic/testing';
import { OtlpReceiver, ReceivedSpan, startOtlpReceiver } from './support/otlp-receiver';
import { startTestStack, TestStack } from './support/test-stack';

jest.setTimeout(90_000);

// Both workers answer it by a direct routing pattern ("folder", "tables"), so the only model
// calls are the planner's and the synthesizer's: their order at the fake API is fixed.
const QUESTION = 'Which tables are in the sample database, and which documents are in the shared folder?';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * One question, one trace: every service exports its spans over OTLP/HTTP JSON to a collector
 * stand-in in this test, and the spans of the question, from the gateway's HTTP span through
 * the planner and both workers to the synthesizer, must share one trace id and hang together.
 */
describe('Tracing (end to end)', () => {
  let collector: OtlpReceiver;
  let claude: FakeAnthropic;
  let sut: TestStack;

  beforeAll(async () => {
    collector = await startOtlpReceiver();
    claude = await startFakeAnthropic();
    sut = await startTestStack({
      name: 'tracing',
      sources: ['files', 'postgres'],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ANTHROPIC_API_KEY: FAKE_ANTHROPIC_API_KEY,
        ANTHROPIC_BASE_URL: claude.url,
        LLM_TOKEN_BUDGET_DAILY: '100000',
        RATE_LIMIT_PER_MINUTE: '10000',
      },
    });
  });

  afterAll(async () => {
    await sut?.stop();
    await claude?.close();
    await collector?.close();
  });

  it('should put one question into one connected trace from the gateway through the planner and workers to the synthesizer', async () => {
    claude.enqueue(
      {
        kind: 'message',
        content: [
          {
            type: 'tool_use',
            name: 'select_sources',
            input: {
              sources: [
                { source: 'postgres', confidence: 0.9, reasoning: 'Tables live in the database.' },
                { source: 'files', confidence: 0.8, reasoning: 'Documents live in the folder.' },
              ],
              reasoning: 'Both.',
            },
          },
        ],
        usage: { input_tokens: 321, output_tokens: 45 },
      },
      { kind: 'message', content: [{ type: 'text', text: 'The database has tables [1] and the folder has documents [2].' }], usage: { input_tokens: 654, output_tokens: 21 } },
    );

    const { status, events, queryId } = await streamQuery(sut.url, { query: QUESTION, sources: ['files', 'postgres'] }, undefined, sut.auth);
    expect(status).toBe(200);
    const done = events.map((e) => e.event).find((e): e is Extract<AgentEventV1, { event_type: 'done' }> => e.event_type === 'done');
    expect(done?.result.successful_sources.sort()).toEqual(['files', 'postgres']);
    expect(queryId).toMatch(UUID);

    // The root: the gateway's HTTP server span, named by its route template.
    const root = await eventually('the gateway exported the query request span', () =>
      collector.spans.find((s) => s.service === 'gateway' && s.kind === 'server' && s.attributes['http.route'] === '/api/agent/query/stream'),
    );
    const inTrace = () => collector.spans.filter((s) => s.traceId === root.traceId);
    const named = (service: string, kind: ReceivedSpan['kind'], name: string | RegExp) =>
      inTrace().filter((s) => s.service === service && s.kind === kind && (typeof name === 'string' ? s.name === name : name.test(s.name)));
    const expected: Array<[string, ReceivedSpan['kind'], string | RegExp, number]> = [
      ['gateway', 'producer', 'publish mosaic.query.requested.v1', 1],
      ['planner', 'consumer', 'consume mosaic.query.requested.v1', 1],
      ['planner', 'client', 'anthropic.messages.create', 1],
      ['planner', 'producer', 'publish mosaic.query.planned.v1', 1],
      ['planner', 'producer', 'publish mosaic.task.v1', 2],
      ['connector-worker-files', 'consumer', 'consume mosaic.task.v1', 1],
      ['connector-worker-files', 'client', /^mcp files\./, 1],
      ['connector-worker-files', 'producer', 'publish mosaic.result.v1', 1],
      ['connector-worker-postgres', 'consumer', 'consume mosaic.task.v1', 1],
      ['connector-worker-postgres', 'client', /^mcp postgres\./, 1],
      ['connector-worker-postgres', 'producer', 'publish mosaic.result.v1', 1],
      ['synthesizer', 'consumer', 'consume mosaic.query.planned.v1', 1],
      ['synthesizer', 'consumer', 'consume mosaic.result.v1', 2],
      ['synthesizer', 'client', 'anthropic.messages.create', 1],
      ['synthesizer', 'producer', 'publish mosaic.events.v1', 1],
    ];
    const missing = () => expected.filter(([service, kind, name, count]) => named(service, kind, name).length < count);
    const orphans = () => {
      const ids = new Set(inTrace().map((s) => s.spanId));
      return inTrace().filter((s) => s !== root && !ids.has(s.parentSpanId ?? ''));
    };
    await eventually('every hop exported its spans into the trace, and every parent arrived', () => missing().length === 0 && orphans().length === 0, 15_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\nmissing: ${JSON.stringify(missing())}\norphans: ${JSON.stringify(orphans().map((s) => [s.service, s.name]))}`);
      },
    );

    expect(root.name).toBe('POST /api/agent/query/stream');
    expect(root.parentSpanId).toBeUndefined();
    const spans = inTrace();
    // Context crossed each hop in the NATS headers: the consumer's parent is the publish.
    const publishRequested = named('gateway', 'producer', 'publish mosaic.query.requested.v1')[0]!;
    expect(named('planner', 'consumer', 'consume mosaic.query.requested.v1')[0]!.parentSpanId).toBe(publishRequested.spanId);
    const taskPublishes = new Set(named('planner', 'producer', 'publish mosaic.task.v1').map((s) => s.spanId));
    for (const worker of ['connector-worker-files', 'connector-worker-postgres']) {
      expect(taskPublishes.has(named(worker, 'consumer', 'consume mosaic.task.v1')[0]!.parentSpanId ?? '')).toBe(true);
    }
    const resultPublishes = new Set(spans.filter((s) => s.name === 'publish mosaic.result.v1').map((s) => s.spanId));
    expect(named('synthesizer', 'consumer', 'consume mosaic.result.v1').every((s) => resultPublishes.has(s.parentSpanId ?? ''))).toBe(true);

    expect(named('connector-worker-files', 'consumer', 'consume mosaic.task.v1')[0]!.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'mosaic.task.v1.files',
      'messaging.consumer.group.name': 'connector-files',
      'mosaic.query_id': queryId,
    });
    expect(publishRequested.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.operation.type': 'send', 'mosaic.query_id': queryId });

    // Model calls: one span each, with the model and the tokens it reported.
    expect(named('planner', 'client', 'anthropic.messages.create')[0]!.attributes).toMatchObject({
      'gen_ai.request.model': 'claude-haiku-4-5',
      'gen_ai.usage.input_tokens': 321,
      'gen_ai.usage.output_tokens': 45,
    });
    expect(named('synthesizer', 'client', 'anthropic.messages.create')[0]!.attributes).toMatchObject({
      'gen_ai.request.model': 'claude-sonnet-4-6',
      'gen_ai.request.stream': true,
      'gen_ai.usage.output_tokens': 21,
    });

    // Postgres (auth answering the gateway's and workers' requests) and Redis (rate limits,
    // caches, aggregation) are in the same trace, and auth's request spans are too.
    const dbSystem = (s: ReceivedSpan) => s.attributes['db.system.name'] ?? s.attributes['db.system'];
    expect(spans.filter((s) => s.kind === 'client' && dbSystem(s) === 'postgresql').length).toBeGreaterThan(0);
    expect(spans.filter((s) => s.kind === 'client' && dbSystem(s) === 'redis').length).toBeGreaterThan(0);
    expect(spans.some((s) => s.service === 'auth' && s.kind === 'server' && s.name.startsWith('rpc mosaic.auth.v1.'))).toBe(true);

    // Names stay low-cardinality: no query, user or tenant id in any of them.
    expect(spans.map((s) => s.name).filter((name) => UUID.test(name))).toEqual([]);

    // Logs: every line about this query, in every service it went through, carries its trace id.
    await eventually('each service logged about the query', () => {
      const lines = queryLogLines(queryId!);
      return ['planner', 'worker-files-1', 'worker-postgres-1', 'synthesizer'].every((file) => lines.some((l) => l.file === file));
    });
    const lines = queryLogLines(queryId!);
    expect(lines.filter((l) => l.line['trace_id'] !== root.traceId)).toEqual([]);
  });

  function queryLogLines(queryId: string): Array<{ file: string; line: Record<string, unknown> }> {
    const dir = path.join(repoRoot(), '.mosaic', 'test-logs', 'tracing');
    return ['gateway', 'planner', 'worker-files-1', 'worker-postgres-1', 'synthesizer'].flatMap((file) =>
      readFileSync(path.join(dir, `${file}.log`), 'utf8')
        .split('\n')
        .filter((text) => text.startsWith('{') && text.includes(queryId))
        .map((text) => ({ file, line: JSON.parse(text) as Record<string, unknown> }))
        .filter(({ line }) => line['query_id'] === queryId),
    );
  }
});

async function eventually<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
