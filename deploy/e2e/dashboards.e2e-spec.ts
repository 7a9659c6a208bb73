import path from 'node:path';
import { AgentEventV1, MultiSourceResponse } from '@mosaic/contracts';
import { FAKE_ANTHROPIC_API_KEY, FakeAnthropic, FakeReply, startFakeAnthropic, streamQuery } from '@mosaic/testing';
import { loadDashboards, loadRules, panelQueries, PrometheusServer, scrapeTargets, startPrometheus } from '../src';
import { repoRoot } from '@mosaic/connectors';
import { ObservedStack, signUp, StackUser, startObservedStack } from './support/observed-stack';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the local Messages API answers to every call: plans fall back (no select_sources), tool loops and syntheses answer in text. */
const MODEL_REPLY: FakeReply = { kind: 'message', content: [{ type: 'text', text: 'The sources were checked; see the cited items.' }] };

const DEMO_QUESTIONS = [
  'Which customers have open urgent support tickets, and what does our escalation runbook say to do?',
  'What is our refund policy, and which orders were refunded?',
  'Our customer Acme Corp is reporting checkout errors: what do we know about their account, and how do we handle a payment outage?',
];

const ECHO_BREAKER = {
  BREAKER_TIMEOUT_MS: '300',
  BREAKER_VOLUME_THRESHOLD: '3',
  BREAKER_ERROR_THRESHOLD_PERCENT: '50',
  BREAKER_RESET_TIMEOUT_MS: '2000',
  BREAKER_ROLLING_WINDOW_MS: '60000',
};

type Done = Extract<AgentEventV1, { event_type: 'done' }>;

/** Runs `jobs` with at most `concurrency` at once. */
async function pool<T>(jobs: Array<() => Promise<T>>, concurrency: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

/**
 * The dashboards and rules in deploy/ against a live stack: a whole Mosaic stack (files,
 * postgres, echo; the planner, synthesizer and echo worker on a local Messages API) scraped
 * every second by a real Prometheus loaded with deploy/prometheus/{prometheus,alerts}.yml.
 * After a burst of load (queries over SSE and JSON, a failing and a hanging source that opens
 * a breaker, 429s of three kinds), every panel's PromQL must return data and every rule must
 * evaluate.
 */
describe('dashboards and alerts on a live stack (end to end)', () => {
  let claude: FakeAnthropic;
  let sut: ObservedStack;
  let prometheus: PrometheusServer;
  /** Instant at which panels are evaluated: a few scrapes after the load ended. */
  let evaluatedAt: number;
  const timings: Record<string, number> = {};
  const logDir = path.join(repoRoot(), '.mosaic', 'test-logs', 'deploy-dashboards');
  const answers: MultiSourceResponse[] = [];
  const rejected: Record<string, number> = {};

  const time = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await step();
    } finally {
      timings[name] = Date.now() - started;
    }
  };

  beforeAll(async () => {
    claude = await startFakeAnthropic();
    claude.enqueue(...Array.from({ length: 3000 }, () => MODEL_REPLY));
    sut = await time('stack start', () =>
      startObservedStack({
        name: path.basename(logDir),
        sources: ['files', 'postgres', 'echo'],
        env: {
          ANTHROPIC_API_KEY: FAKE_ANTHROPIC_API_KEY,
          ANTHROPIC_BASE_URL: claude.url,
          RATE_LIMIT_PER_MINUTE: '100000',
          RATE_LIMIT_PER_HOUR: '100000',
          LOCKOUT_THRESHOLD: '2',
          QUERY_DEADLINE_MS: '15000',
        },
        adjust: (launch) => {
          // files answers with its deterministic strategy (real MCP tool calls and result caches);
          // postgres runs model tool loops (its tools are read-only; echo's are not offered to a model).
          if (launch.name === 'worker-files-1') {
            delete launch.env['ANTHROPIC_API_KEY'];
            delete launch.env['ANTHROPIC_BASE_URL'];
          }
          if (launch.name === 'worker-echo-1') Object.assign(launch.env, ECHO_BREAKER);
        },
        // Prometheus takes up to 5 s to apply discovered targets: let that overlap the services' start.
        beforeStart: async (launches) => {
          prometheus = await startPrometheus({ targets: scrapeTargets(launches), interval: '1s', logFile: path.join(logDir, 'prometheus.log') });
        },
      }),
    );
    await time('first scrapes', () => waitForTargetsUp(sut.launches.length));
    await time('load', driveLoad);
    // Three more scrapes, so the last requests are in every rate window.
    await time('settle', () => sleep(3_000));
    evaluatedAt = Date.now() / 1000;
  });

  afterAll(async () => {
    await prometheus?.stop();
    await sut?.stop();
    await claude?.close();
    process.stdout.write(`deploy dashboards e2e timings (ms): ${JSON.stringify(timings)}\n`);
  });

  async function waitForTargetsUp(count: number): Promise<void> {
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      const { activeTargets } = await prometheus.api<{ activeTargets: Array<{ health: string }> }>('/api/v1/targets');
      if (activeTargets.length === count && activeTargets.every((t) => t.health === 'up')) return;
      await sleep(200);
    }
    throw new Error(`not all ${count} targets were up within 15 s`);
  }

  const request = (method: string, route: string, auth: Record<string, string>, body?: unknown) =>
    fetch(`${sut.url}${route}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function ask(user: StackUser, query: string, sources: string[], over: 'sse' | 'json'): Promise<void> {
    if (over === 'sse') {
      const { status, events } = await streamQuery(sut.url, { query, sources }, undefined, user.auth);
      expect(status).toBe(200);
      const done = events.map((e) => e.event).find((e): e is Done => e.event_type === 'done');
      if (done) answers.push(done.result as MultiSourceResponse);
    } else {
      const response = await request('POST', '/api/agent/query', user.auth, { query, sources });
      expect(response.status).toBe(200);
      answers.push((await response.json()) as MultiSourceResponse);
    }
  }

  async function driveLoad(): Promise<void> {
    const owner = await signUp(sut.url, 'load');
    // First a hung source: each call times out at the breaker timeout until the breaker opens
    // (3 of 3 calls failed); it half-opens 2 s later and closes on the next good call.
    for (let i = 0; i < 4; i++) await ask(owner, `echo hang ${i}`, ['echo'], 'sse');
    const jobs: Array<() => Promise<void>> = [];
    for (let i = 0; i < 12; i++) jobs.push(() => ask(owner, DEMO_QUESTIONS[i % 3]!, ['files', 'postgres'], i % 2 ? 'json' : 'sse'));
    for (let i = 0; i < 4; i++) jobs.push(() => ask(owner, `ping echo ${i}`, ['echo'], 'sse'));
    for (let i = 0; i < 4; i++) jobs.push(() => ask(owner, `echo fail ${i}`, ['echo'], i % 2 ? 'json' : 'sse'));
    for (let i = 0; i < 4; i++) jobs.push(() => ask(owner, `what is our refund policy? echo fail ${i}`, ['files', 'echo'], 'sse'));
    await pool(jobs, 6);
    await Promise.all([rateLimit(), lockOut()]);
  }

  /** A tenant limited to 2 requests a minute: a session and an API key each run into 429. */
  async function rateLimit(): Promise<void> {
    const admin = await signUp(sut.url, 'limited');
    const created = await request('POST', '/api/keys', admin.auth, { name: 'load', scopes: ['query'] });
    const { key } = (await created.json()) as { key: string };
    expect((await request('PATCH', '/api/tenant/limits', admin.auth, { rate_limit_per_minute: 2 })).status).toBe(200);
    for (const [kind, auth] of [['user', admin.auth], ['api_key', { authorization: `Bearer ${key}` }]] as const) {
      for (let i = 0; i < 6 && !rejected[kind]; i++) {
        if ((await request('GET', '/api/auth/me', auth)).status === 429) rejected[kind] = 1;
      }
    }
  }

  /** Two failed logins lock the account (LOCKOUT_THRESHOLD=2): the next login is refused with 429. */
  async function lockOut(): Promise<void> {
    const victim = await signUp(sut.url, 'locked');
    const login = (password: string) => request('POST', '/api/auth/login', {}, { email: victim.email, password });
    expect((await login('wrong password 1')).status).toBe(401);
    expect((await login('wrong password 2')).status).toBe(401);
    if ((await login(victim.password)).status === 429) rejected['login_lockout'] = 1;
  }

  it('should have driven the load it meant to', () => {
    expect(answers.length).toBe(28);
    expect(answers.filter((a) => a.failed_sources.length === 0).length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.failed_sources.includes('echo')).length).toBeGreaterThanOrEqual(12);
    expect(rejected).toEqual({ user: 1, api_key: 1, login_lockout: 1 });
  });

  it('should scrape every service of the stack', async () => {
    const { activeTargets } = await prometheus.api<{ activeTargets: Array<{ health: string; labels: Record<string, string> }> }>('/api/v1/targets');
    expect(activeTargets.map((t) => [t.labels['service'], t.health]).sort()).toEqual(
      ['auth', 'connector-worker-echo', 'connector-worker-files', 'connector-worker-postgres', 'gateway', 'planner', 'synthesizer'].map((s) => [s, 'up']),
    );
  });

  it('should return data for every query of every dashboard panel', async () => {
    const queries = panelQueries(loadDashboards());
    const results = await Promise.all(
      queries.map(async (q) => {
        const response = await prometheus.query(q.expr, evaluatedAt);
        const samples = response.status === 'success' && Array.isArray(response.data?.result) ? response.data!.result.length : 0;
        return { where: `${q.dashboard} / ${q.panel} [${q.refId}]`, status: response.status, error: response.error, samples, expr: q.expr };
      }),
    );
    expect(results.filter((r) => r.status !== 'success' || r.samples === 0)).toEqual([]);
  });

  it('should evaluate every alert and recording rule, in queries and in the rule manager', async () => {
    const rules = loadRules();
    const parsed = await Promise.all(rules.map(async (rule) => ({ rule: rule.name, ...(await prometheus.query(rule.expr, evaluatedAt)) })));
    expect(parsed.filter((p) => p.status !== 'success').map((p) => `${p.rule}: ${p.error}`)).toEqual([]);

    const { groups } = await prometheus.api<{ groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> }>('/api/v1/rules');
    const loaded = groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name).sort()).toEqual(rules.map((r) => r.name).sort());
    expect(loaded.filter((r) => r.health !== 'ok')).toEqual([]);
  });

  it('should see the query routes, streams included, in the gateway\'s request metrics', async () => {
    const response = await prometheus.query('sum by (route, status_class) (mosaic_http_request_duration_seconds_count{service="gateway"})', evaluatedAt);
    const seen = (response.data!.result as Array<{ metric: Record<string, string> }>).map((r) => `${r.metric['route']} ${r.metric['status_class']}`);
    expect(seen).toEqual(expect.arrayContaining(['/api/agent/query 2xx', '/api/agent/query/stream 2xx', '/api/auth/me 4xx', '/api/auth/login 4xx']));
  });

  it('should count each kind of 429 the load caused', async () => {
    const response = await prometheus.query('sum by (kind) (mosaic_rate_limit_rejections_total)', evaluatedAt);
    const byKind = Object.fromEntries((response.data!.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => [r.metric['kind'], Number(r.value[1])]));
    expect(byKind).toEqual({ user: expect.any(Number), api_key: expect.any(Number), login_lockout: 1, token_budget: 0 });
    expect(byKind['user']).toBeGreaterThanOrEqual(1);
    expect(byKind['api_key']).toBeGreaterThanOrEqual(1);
  });

  it('should export the state of every durable consumer the stack owns, and the breaker the hung source opened', async () => {
    const consumers = await prometheus.query('max by (consumer) (mosaic_jetstream_consumer_pending)', evaluatedAt);
    expect((consumers.data!.result as Array<{ metric: Record<string, string> }>).map((r) => r.metric['consumer']).sort()).toEqual(
      expect.arrayContaining(['connector-echo', 'connector-files', 'connector-postgres', 'planner', 'synthesizer-plans', 'synthesizer-results']),
    );
    const opened = await prometheus.query('sum(increase(mosaic_breaker_transitions_total{connector="echo", state="open"}[2m]))', evaluatedAt);
    expect(Number((opened.data!.result as Array<{ value: [number, string] }>)[0]?.value[1])).toBeGreaterThanOrEqual(1);
  });

  it('should time model calls by model and role', async () => {
    const response = await prometheus.query('sum by (model, role) (mosaic_llm_call_duration_seconds_count)', evaluatedAt);
    const seen = (response.data!.result as Array<{ metric: Record<string, string> }>).map((r) => `${r.metric['role']} ${r.metric['model']}`);
    expect(seen).toEqual(expect.arrayContaining(['plan claude-haiku-4-5', 'tools_fast claude-haiku-4-5', 'synthesis claude-sonnet-4-6']));
  });
});
