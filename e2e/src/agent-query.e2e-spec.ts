import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { AgentEventV1, MultiSourceResponse, STREAMS } from '@mosaic/contracts';
import { natsAdminOptions, streamQuery } from '@mosaic/testing';
import { startTestStack, TestStack } from './support/test-stack';

/** The README's demo questions: each must be answered from both sources, with citations. */
const DEMO_QUESTIONS = [
  'Which customers have open urgent support tickets, and what does our escalation runbook say to do?',
  'What is our refund policy, and which orders were refunded?',
  'Our customer Acme Corp is reporting checkout errors: what do we know about their account, and how do we handle a payment outage?',
];

jest.setTimeout(60_000);

describe('agent query (end to end)', () => {
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack({
      name: 'agent-query',
      sources: ['files', 'postgres', 'echo'],
      env: { QUERY_DEADLINE_MS: '4000', RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_PER_HOUR: '100000' },
    });
  });

  afterAll(async () => {
    await sut?.stop();
  });

  const postJson = (path: string, body: string) =>
    fetch(`${sut.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...sut.auth }, body });
  const get = (path: string) => fetch(`${sut.url}${path}`, { headers: sut.auth });

  it('should stream the agent events in order and end with exactly one done when a demo question is asked', async () => {
    const { status, events } = await streamQuery(sut.url, { query: DEMO_QUESTIONS[0], sources: ['files', 'postgres'] }, undefined, sut.auth);
    expect(status).toBe(200);
    const types = events.map((e) => e.event.event_type);
    expect(types[0]).toBe('planning');
    expect(types[1]).toBe('plan_complete');
    expect(types.filter((t) => t === 'done')).toHaveLength(1);
    expect(types.at(-1)).toBe('done');
    expect(types).toEqual(expect.arrayContaining(['source_start', 'tool_start', 'tool_end', 'source_complete', 'synthesizing', 'synthesis_chunk']));
    expect(types.indexOf('synthesizing')).toBeGreaterThan(types.lastIndexOf('source_complete'));
    const ids = events.map((e) => e.id!);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);

    const done = events.at(-1)!.event as Extract<AgentEventV1, { event_type: 'done' }>;
    const chunks = events.flatMap((e) => (e.event.event_type === 'synthesis_chunk' ? [e.event.chunk] : []));
    expect(done.result.response).toBe(chunks.join('').trimEnd());
  });

  it.each(DEMO_QUESTIONS)('should answer "%s" from both sources with correct citations', async (query) => {
    const response = await postJson('/api/agent/query', JSON.stringify({ query }));
    expect(response.status).toBe(200);
    const result = (await response.json()) as MultiSourceResponse;
    expect(result.successful_sources.sort()).toEqual(['files', 'postgres']);
    expect(result.failed_sources).toEqual([]);
    expect(new Set(result.citations.map((c) => c.source))).toEqual(new Set(['files', 'postgres']));
    const markers = [...result.response.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(new Set(markers)).toEqual(new Set(result.citations.map((c) => c.index)));
    for (const citation of result.citations) {
      const item = result.source_results.find((r) => r.source === citation.source)?.items.find((i) => i.id === citation.item);
      expect(item).toBeDefined();
      // The excerpt is quoted from the item it cites (possibly truncated with an ellipsis).
      const quoted = citation.excerpt.replace(/…$/, '');
      expect(item!.content.replace(/\s+/g, ' ')).toContain(quoted.replace(/\s+/g, ' ').split(' ').slice(0, 8).join(' '));
    }
  });

  it('should name the customer and the runbook step when asked about urgent tickets', async () => {
    const response = await postJson('/api/agent/query', JSON.stringify({ query: DEMO_QUESTIONS[0] }));
    const result = (await response.json()) as MultiSourceResponse;
    expect(result.response).toMatch(/Acme Corp|Umbrella Health/);
    expect(result.citations.some((c) => c.item.startsWith('support_tickets:'))).toBe(true);
    expect(result.citations.some((c) => c.item.startsWith('runbooks/incident-escalation.md'))).toBe(true);
  });

  it('should plan only the requested sources when sources restricts the query', async () => {
    const response = await postJson('/api/agent/query', JSON.stringify({ query: DEMO_QUESTIONS[1], sources: ['files'] }));
    const result = (await response.json()) as MultiSourceResponse;
    expect(result.plan.sources.map((s) => s.source)).toEqual(['files']);
    expect(result.source_results.map((r) => r.source)).toEqual(['files']);
  });

  it('should list every source with enabled and configured', async () => {
    const sources = (await (await get('/api/agent/sources')).json()) as Array<{ id: string; enabled: boolean; configured: boolean }>;
    expect(sources.find((s) => s.id === 'files')).toMatchObject({ enabled: true, configured: true });
    expect(sources.find((s) => s.id === 'postgres')).toMatchObject({ enabled: true, configured: true });
  });

  it('should report a hung source as failed at the deadline and still answer from the others', async () => {
    const started = Date.now();
    const { events } = await streamQuery(sut.url, { query: 'escalation runbook, and echo hang', sources: ['files', 'echo'] }, undefined, sut.auth);
    const done = events.filter((e) => e.event.event_type === 'done');
    expect(done).toHaveLength(1);
    const result = (done[0]!.event as Extract<AgentEventV1, { event_type: 'done' }>).result;
    expect(result.failed_sources).toEqual(['echo']);
    expect(result.successful_sources).toEqual(['files']);
    expect(result.response).toContain('Echo');
    const echoComplete = events.filter((e) => e.event.event_type === 'source_complete' && e.event.source === 'echo');
    expect(echoComplete).toHaveLength(1);
    expect(echoComplete[0]!.event).toMatchObject({ success: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3500);
  });

  it('should report a failing source with success false and its error', async () => {
    const response = await postJson('/api/agent/query', JSON.stringify({ query: 'echo fail please', sources: ['echo'] }));
    const result = (await response.json()) as MultiSourceResponse;
    expect(result.failed_sources).toEqual(['echo']);
    expect(result.source_results[0]).toMatchObject({ success: false, error: expect.stringContaining('echo was asked to fail') });
  });

  describe('bad input', () => {
    let nc: Awaited<ReturnType<typeof connect>>;
    const queued = async () => (await (await jetstreamManager(nc)).streams.info(STREAMS.queries.name)).state.last_seq;

    beforeAll(async () => {
      nc = await connect(natsAdminOptions());
    });
    afterAll(async () => {
      await nc?.close();
    });

    it.each([
      ['malformed JSON', '{"query": ', 400, 'invalid_json'],
      ['a missing query', '{}', 400, 'validation_error'],
      ['an empty query', '{"query": "   "}', 400, 'validation_error'],
      ['a non-object body', '"hello"', 400, 'validation_error'],
      ['an unknown field', '{"query": "hi", "surprise": 1}', 400, 'validation_error'],
      ['an unknown source', '{"query": "hi", "sources": ["nope"]}', 400, 'unknown_source'],
      ['an oversize body', JSON.stringify({ query: 'x'.repeat(70 * 1024) }), 413, 'payload_too_large'],
    ])('should answer %s with a clear error and publish nothing', async (_case, body, status, code) => {
      const before = await queued();
      for (const path of ['/api/agent/query', '/api/agent/query/stream']) {
        const response = await postJson(path, body);
        expect(response.status).toBe(status);
        const json = (await response.json()) as { error: { code: string; message: string } };
        expect(json.error.code).toBe(code);
        expect(json.error.message.length).toBeGreaterThan(0);
      }
      expect(await queued()).toBe(before);
    });
  });

  describe('operations', () => {
    it('should report health, liveness and readiness of NATS, Postgres and Redis', async () => {
      expect(await (await fetch(`${sut.url}/api/health`)).json()).toEqual({ status: 'healthy' });
      expect(await (await fetch(`${sut.url}/api/health/live`)).json()).toEqual({ status: 'alive' });
      const ready = await fetch(`${sut.url}/api/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', nats: 'up', database: 'up', cache: 'up' });
    });

    it('should export request, handler and connector metrics from the services', async () => {
      const gateway = await (await fetch(`${sut.url}/metrics`)).text();
      expect(gateway).toMatch(/mosaic_http_request_duration_seconds_count\{[^}]*route="\/api\/agent\/query"/);
      const worker = sut.launches.find((l) => l.name === 'worker-postgres-1')!;
      const metrics = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
      expect(metrics).toMatch(/mosaic_connector_call_duration_seconds_count\{[^}]*connector="postgres",tool="search",outcome="success"/);
      expect(metrics).toMatch(/mosaic_message_handler_duration_seconds_count\{[^}]*subject="mosaic.task.v1",consumer="connector-postgres",outcome="done"/);
    });
  });
});
