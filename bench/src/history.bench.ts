/**
 * `npm run bench` (second part): what keeping query history costs.
 *
 * In one run, side by side:
 *   store  HistoryStore.apply on realistic chat turns (query_accepted with a conversation,
 *          plan_complete, done with a MultiSourceResponse and its citations) for a fresh tenant
 *          and user, connected as the application role (row-level security as in production):
 *          one event per call (one transaction each) vs. batches of HISTORY_BATCH_SIZE events
 *          (what the auth service's history writer does). Events/s, turns/s and the ratio; the
 *          tenant (and with it every row written) is deleted afterwards.
 *   ttfe   one Mosaic stack (sources: echo), its auth service started with HISTORY_WRITER=on
 *          and =off in turn (only auth restarts): time from POST /api/agent/query/stream to the
 *          first SSE event and to `done`, sequential queries, p50/p99 per mode and the ratio
 *          on/off. Checks through GET /api/queries that the writer wrote every query of the
 *          "on" segments, none while off, and the backlog once switched on again.
 * Results go to .mosaic/bench/history.json.
 *
 * Run through scripts/bench.sh (it builds and starts the `test` infrastructure):
 *   npm run bench                                     # query-vs-direct, then this
 *   npm run bench -- --only history
 *   npm run bench -- --only history --history-parts store --history-turns 5000
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { AgentEventV1Schema, HISTORY_CONSUMER, QueryRunView, STREAMS } from '@mosaic/contracts';
import { createOrm, HistoryEvent, HistoryStore, MikroORM, runMigrations, Tenant, User, withTenant } from '@mosaic/persistence';
import {
  freePort,
  mosaicLaunches,
  natsAdminFromEnv,
  natsCredentialsFromEnv,
  newSigningKeys,
  provisionStreams,
  ServiceLaunch,
  ServiceStack,
} from '@mosaic/runtime';
import { generateVaultKey } from '@mosaic/security';
import {
  describeClients,
  Distribution,
  distribution,
  fmt,
  logOffsets,
  mosaicClients,
  printNewLogLines,
  OWN_CLIENTS,
  positiveInt,
  ratio,
  repoRoot,
  requireEnv,
  UsageError,
} from './bench-common';

// ---------------------------------------------------------------- settings

const HELP = `history: chat-history writes batched vs. one at a time, and time to first event with the history writer on vs. off
  --history-parts LIST      store, ttfe or both (default store,ttfe; env BENCH_HISTORY_PARTS)
  --history-turns N         chat turns written each way by the store part (default 2000; env BENCH_HISTORY_TURNS)
  --history-warmup-turns N  turns written each way before measuring (default 200; env BENCH_HISTORY_WARMUP_TURNS)
  --history-batch N         events per apply() when batched, like HISTORY_BATCH_SIZE (default 200; env BENCH_HISTORY_BATCH)
  --history-turns-per-conversation N  (default 5; env BENCH_HISTORY_TURNS_PER_CONVERSATION)
  --history-citations N     citations per answer (default 3; env BENCH_HISTORY_CITATIONS)
  --history-queries N       measured streaming queries per mode, sequential (default 200; env BENCH_HISTORY_QUERIES)
  --history-warmup N        warm-up queries before each segment (default 20; env BENCH_HISTORY_WARMUP)
  --history-initial-warmup N  warm-up queries once the stack has started (default 100; env BENCH_HISTORY_INITIAL_WARMUP)
  --history-rounds N        on/off alternations; 2 runs on, off, off, on (default 2; env BENCH_HISTORY_ROUNDS)
  --history-timeout-ms N    per-query timeout (default 60000; env BENCH_HISTORY_TIMEOUT_MS)
  --history-out FILE        JSON results (default .mosaic/bench/history.json; env BENCH_HISTORY_OUT)
needs NATS_URL with the NATS identities' passwords, NATS_MONITOR_URL, DATABASE_URL, APP_DATABASE_URL and REDIS_URL (scripts/bench.sh exports the test profile's)`;

type Part = 'store' | 'ttfe';
type Mode = 'on' | 'off';

interface Settings {
  parts: Set<Part>;
  turns: number;
  warmupTurns: number;
  batch: number;
  turnsPerConversation: number;
  citations: number;
  queries: number;
  warmup: number;
  initialWarmup: number;
  rounds: number;
  timeoutMs: number;
  out: string;
}

function readSettings(root: string): Settings {
  const names = ['parts', 'turns', 'warmup-turns', 'batch', 'turns-per-conversation', 'citations', 'queries', 'warmup', 'initial-warmup', 'rounds', 'timeout-ms', 'out'] as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { ...Object.fromEntries(names.map((n) => [`history-${n}`, { type: 'string' as const }])), help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values['help']) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const raw = (name: (typeof names)[number], fallback: string): string =>
    (values[`history-${name}`] as string | undefined) ?? process.env[`BENCH_HISTORY_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
  const int = (name: (typeof names)[number], fallback: number, min = 1) => positiveInt(raw(name, String(fallback)), `--history-${name}`, min);
  const parts = raw('parts', 'store,ttfe')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length || parts.some((p) => p !== 'store' && p !== 'ttfe')) throw new UsageError(`--history-parts takes store, ttfe or both, got "${raw('parts', '')}"`);
  const settings: Settings = {
    parts: new Set(parts as Part[]),
    turns: int('turns', 2000),
    warmupTurns: int('warmup-turns', 200, 0),
    batch: int('batch', 200),
    turnsPerConversation: int('turns-per-conversation', 5),
    citations: int('citations', 3, 0),
    queries: int('queries', 200),
    warmup: int('warmup', 20, 0),
    initialWarmup: int('initial-warmup', 100, 0),
    rounds: int('rounds', 2),
    timeoutMs: int('timeout-ms', 60_000),
    out: path.resolve(root, raw('out', path.join('.mosaic', 'bench', 'history.json'))),
  };
  if (settings.citations > 6) throw new UsageError('--history-citations must be at most 6 (items per source result)');
  if (settings.queries < settings.rounds) throw new UsageError('--history-queries must be at least --history-rounds');
  return settings;
}

const say = (line: string) => process.stderr.write(`[bench history] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- realistic chat turns

const QUESTIONS = [
  'What does our escalation runbook say to do when a P1 incident is not acknowledged within 15 minutes?',
  'Which customers have open urgent support tickets, and who owns them?',
  'What is our refund policy for annual plans cancelled in the first month?',
  'Summarise the on-call handover checklist.',
  'Which orders from Acme Corp were refunded last quarter, and why?',
  'How do we rotate the payment provider API keys?',
  'What is the approval process for production database access?',
  'Which support tickets mention checkout errors this week?',
];

const SOURCES = [
  { source: 'files', tools: ['search_files', 'read_text_file'], item: (k: number) => `runbooks/escalation.md#step-${k + 1}` },
  { source: 'postgres', tools: ['search', 'execute_query'], item: (k: number) => `support_tickets/${4100 + k}` },
];

const PROSE =
  'The on-call engineer acknowledges the page, opens an incident channel, and posts a first status update within fifteen minutes. ' +
  'If the incident is customer facing, support is told which accounts are affected and what to say; refunds above the threshold need a manager. ';
const text = (chars: number, seed: number) => {
  let out = '';
  while (out.length < chars) out += PROSE.slice(seed % 40) + PROSE;
  return out.slice(0, chars);
};

/**
 * `turns` chat turns of one user, `perConversation` turns to a conversation: each turn is the
 * events the history writer stores for it, in stream order (query_accepted, plan_complete, done),
 * checked against the event contract.
 */
function chatTurns(turns: number, tenantId: string, userId: string, perConversation: number, citations: number, startTs: number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let conversationId = randomUUID();
  for (let i = 0; i < turns; i++) {
    if (i % perConversation === 0) conversationId = randomUUID();
    const conversation = Math.floor(i / perConversation);
    const { source, tools, item } = SOURCES[conversation % SOURCES.length];
    const queryId = randomUUID();
    const question = QUESTIONS[i % QUESTIONS.length];
    const ts = startTs + i * 2000;
    const plan = { sources: [{ source, confidence: 0.92, reasoning: `the question is about ${source === 'files' ? 'a runbook or policy' : 'customer records'}` }], reasoning: 'chat turn on one source' };
    const items = Array.from({ length: 6 }, (_, k) => ({
      id: item(k),
      title: `${source === 'files' ? 'Escalation runbook, step' : 'Ticket'} ${k + 1}`,
      tool: tools[1],
      content: text(320, i + k),
      score: Math.round((0.95 - k * 0.1) * 100) / 100,
    }));
    const cited = items.slice(0, citations);
    const response =
      `${text(420, i)} ${cited.map((_, k) => `[${k + 1}]`).join(' ')}\n\n` + `${text(260, i + 7)}${cited.length ? ` [${cited.length}]` : ''}`;
    const result = {
      query_id: queryId,
      response,
      source_results: [
        {
          source,
          success: true,
          summary: `${items.length} matching items from ${source}`,
          items,
          tool_calls: [
            { tool: tools[0], arguments: { query: question.slice(0, 40) }, success: true, duration_ms: 14 },
            { tool: tools[1], arguments: { id: items[0].id }, success: true, duration_ms: 6 },
          ],
          duration_ms: 180,
        },
      ],
      successful_sources: [source],
      failed_sources: [],
      plan,
      citations: cited.map((c, k) => ({ index: k + 1, source, tool: c.tool, item: c.id, excerpt: c.content.slice(0, 200) })),
      duration_ms: 1450,
    };
    const turn = [
      { event_type: 'query_accepted', query_id: queryId, ts, kind: 'chat', question, tenant_id: tenantId, user_id: userId, sources: [source], conversation_id: conversationId, datasource: source },
      { event_type: 'plan_complete', query_id: queryId, ts: ts + 40, ...plan },
      { event_type: 'done', query_id: queryId, ts: ts + 1450, result },
    ];
    for (const event of turn) events.push(AgentEventV1Schema.parse(event) as HistoryEvent);
  }
  return events;
}

// ---------------------------------------------------------------- store: batched vs. one at a time

interface StoreRun {
  mode: 'single' | 'batched';
  events_per_call: number;
  calls: number;
  events: number;
  turns: number;
  wall_ms: number;
  events_per_s: number;
  turns_per_s: number;
  /** Latency of one apply() call (one transaction). */
  call: Distribution;
}

interface StoreResult {
  tenant_id: string;
  /** Durability settings of the Postgres server: with both off, a commit waits for no disk flush. */
  postgres: { version: string; fsync: string; synchronous_commit: string };
  events_per_turn: number;
  event_bytes_mean: number;
  runs: StoreRun[];
  ratio_batched_over_single: { events_per_s: number };
  rows_verified: { conversations: number; query_runs_done: number; messages: number; expected: { conversations: number; query_runs_done: number; messages: number } };
}

async function writeAll(store: HistoryStore, tenantId: string, events: HistoryEvent[], perCall: number, stop: AbortSignal): Promise<{ wallMs: number; calls: number[] }> {
  const calls: number[] = [];
  const started = performance.now();
  for (let i = 0; i < events.length && !stop.aborted; i += perCall) {
    const t0 = performance.now();
    await store.apply(tenantId, events.slice(i, i + perCall));
    calls.push(performance.now() - t0);
  }
  return { wallMs: performance.now() - started, calls };
}

/** A tenant and a member, created the way sign-up does: inside the new tenant's own context. */
async function createTenant(orm: MikroORM): Promise<{ tenantId: string; userId: string }> {
  const tenantId = randomUUID();
  const unique = tenantId.slice(0, 8);
  const userId = await withTenant(orm, tenantId, async (em) => {
    const tenant = em.create(Tenant, { id: tenantId, name: `bench history ${unique}`, slug: `bench-history-${unique}` });
    const user = em.create(User, {
      tenant,
      email: `bench-history-${unique}@bench.example`,
      name: 'History bench',
      // Not a hash of anything: nobody signs in as this user.
      passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$bench$${unique}`,
      role: 'member',
    });
    return user.id;
  });
  return { tenantId, userId };
}

/** Deletes a tenant; every row of it goes too (all foreign keys to tenants cascade). */
async function deleteTenant(orm: MikroORM, tenantId: string): Promise<void> {
  await withTenant(orm, tenantId, (em) => em.nativeDelete(Tenant, { id: tenantId }));
}

async function benchStore(settings: Settings, orm: MikroORM, tenants: Set<string>, stop: AbortSignal): Promise<StoreResult | undefined> {
  const store = new HistoryStore(orm);
  const { tenantId, userId } = await createTenant(orm);
  tenants.add(tenantId);
  say(`store: tenant ${tenantId}, as the application role (row-level security on)`);
  try {
    const now = Date.now() - 3 * 86_400_000;
    const make = (turns: number, offset: number) => chatTurns(turns, tenantId, userId, settings.turnsPerConversation, settings.citations, now + offset);
    // Fresh query ids for every run: the writes are idempotent, a replayed turn would change nothing.
    const warmSingle = make(settings.warmupTurns, 0);
    const warmBatched = make(settings.warmupTurns, 1e7);
    const single = make(settings.turns, 2e7);
    const batched = make(settings.turns, 4e7 + settings.turns * 2000);
    const eventsPerTurn = single.length / settings.turns;
    const eventBytes = single.reduce((sum, e) => sum + JSON.stringify(e).length, 0) / single.length;

    say(`store: warm-up, ${settings.warmupTurns} turns each way`);
    await writeAll(store, tenantId, warmSingle, 1, stop);
    await writeAll(store, tenantId, warmBatched, settings.batch, stop);

    const runs: StoreRun[] = [];
    for (const [mode, events, perCall] of [
      ['single', single, 1],
      ['batched', batched, settings.batch],
    ] as const) {
      if (stop.aborted) return undefined;
      say(`store: ${mode}, ${events.length} events (${settings.turns} turns), ${perCall} per apply()`);
      const { wallMs, calls } = await writeAll(store, tenantId, events, perCall, stop);
      runs.push({
        mode,
        events_per_call: perCall,
        calls: calls.length,
        events: events.length,
        turns: settings.turns,
        wall_ms: wallMs,
        events_per_s: events.length / (wallMs / 1000),
        turns_per_s: settings.turns / (wallMs / 1000),
        call: distribution(calls),
      });
    }
    if (stop.aborted) return undefined;

    // Everything written, as the writer would leave it: every turn done, both messages of each.
    const totalTurns = 2 * settings.warmupTurns + 2 * settings.turns;
    const conversationsOf = (turns: number) => Math.ceil(turns / settings.turnsPerConversation);
    const expected = {
      conversations: 2 * conversationsOf(settings.warmupTurns) + 2 * conversationsOf(settings.turns),
      query_runs_done: totalTurns,
      messages: 2 * totalTurns,
    };
    const [counts] = await withTenant(orm, tenantId, (em) =>
      em.execute<{ conversations: string; query_runs_done: string; messages: string }[]>(
        `select (select count(*) from conversations) as conversations,
                (select count(*) from query_runs where status = 'done' and jsonb_array_length(citations) = ?) as query_runs_done,
                (select count(*) from messages) as messages`,
        [settings.citations],
      ),
    );
    const found = { conversations: Number(counts.conversations), query_runs_done: Number(counts.query_runs_done), messages: Number(counts.messages) };
    if (found.conversations !== expected.conversations || found.query_runs_done !== expected.query_runs_done || found.messages !== expected.messages) {
      throw new Error(`store: rows written ${JSON.stringify(found)} differ from those expected ${JSON.stringify(expected)}`);
    }
    const [settingsRow] = await orm.em
      .fork()
      .getConnection()
      .execute<{ version: string; fsync: string; synchronous_commit: string }[]>(
        `select current_setting('server_version') as version, current_setting('fsync') as fsync, current_setting('synchronous_commit') as synchronous_commit`,
      );
    const [one, many] = runs;
    return {
      tenant_id: tenantId,
      postgres: settingsRow,
      events_per_turn: eventsPerTurn,
      event_bytes_mean: Math.round(eventBytes),
      runs,
      ratio_batched_over_single: { events_per_s: many.events_per_s / one.events_per_s },
      rows_verified: { ...found, expected },
    };
  } finally {
    say(`store: deleting tenant ${tenantId} and its rows`);
    await deleteTenant(orm, tenantId);
    tenants.delete(tenantId);
  }
}

// ---------------------------------------------------------------- ttfe: history writer on vs. off

interface StreamSample {
  queryId: string;
  headersMs: number;
  firstEventMs: number;
  firstEventType: string;
  doneMs: number;
}

/** POST /api/agent/query/stream and read the SSE stream to its end; times from just before the request. */
function streamQuery(port: number, agent: Agent, apiKey: string, timeoutMs: number): Promise<StreamSample> {
  const body = JSON.stringify({ query: 'ping', sources: ['echo'] });
  return new Promise<StreamSample>((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/api/agent/query/stream',
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: `Bearer ${apiKey}`, Accept: 'text/event-stream' },
      },
      (res) => {
        const headersMs = performance.now() - started;
        const queryId = String(res.headers['x-query-id'] ?? '');
        let buffer = '';
        let firstEventMs = NaN;
        let firstEventType = '';
        let doneMs = NaN;
        let failure: string | undefined;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5).trimStart())
              .join('\n');
            if (!data) continue; // retry:, heartbeats
            const at = performance.now() - started;
            let event: { event_type?: string; error?: string; code?: string };
            try {
              event = JSON.parse(data) as typeof event;
            } catch {
              failure = `unreadable event ${data.slice(0, 120)}`;
              continue;
            }
            if (Number.isNaN(firstEventMs)) {
              firstEventMs = at;
              firstEventType = event.event_type ?? '?';
            }
            if (event.event_type === 'done') doneMs = at;
            if (event.event_type === 'error') failure = `error event ${event.code}: ${event.error}`;
          }
        });
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode} ${buffer.slice(0, 200)}`));
          else if (failure) reject(new Error(failure));
          else if (Number.isNaN(doneMs)) reject(new Error('the stream ended without done'));
          else resolve({ queryId, headersMs, firstEventMs, firstEventType, doneMs });
        });
      },
    );
    // Declared after the request: its callbacks only run once this has been set.
    const timer = setTimeout(() => req.destroy(new Error(`no done within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}

async function call<T>(base: string, method: string, route: string, options: { body?: unknown; bearer?: string } = {}): Promise<{ status: number; json: T }> {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}) },
    body: options.body ? JSON.stringify(options.body) : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, json: (await response.json().catch(() => ({}))) as T };
}

interface BenchUser {
  tenantId: string;
  userId: string;
  apiKey: string;
}

/** A fresh tenant and admin signed up through the gateway, with a query-scoped API key (like any program). */
async function signUpBenchUser(base: string, tenants: Set<string>): Promise<BenchUser> {
  const unique = randomUUID().slice(0, 8);
  const email = `bench-history-${unique}@bench.example`;
  const password = randomBytes(18).toString('base64url');
  const signup = await call<{ user?: { tenant_id?: string } }>(base, 'POST', '/api/auth/signup', {
    body: { email, password, name: 'History bench', tenant_name: `bench history ${unique}` },
  });
  if (signup.status !== 201) throw new Error(`bench sign-up failed (${signup.status}): ${JSON.stringify(signup.json)}`);
  // Deleted at the end even if a later step fails.
  if (signup.json.user?.tenant_id) tenants.add(signup.json.user.tenant_id);
  const login = await call<{ token?: string }>(base, 'POST', '/api/auth/login', { body: { email, password } });
  if (login.status !== 200 || !login.json.token) throw new Error(`bench login failed (${login.status}): ${JSON.stringify(login.json)}`);
  const key = await call<{ key?: string }>(base, 'POST', '/api/keys', { body: { name: 'history bench', scopes: ['query'] }, bearer: login.json.token });
  if (key.status !== 201 || !key.json.key) throw new Error(`bench API key failed (${key.status}): ${JSON.stringify(key.json)}`);
  const me = await call<{ id: string; tenant_id: string }>(base, 'GET', '/api/auth/me', { bearer: key.json.key });
  if (me.status !== 200) throw new Error(`GET /api/auth/me failed (${me.status}): ${JSON.stringify(me.json)}`);
  return { tenantId: me.json.tenant_id, userId: me.json.id, apiKey: key.json.key };
}

/** Every query run of the bench user (GET /api/queries, page by page): id → status. */
async function listRuns(base: string, apiKey: string): Promise<Map<string, QueryRunView['status']>> {
  const runs = new Map<string, QueryRunView['status']>();
  let before: string | undefined;
  for (;;) {
    const query = `/api/queries?limit=200${before ? `&before=${encodeURIComponent(before)}` : ''}`;
    const page = await call<QueryRunView[]>(base, 'GET', query, { bearer: apiKey });
    if (page.status !== 200 || !Array.isArray(page.json)) throw new Error(`GET /api/queries failed (${page.status}): ${JSON.stringify(page.json).slice(0, 200)}`);
    for (const run of page.json) runs.set(run.id, run.status);
    if (page.json.length < 200) return runs;
    before = page.json[page.json.length - 1].created_at;
  }
}

const written = (runs: Map<string, QueryRunView['status']>, ids: string[]) => ids.filter((id) => runs.get(id) === 'done').length;

/** The history writer's durable consumer: events not yet delivered, and delivered but unacknowledged. */
async function historyBacklog(monitorUrl: string | undefined): Promise<{ pending: number; ackPending: number } | undefined> {
  if (!monitorUrl) return undefined;
  try {
    const response = await fetch(`${monitorUrl.replace(/\/+$/, '')}/jsz?accounts=true&streams=true&consumers=true`, { signal: AbortSignal.timeout(3000) });
    const body = (await response.json()) as {
      account_details?: { stream_detail?: { name: string; consumer_detail?: { name: string; num_pending: number; num_ack_pending: number }[] }[] }[];
    };
    for (const account of body.account_details ?? [])
      for (const stream of account.stream_detail ?? [])
        if (stream.name === STREAMS.events.name)
          for (const consumer of stream.consumer_detail ?? [])
            if (consumer.name === HISTORY_CONSUMER) return { pending: consumer.num_pending, ackPending: consumer.num_ack_pending };
    return { pending: 0, ackPending: 0 };
  } catch {
    return undefined;
  }
}

/**
 * Waits until the writer has stored every query in `ids` (the backlog of an "off" segment
 * included) and the history consumer has nothing left, so a measured "on" segment starts
 * with the writer idle. Returns how long that took, or throws on timeout.
 */
async function drain(base: string, apiKey: string, ids: string[], monitorUrl: string | undefined, stop: AbortSignal, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  let missing = ids.length;
  while (!stop.aborted) {
    if (ids.length) missing = ids.length - written(await listRuns(base, apiKey), ids);
    const backlog = await historyBacklog(monitorUrl);
    const idle = !backlog || backlog.pending + backlog.ackPending === 0;
    if (missing === 0 && idle) return performance.now() - started;
    if (performance.now() - started > timeoutMs) {
      if (missing === 0) {
        say(`WARNING: the history consumer still has a backlog (${JSON.stringify(backlog)}) after ${timeoutMs} ms (another stack's events?); measuring anyway`);
        return performance.now() - started;
      }
      throw new Error(`the history writer stored only ${ids.length - missing} of ${ids.length} queries within ${timeoutMs} ms`);
    }
    await sleep(200);
  }
  return performance.now() - started;
}

interface Segment {
  mode: Mode;
  warmup: number;
  queries: number;
  /** Every query id sent in the segment (warm-up included). */
  ids: string[];
  samples: StreamSample[];
  errors: string[];
  /** Queries of the segment found stored (done) right after it, before the writer was switched. */
  written_right_after: number;
  drain_before_ms?: number;
  /** Runs of this segment: one more each time another stack shared the NATS server. */
  attempts: number;
  waited_for_quiet_ms?: number;
  /** Other Mosaic services seen on the NATS server during the segment (most at once). */
  others: Record<string, number>;
  disturbed?: boolean;
}

/** Measurements of a segment, at most, before its last one is kept even if disturbed. */
const MAX_ATTEMPTS = 3;

/** Waits (up to `maxMs`) until no other Mosaic stack is connected to the NATS server. */
async function waitQuiet(monitorUrl: string | undefined, stop: AbortSignal, maxMs = 180_000): Promise<number> {
  const started = performance.now();
  let announced = false;
  while (!stop.aborted && performance.now() - started < maxMs) {
    const others = await mosaicClients(monitorUrl, OWN_CLIENTS);
    if (!others || Object.keys(others).length === 0) return performance.now() - started;
    if (!announced) say(`ttfe: waiting for the other stack on the NATS server to go (${describeClients(others)}) ...`);
    announced = true;
    await sleep(2000);
  }
  return performance.now() - started;
}

interface ModeSummary {
  mode: Mode;
  ok: number;
  errors: number;
  error_samples: string[];
  first_event: Distribution;
  done: Distribution;
  headers: Distribution;
  first_event_types: Record<string, number>;
}

type SegmentSummary = Omit<Segment, 'ids' | 'samples' | 'errors'> & { ok: number; errors: number; first_event_p50_ms: number; done_p50_ms: number };

interface TtfeResult {
  gateway_port: number;
  bench_tenant_id: string;
  order: Mode[];
  segments: SegmentSummary[];
  modes: ModeSummary[];
  ratio_on_over_off: { first_event_p50: number; first_event_p99: number; done_p50: number; done_p99: number };
  history_check: {
    queries_sent: number;
    stored_at_end: number;
    on_segments: { sent: number; stored_right_after: number };
    off_segments: { sent: number; stored_while_off: number };
  };
}

/** Segment order: ABBA-style alternation ending with "on", so no backlog is left behind. */
function segmentOrder(rounds: number): Mode[] {
  const order: Mode[] = [];
  for (let r = 0; r < rounds; r++) order.push(...((rounds - 1 - r) % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)));
  return order;
}

async function benchTtfe(settings: Settings, tenants: Set<string>, stack: ServiceStack, agent: Agent, stop: AbortSignal): Promise<TtfeResult | undefined> {
  const natsUrl = requireEnv('NATS_URL');
  const databaseUrl = requireEnv('DATABASE_URL');
  const monitorUrl = process.env['NATS_MONITOR_URL'];
  await provisionStreams(natsUrl, natsAdminFromEnv());
  const gatewayPort = await freePort();
  const launches = await mosaicLaunches({
    gatewayPort,
    sources: ['echo'],
    connectorEnv: {},
    databaseUrl,
    appDatabaseUrl: requireEnv('APP_DATABASE_URL'),
    redisUrl: requireEnv('REDIS_URL'),
    signingKeys: await newSigningKeys(),
    vaultKeys: generateVaultKey(),
    natsCredentials: natsCredentialsFromEnv(),
    env: {
      LOG_LEVEL: 'warn',
      // The benchmark measures the pipeline, not the per-key rate limit.
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_PER_HOUR: '100000000',
      CONNECTOR_CACHE: 'off',
    },
  });
  const order = segmentOrder(settings.rounds);
  const auth = launches.find((l) => l.name === 'auth') as ServiceLaunch;
  auth.env = { ...auth.env, HISTORY_WRITER: order[0] };
  // Another stack's auth would answer this stack's requests too (sign-up, sessions): start alone.
  await waitQuiet(monitorUrl, stop);
  say(`ttfe: starting the Mosaic stack (sources: echo), auth with HISTORY_WRITER=${order[0]} ...`);
  for (const launch of launches) {
    if (stop.aborted) return undefined;
    await stack.start(launch);
  }
  const base = `http://127.0.0.1:${gatewayPort}`;
  let user: BenchUser | undefined;
  for (let attempt = 1; !user; attempt++) {
    try {
      user = await signUpBenchUser(base, tenants);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS) throw error;
      say(`ttfe: ${(error as Error).message}; trying again once the NATS server has no other stack`);
      await waitQuiet(monitorUrl, stop);
    }
  }
  tenants.add(user.tenantId);
  say(`ttfe: stack ready (gateway 127.0.0.1:${gatewayPort}), bench tenant ${user.tenantId}; segments ${order.join(', ')}`);

  let mode: Mode = order[0];
  const switchTo = async (next: Mode) => {
    say(`ttfe: restarting auth with HISTORY_WRITER=${next}`);
    await stack.kill('auth');
    auth.env = { ...auth.env, HISTORY_WRITER: next };
    await stack.start(auth);
    mode = next;
  };
  const sent: string[] = [];
  const segments: Segment[] = [];
  const perSegment = (i: number) => Math.floor(settings.queries / settings.rounds) + (Math.floor(i / 2) < settings.queries % settings.rounds ? 1 : 0);
  const runQueries = async (count: number, onEach: (sample: StreamSample | Error, index: number) => void) => {
    for (let q = 0; q < count && !stop.aborted; q++) {
      try {
        onEach(await streamQuery(gatewayPort, agent, user.apiKey, settings.timeoutMs), q);
      } catch (error) {
        onEach(error as Error, q);
      }
    }
  };
  if (settings.initialWarmup) {
    // Cold processes (JIT, connection pools) would otherwise count against the first segment.
    say(`ttfe: warming the stack up with ${settings.initialWarmup} queries`);
    await runQueries(settings.initialWarmup, (r) => (r instanceof Error ? say(`ttfe: warm-up error: ${r.message}`) : sent.push(r.queryId)));
  }
  for (const [i, segmentMode] of order.entries()) {
    if (stop.aborted) return undefined;
    if (segmentMode !== mode) await switchTo(segmentMode);
    for (let attempt = 1; ; attempt++) {
      const segment: Segment = { mode: segmentMode, warmup: settings.warmup, queries: perSegment(i), ids: [], samples: [], errors: [], written_right_after: 0, attempts: attempt, others: {} };
      segment.waited_for_quiet_ms = await waitQuiet(monitorUrl, stop);
      if (segmentMode === 'on') {
        // The writer takes the backlog of the "off" segments first: measure once it is idle again.
        segment.drain_before_ms = await drain(base, user.apiKey, sent, monitorUrl, stop);
        if (sent.length) say(`ttfe: writer has stored all ${sent.length} earlier queries, idle after ${fmt(segment.drain_before_ms)} ms`);
      }
      say(`ttfe: segment ${i + 1}/${order.length}${attempt > 1 ? ` (attempt ${attempt})` : ''}, history ${segmentMode}: warm-up ${settings.warmup}, then ${segment.queries} queries`);
      const noteOthers = async () => {
        for (const [name, n] of Object.entries((await mosaicClients(monitorUrl, OWN_CLIENTS)) ?? {})) segment.others[name] = Math.max(segment.others[name] ?? 0, n);
      };
      await runQueries(settings.warmup + segment.queries, (result, q) => {
        if (!(result instanceof Error)) segment.ids.push(result.queryId);
        if (q >= settings.warmup) {
          if (result instanceof Error) segment.errors.push(result.message);
          else segment.samples.push(result);
        } else if (result instanceof Error) say(`ttfe: warm-up error: ${result.message}`);
        if (q % 10 === 0) void noteOthers();
      });
      await noteOthers();
      sent.push(...segment.ids);
      // On: the writer keeps up (a flush every HISTORY_FLUSH_MS); off: nothing may be stored yet.
      if (segmentMode === 'on') await sleep(500);
      segment.written_right_after = written(await listRuns(base, user.apiKey), segment.ids);
      say(`ttfe: segment ${i + 1}: ${segment.written_right_after}/${segment.ids.length} queries stored right after it`);
      // Another stack on the NATS server shares the durable consumers (an auth of its own writes
      // history "while off"): its load distorts the segment, so it is measured again.
      const strangers = Object.keys(segment.others).length > 0 || (segmentMode === 'off' && segment.written_right_after > 0);
      segment.disturbed = strangers;
      if (!strangers || attempt >= MAX_ATTEMPTS || stop.aborted) {
        if (strangers) say(`ttfe: WARNING: segment ${i + 1} shared the NATS server with another stack (${describeClients(segment.others) || 'its auth wrote history'}) in all ${attempt} attempts; keeping the last`);
        segments.push(segment);
        break;
      }
      say(`ttfe: segment ${i + 1} shared the NATS server with another stack (${describeClients(segment.others) || 'its auth wrote history'}); measuring it again`);
    }
  }
  if (stop.aborted) return undefined;
  // The last segment is "on": everything sent, the "off" backlog included, must be stored.
  await drain(base, user.apiKey, sent, monitorUrl, stop);
  const storedAtEnd = written(await listRuns(base, user.apiKey), sent);

  const summarize = (m: Mode): ModeSummary => {
    const of = segments.filter((s) => s.mode === m);
    const samples = of.flatMap((s) => s.samples);
    const errors = of.flatMap((s) => s.errors);
    const types: Record<string, number> = {};
    for (const s of samples) types[s.firstEventType] = (types[s.firstEventType] ?? 0) + 1;
    return {
      mode: m,
      ok: samples.length,
      errors: errors.length,
      error_samples: [...new Set(errors)].slice(0, 5),
      first_event: distribution(samples.map((s) => s.firstEventMs)),
      done: distribution(samples.map((s) => s.doneMs)),
      headers: distribution(samples.map((s) => s.headersMs)),
      first_event_types: types,
    };
  };
  const on = summarize('on');
  const off = summarize('off');
  const sum = (m: Mode, pick: (s: Segment) => number) => segments.filter((s) => s.mode === m).reduce((a, s) => a + pick(s), 0);
  return {
    gateway_port: gatewayPort,
    bench_tenant_id: user.tenantId,
    order,
    segments: segments.map(({ ids: _ids, samples, errors, ...rest }) => ({
      ...rest,
      ok: samples.length,
      errors: errors.length,
      first_event_p50_ms: distribution(samples.map((s) => s.firstEventMs)).p50_ms,
      done_p50_ms: distribution(samples.map((s) => s.doneMs)).p50_ms,
    })),
    modes: [on, off],
    ratio_on_over_off: {
      first_event_p50: on.first_event.p50_ms / off.first_event.p50_ms,
      first_event_p99: on.first_event.p99_ms / off.first_event.p99_ms,
      done_p50: on.done.p50_ms / off.done.p50_ms,
      done_p99: on.done.p99_ms / off.done.p99_ms,
    },
    history_check: {
      queries_sent: sent.length,
      stored_at_end: storedAtEnd,
      on_segments: { sent: sum('on', (s) => s.ids.length), stored_right_after: sum('on', (s) => s.written_right_after) },
      off_segments: { sent: sum('off', (s) => s.ids.length), stored_while_off: sum('off', (s) => s.written_right_after) },
    },
  };
}

// ---------------------------------------------------------------- output

function printStore(result: StoreResult, settings: Settings): void {
  const head = `${'mode'.padEnd(9)}${'per call'.padStart(9)}${'calls'.padStart(7)}${'events'.padStart(8)}${'turns'.padStart(7)}${'wall ms'.padStart(9)}${'events/s'.padStart(10)}${'turns/s'.padStart(9)}${'call p50'.padStart(10)}${'call p99'.padStart(10)}`;
  const lines = result.runs.map((r) =>
    [
      r.mode.padEnd(9),
      String(r.events_per_call).padStart(9),
      String(r.calls).padStart(7),
      String(r.events).padStart(8),
      String(r.turns).padStart(7),
      fmt(r.wall_ms).padStart(9),
      fmt(r.events_per_s).padStart(10),
      fmt(r.turns_per_s).padStart(9),
      fmt(r.call.p50_ms).padStart(10),
      fmt(r.call.p99_ms).padStart(10),
    ].join(''),
  );
  const [one, many] = result.runs;
  process.stdout.write(
    [
      `history store: HistoryStore.apply as the application role (row-level security), ${settings.turns} chat turns each way after ${settings.warmupTurns} warm-up turns`,
      `a turn = ${result.events_per_turn} events (query_accepted with a conversation, plan_complete, done with ${settings.citations} citations; ${result.event_bytes_mean} bytes of JSON per event on average), ${settings.turnsPerConversation} turns to a conversation`,
      '',
      head,
      ...lines,
      '',
      `ratio (batched/single): throughput ×${ratio(many.events_per_s, one.events_per_s)} (${fmt(many.turns_per_s)} vs ${fmt(one.turns_per_s)} turns/s)`,
      `Postgres ${result.postgres.version}, fsync=${result.postgres.fsync}, synchronous_commit=${result.postgres.synchronous_commit}` +
        (result.postgres.fsync === 'off' || result.postgres.synchronous_commit === 'off'
          ? ' (the test profile): commits wait for no disk flush, so a transaction costs less here than with durable commits, and batching gains less'
          : ''),
      `rows checked: ${result.rows_verified.conversations} conversations, ${result.rows_verified.query_runs_done} query runs done, ${result.rows_verified.messages} messages (as expected); tenant deleted`,
      '',
    ].join('\n'),
  );
}

function printTtfe(result: TtfeResult, settings: Settings): void {
  const head = `${'history'.padEnd(9)}${'n'.padStart(5)}${'errors'.padStart(7)}${'first p50'.padStart(11)}${'first p99'.padStart(11)}${'first mean'.padStart(12)}${'done p50'.padStart(10)}${'done p99'.padStart(10)}`;
  const lines = result.modes.map((m) =>
    [
      m.mode.padEnd(9),
      String(m.ok).padStart(5),
      String(m.errors).padStart(7),
      fmt(m.first_event.p50_ms).padStart(11),
      fmt(m.first_event.p99_ms).padStart(11),
      fmt(m.first_event.mean_ms).padStart(12),
      fmt(m.done.p50_ms).padStart(10),
      fmt(m.done.p99_ms).padStart(10),
    ].join(''),
  );
  const [on, off] = result.modes;
  const check = result.history_check;
  const firstTypes = Object.entries({ ...on.first_event_types })
    .map(([t, n]) => `${t} ×${n}`)
    .join(', ');
  process.stdout.write(
    [
      `history ttfe: POST /api/agent/query/stream {"query":"ping","sources":["echo"]}, ${settings.queries} sequential queries per mode (+${settings.warmup} warm-up per segment, ${settings.initialWarmup} after start-up)`,
      `one stack, auth restarted with HISTORY_WRITER=on|off between segments: ${result.order.join(', ')}; latency in ms from just before the request`,
      '',
      head,
      ...lines,
      '',
      `ratio (on/off): first event p50 ×${ratio(on.first_event.p50_ms, off.first_event.p50_ms)}, p99 ×${ratio(on.first_event.p99_ms, off.first_event.p99_ms)}; done p50 ×${ratio(on.done.p50_ms, off.done.p50_ms)}, p99 ×${ratio(on.done.p99_ms, off.done.p99_ms)}`,
      `per segment (first event p50 / done p50): ${result.segments.map((s) => `${s.mode} ${fmt(s.first_event_p50_ms)}/${fmt(s.done_p50_ms)}${s.attempts > 1 ? ` (attempt ${s.attempts})` : ''}${s.disturbed ? ' DISTURBED' : ''}`).join(', ')}`,
      `first event: ${firstTypes}`,
      `history check (GET /api/queries): on segments ${check.on_segments.stored_right_after}/${check.on_segments.sent} stored right after each; ` +
        `off segments ${check.off_segments.stored_while_off}/${check.off_segments.sent} stored while off; ${check.stored_at_end}/${check.queries_sent} stored at the end`,
      '',
    ].join('\n'),
  );
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const root = repoRoot();
  const settings = readSettings(root);
  requireEnv('NATS_URL');
  const databaseUrl = requireEnv('DATABASE_URL');
  const appDatabaseUrl = requireEnv('APP_DATABASE_URL');
  requireEnv('REDIS_URL');

  const stop = new AbortController();
  const logDir = path.join(root, '.mosaic', 'bench', 'logs');
  const offsets = logOffsets(logDir);
  const stack = new ServiceStack({ root, logDir, baseEnv: { NATS_URL: requireEnv('NATS_URL'), LOG_LEVEL: 'warn', NODE_ENV: 'production' }, readyTimeoutMs: 60_000 });
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  /** Tenants this run created and has not deleted yet. */
  const tenants = new Set<string>();
  let orm: MikroORM | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      agent.destroy();
      await stack.stopAll(10_000);
      for (const tenantId of orm ? tenants : []) {
        await deleteTenant(orm as MikroORM, tenantId).catch((error: Error) => say(`could not delete tenant ${tenantId}: ${error.message}`));
      }
      await orm?.close();
    })());
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    say(`${signal}: stopping the stack and deleting the bench tenants ...`);
    stop.abort();
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const monitorUrl = process.env['NATS_MONITOR_URL'];
  let othersBefore: Record<string, number> | undefined;
  try {
    await runMigrations({ url: databaseUrl });
    orm = await createOrm({ url: appDatabaseUrl, applicationName: 'mosaic-bench', pool: { min: 1, max: 4 } });
    const cpus = os.cpus();
    process.stdout.write(`\nhistory: node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${os.platform()} ${os.release()}\n\n`);

    const store = settings.parts.has('store') ? await benchStore(settings, orm, tenants, stop.signal) : undefined;
    if (store) printStore(store, settings);

    let ttfe: TtfeResult | undefined;
    if (settings.parts.has('ttfe') && !stop.signal.aborted) {
      othersBefore = await mosaicClients(monitorUrl);
      if (othersBefore && Object.keys(othersBefore).length) {
        say(
          `WARNING: other Mosaic services are connected to the NATS server (${describeClients(othersBefore)}). They share the durable consumers ` +
            '(their auth writes history even while the bench runs with it off) and will distort the numbers; stop them for a clean run.',
        );
      }
      ttfe = await benchTtfe(settings, tenants, stack, agent, stop.signal);
      if (ttfe) printTtfe(ttfe, settings);
    }
    if (stop.signal.aborted) return;

    const othersAfter = settings.parts.has('ttfe') ? await mosaicClients(monitorUrl, OWN_CLIENTS) : undefined;
    if (othersAfter && Object.keys(othersAfter).length) {
      process.stdout.write(`WARNING: other Mosaic services shared this NATS during the run (${describeClients(othersAfter)}); the ttfe numbers are not clean.\n`);
    } else if (settings.parts.has('ttfe') && !othersBefore && !othersAfter) {
      process.stdout.write('note: could not check for other Mosaic stacks on this NATS (NATS_MONITOR_URL not set or not answering)\n');
    }
    if (ttfe?.segments.some((s) => s.disturbed)) {
      process.stdout.write('WARNING: some segments shared the NATS server with another Mosaic stack even after measuring them again; rerun for clean ttfe numbers.\n');
    }
    if (ttfe && ttfe.history_check.off_segments.stored_while_off > 0) {
      process.stdout.write('WARNING: queries were stored while this stack ran with HISTORY_WRITER=off: another auth service consumed the history events.\n');
    }

    // The bench user's tenant goes after the stack: its history is complete by now (the last segment drained it).
    if (settings.parts.has('ttfe')) say('stopping the stack');
    await stack.stopAll(10_000);
    for (const tenantId of [...tenants]) {
      await deleteTenant(orm, tenantId);
      tenants.delete(tenantId);
    }

    const logged = await printNewLogLines(logDir, offsets);

    mkdirSync(path.dirname(settings.out), { recursive: true });
    writeFileSync(
      settings.out,
      `${JSON.stringify(
        {
          benchmark: 'history',
          finished_at: new Date().toISOString(),
          environment: { node: process.version, cpus: cpus.length, cpu_model: cpus[0]?.model.trim(), platform: `${os.platform()} ${os.release()}` },
          settings: { ...settings, parts: [...settings.parts] },
          store: store ?? null,
          ttfe: ttfe ?? null,
          service_log_lines: logged,
          other_mosaic_clients_on_nats: { before: othersBefore ?? null, after: othersAfter ?? null },
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`results: ${path.relative(root, settings.out)}\n`);
    if (ttfe && (ttfe.modes.some((m) => m.errors > 0) || ttfe.history_check.stored_at_end !== ttfe.history_check.queries_sent)) process.exitCode = 1;
  } finally {
    if (!interrupted) await cleanup();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`[bench history] ${error.message}\n${HELP}\n`);
    process.exit(2);
  }
  process.stderr.write(`[bench history] failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
