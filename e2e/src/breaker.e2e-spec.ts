import { randomUUID } from 'node:crypto';
import { AgentEventV1, MultiSourceResponse } from '@mosaic/contracts';
import { streamQuery } from '@mosaic/testing';
import { startTestStack, TestStack } from './support/test-stack';

jest.setTimeout(90_000);

const BREAKER_TIMEOUT_MS = 400;
const BREAKER_RESET_TIMEOUT_MS = 3_000;
const BREAKER_VOLUME_THRESHOLD = 3;
const QUERY_DEADLINE_MS = 8_000;

type Event<T extends AgentEventV1['event_type']> = Extract<AgentEventV1, { event_type: T }>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('connector circuit breaker and cache (end to end)', () => {
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack({
      name: 'breaker',
      sources: ['echo'],
      env: {
        QUERY_DEADLINE_MS: String(QUERY_DEADLINE_MS),
        BREAKER_TIMEOUT_MS: String(BREAKER_TIMEOUT_MS),
        BREAKER_VOLUME_THRESHOLD: String(BREAKER_VOLUME_THRESHOLD),
        BREAKER_ERROR_THRESHOLD_PERCENT: '50',
        BREAKER_RESET_TIMEOUT_MS: String(BREAKER_RESET_TIMEOUT_MS),
        BREAKER_ROLLING_WINDOW_MS: '60000',
        RATE_LIMIT_PER_MINUTE: '100000',
        RATE_LIMIT_PER_HOUR: '100000',
      },
    });
  });

  afterAll(async () => {
    await sut?.stop();
  });

  /** Asks the echo source and picks out what the tests look at. */
  const ask = async (query: string, auth = sut.auth) => {
    const started = Date.now();
    const { status, events } = await streamQuery(sut.url, { query, sources: ['echo'] }, undefined, auth);
    expect(status).toBe(200);
    const of = <T extends AgentEventV1['event_type']>(type: T) => events.map((e) => e.event).filter((e): e is Event<T> => e.event_type === type);
    const done = of('done');
    expect(done).toHaveLength(1);
    const complete = of('source_complete');
    expect(complete).toHaveLength(1);
    return {
      elapsed: Date.now() - started,
      toolStarts: of('tool_start'),
      toolEnds: of('tool_end'),
      complete: complete[0]!,
      result: done[0]!.result as MultiSourceResponse,
    };
  };

  const workerMetrics = async () => {
    const worker = sut.launches.find((l) => l.name === 'worker-echo-1')!;
    return (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
  };
  const metricValue = (text: string, pattern: RegExp) => Number(text.match(pattern)?.[1] ?? NaN);
  const breakerGauge = async () => metricValue(await workerMetrics(), /^mosaic_breaker_state\{[^}]*connector="echo"[^}]*\} (\d+)/m);

  it('should time out hung calls, open after the threshold, fail fast while open, and close after a half-open probe', async () => {
    // A hung server: each call is aborted at the breaker timeout, long before the query deadline.
    for (let i = 1; i <= BREAKER_VOLUME_THRESHOLD; i++) {
      const hung = await ask(`echo hang ${i}`);
      expect(hung.complete).toMatchObject({ success: false, error: `echo.sleep timed out after ${BREAKER_TIMEOUT_MS} ms` });
      expect(hung.elapsed).toBeLessThan(QUERY_DEADLINE_MS / 2);
      expect(hung.complete.breaker).toBe(i < BREAKER_VOLUME_THRESHOLD ? 'closed' : 'open');
    }
    expect(await breakerGauge()).toBe(2);

    // Open: the next question fails at once, without a single tool call.
    const fast = await ask('ping echo');
    expect(fast.complete).toMatchObject({ success: false, error: 'echo unavailable (circuit open)', breaker: 'open' });
    expect(fast.toolStarts).toHaveLength(0);
    expect(fast.result.failed_sources).toEqual(['echo']);
    expect(fast.result.source_results[0]).toMatchObject({ success: false, error: 'echo unavailable (circuit open)' });

    // After the reset timeout one probe goes through; a healthy answer closes the breaker.
    await sleep(BREAKER_RESET_TIMEOUT_MS + 500);
    expect(await breakerGauge()).toBe(1);
    const probe = await ask('ping echo');
    expect(probe.complete).toMatchObject({ success: true, breaker: 'closed' });
    expect(probe.toolEnds.map((e) => [e.tool, e.success])).toContainEqual(['echo', true]);
    expect(probe.result.successful_sources).toEqual(['echo']);

    const metrics = await workerMetrics();
    expect(metricValue(metrics, /^mosaic_breaker_state\{[^}]*connector="echo"[^}]*\} (\d+)/m)).toBe(0);
    for (const state of ['open', 'half_open', 'closed']) {
      expect(metricValue(metrics, new RegExp(`^mosaic_breaker_transitions_total\\{[^}]*connector="echo",state="${state}"[^}]*\\} (\\d+)`, 'm'))).toBe(1);
    }
    expect(metrics).toMatch(/mosaic_connector_call_duration_seconds_count\{[^}]*connector="echo",tool="sleep",outcome="timeout"/);
  });

  it('should answer a repeated question from the cache within 30 s for the same tenant only', async () => {
    const question = `ping echo ${randomUUID()}`;

    const first = await ask(question);
    const second = await ask(question);
    const otherTenant = await sut.newUser('cache-other-tenant');
    const third = await ask(question, otherTenant.auth);

    const echoEnd = (r: Awaited<ReturnType<typeof ask>>) => r.toolEnds.find((e) => e.tool === 'echo');
    expect(echoEnd(first)).toMatchObject({ success: true });
    expect(echoEnd(first)?.cached).toBeUndefined();
    expect(echoEnd(second)).toMatchObject({ success: true, cached: true });
    expect(second.result.source_results[0]!.items.map((i) => i.content)).toEqual(first.result.source_results[0]!.items.map((i) => i.content));
    expect(echoEnd(third)?.cached).toBeUndefined();

    const metrics = await workerMetrics();
    expect(metricValue(metrics, /^mosaic_connector_cache_requests_total\{[^}]*connector="echo",cache="result",outcome="hit"[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(metrics).not.toMatch(/mosaic_breaker_[a-z_]+\{[^}]*[0-9a-f]{32}/);
  });
});
