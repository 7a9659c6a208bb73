/**
 * `npm run bench`: what Mosaic costs on top of calling an MCP tool directly.
 *
 * In one run, side by side, at each concurrency (default 1 and 32):
 *   direct    an MCP client (stdio) calling the echo server's `echo` tool;
 *   platform  POST /api/agent/query {"query":"ping","sources":["echo"]} through a whole
 *             Mosaic stack (auth, planner, synthesizer, one echo worker, gateway) over
 *             NATS JetStream + Redis, which ends in the same `echo` tool call.
 * Each level: a warm-up, then N requests with exactly C in flight (closed loop). Prints
 * p50 / p99 / mean latency and throughput, the platform/direct ratios, and writes
 * everything to .mosaic/bench/query-vs-direct.json.
 *
 * Run through scripts/bench.sh (it builds and starts the `test` infrastructure):
 *   npm run bench
 *   npm run bench -- --requests 100,500 --warmup 10
 *   npm run bench -- --worker-concurrency 32
 *   npm run bench -- --concurrency 1,8,32 --requests 200
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  ensureDemoIdentity,
  freePort,
  mosaicLaunches,
  natsAdminFromEnv,
  natsCredentialsFromEnv,
  newSigningKeys,
  provisionStreams,
  ServiceStack,
} from '@mosaic/runtime';
import { runMigrations } from '@mosaic/persistence';
import { generateVaultKey } from '@mosaic/security';
import {
  describeClients,
  fmt,
  intList,
  logOffsets,
  mosaicClients,
  printNewLogLines,
  OWN_CLIENTS,
  percentile,
  positiveInt,
  ratio,
  repoRoot,
  requireEnv,
  UsageError,
} from './bench-common';

// ---------------------------------------------------------------- settings

const HELP = `query-vs-direct: the MCP echo tool called directly vs. through Mosaic
  --concurrency LIST        concurrency levels, comma-separated (default 1,32; env BENCH_CONCURRENCY)
  --requests LIST           measured requests per level, one number or one per level (default 200,1000; env BENCH_REQUESTS)
  --warmup N                warm-up requests before each measured run (default 20; env BENCH_WARMUP)
  --worker-concurrency N    WORKER_CONCURRENCY of the echo worker (default: the platform default, 8; env BENCH_WORKER_CONCURRENCY)
  --timeout-ms N            per-request timeout (default 60000; env BENCH_TIMEOUT_MS)
  --out FILE                JSON results (default .mosaic/bench/query-vs-direct.json; env BENCH_OUT)
needs NATS_URL with the NATS identities' passwords, DATABASE_URL and REDIS_URL (scripts/bench.sh exports the test profile's)`;

/** The platform's own default (services/connector-worker/src/config.ts). */
const PLATFORM_WORKER_CONCURRENCY = 8;

interface Settings {
  concurrency: number[];
  requests: number[];
  warmup: number;
  workerConcurrency?: number;
  timeoutMs: number;
  out: string;
}

function readSettings(root: string): Settings {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: {
        concurrency: { type: 'string' },
        requests: { type: 'string' },
        warmup: { type: 'string' },
        'worker-concurrency': { type: 'string' },
        'timeout-ms': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const env = process.env;
  const concurrency = intList(values.concurrency ?? env['BENCH_CONCURRENCY'] ?? '1,32', '--concurrency');
  let requests = intList(values.requests ?? env['BENCH_REQUESTS'] ?? '200,1000', '--requests');
  if (requests.length === 1) requests = concurrency.map(() => requests[0]);
  else if (requests.length !== concurrency.length) {
    // The defaults pair 200 with c=1 and 1000 with c=32; other level lists need their own.
    if (values.requests ?? env['BENCH_REQUESTS']) throw new UsageError('--requests needs one number, or one per --concurrency level');
    requests = concurrency.map((c) => (c === 1 ? 200 : 1000));
  }
  const workerRaw = values['worker-concurrency'] ?? env['BENCH_WORKER_CONCURRENCY'];
  return {
    concurrency,
    requests,
    warmup: positiveInt(values.warmup ?? env['BENCH_WARMUP'] ?? '20', '--warmup', 0),
    workerConcurrency: workerRaw ? positiveInt(workerRaw, '--worker-concurrency') : undefined,
    timeoutMs: positiveInt(values['timeout-ms'] ?? env['BENCH_TIMEOUT_MS'] ?? '60000', '--timeout-ms'),
    out: path.resolve(root, values.out ?? env['BENCH_OUT'] ?? path.join('.mosaic', 'bench', 'query-vs-direct.json')),
  };
}

// ---------------------------------------------------------------- measuring

/** One request of a path: resolves on success, throws with a reason on failure. */
type Operation = () => Promise<PlatformSample | void>;

/** What the platform says about its own share of a request (ms, from the done result). */
interface PlatformSample {
  /** requested_at → done, measured by the synthesizer. */
  queryMs: number;
  /** The echo worker's task (source_results[0].duration_ms). */
  taskMs: number;
  /** The MCP tool call inside the worker. */
  toolMs: number;
}

interface Summary {
  concurrency: number;
  path: 'direct' | 'platform';
  n: number;
  ok: number;
  errors: number;
  error_samples: string[];
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  mean_ms: number;
  min_ms: number;
  max_ms: number;
  throughput_rps: number;
  wall_ms: number;
  /** Platform only: medians of the platform's own timings. */
  server_p50_ms?: { query: number; task: number; tool: number };
}

interface RunResult {
  latencies: number[];
  errors: string[];
  samples: PlatformSample[];
  wallMs: number;
}

/** Runs `total` operations with exactly `concurrency` in flight (closed loop). */
async function closedLoop(operation: Operation, total: number, concurrency: number, stop: AbortSignal): Promise<RunResult> {
  const latencies: number[] = [];
  const errors: string[] = [];
  const samples: PlatformSample[] = [];
  let issued = 0;
  const lane = async () => {
    while (issued < total && !stop.aborted) {
      issued++;
      const started = performance.now();
      try {
        const sample = await operation();
        latencies.push(performance.now() - started);
        if (sample) samples.push(sample);
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return { latencies, errors, samples, wallMs: performance.now() - started };
}

function summarize(pathName: Summary['path'], concurrency: number, run: RunResult): Summary {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
  const distinctErrors = [...new Set(run.errors)];
  const summary: Summary = {
    concurrency,
    path: pathName,
    n: run.latencies.length + run.errors.length,
    ok: run.latencies.length,
    errors: run.errors.length,
    error_samples: distinctErrors.slice(0, 5),
    p50_ms: percentile(sorted, 50),
    p90_ms: percentile(sorted, 90),
    p99_ms: percentile(sorted, 99),
    mean_ms: mean,
    min_ms: sorted[0] ?? NaN,
    max_ms: sorted[sorted.length - 1] ?? NaN,
    // Successful requests per second of wall time.
    throughput_rps: run.latencies.length / (run.wallMs / 1000),
    wall_ms: run.wallMs,
  };
  if (run.samples.length) {
    const median = (pick: (s: PlatformSample) => number) => percentile(run.samples.map(pick).sort((a, b) => a - b), 50);
    summary.server_p50_ms = { query: median((s) => s.queryMs), task: median((s) => s.taskMs), tool: median((s) => s.toolMs) };
  }
  return summary;
}

// ---------------------------------------------------------------- the two paths

async function openDirect(root: string): Promise<{ client: Client; operation: Operation }> {
  const entry = path.join(root, 'dist', 'libs', 'connectors', 'src', 'echo', 'echo-mcp.main.js');
  const transport = new StdioClientTransport({ command: process.execPath, args: [entry], cwd: root, stderr: 'pipe' });
  transport.stderr?.on('data', () => undefined);
  const client = new Client({ name: 'mosaic-bench', version: '0.1.0' });
  await client.connect(transport);
  const operation: Operation = async () => {
    const result = await client.callTool({ name: 'echo', arguments: { message: 'ping' } });
    const content = Array.isArray(result.content) ? result.content : [];
    const text = content.map((c) => (c.type === 'text' ? c.text : '')).join('');
    if (result.isError || text !== 'ping') throw new Error(`echo answered ${JSON.stringify(result).slice(0, 200)}`);
  };
  return { client, operation };
}

function platformOperation(port: number, timeoutMs: number, agent: Agent, apiKey: string): Operation {
  const body = JSON.stringify({ query: 'ping', sources: ['echo'] });
  return () =>
    new Promise<PlatformSample>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/api/agent/query',
          method: 'POST',
          agent,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: `Bearer ${apiKey}` },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) {
              let reason = text.slice(0, 200);
              try {
                const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
                if (parsed.error) reason = `${parsed.error.code}: ${parsed.error.message}`;
              } catch {
                // keep the raw text
              }
              reject(new Error(`HTTP ${res.statusCode} ${reason}`));
              return;
            }
            try {
              const result = JSON.parse(text) as {
                successful_sources?: string[];
                duration_ms?: number;
                source_results?: { duration_ms?: number; tool_calls?: { duration_ms?: number }[] }[];
              };
              const ok = result.successful_sources;
              if (!Array.isArray(ok) || ok.length !== 1 || ok[0] !== 'echo') {
                reject(new Error(`successful_sources ${JSON.stringify(ok)} (expected ["echo"])`));
                return;
              }
              const task = result.source_results?.[0];
              resolve({ queryMs: result.duration_ms ?? NaN, taskMs: task?.duration_ms ?? NaN, toolMs: task?.tool_calls?.[0]?.duration_ms ?? NaN });
            } catch (error) {
              reject(new Error(`unreadable response: ${(error as Error).message}`));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
}

// ---------------------------------------------------------------- output

function tableRow(s: Summary): string {
  return [
    String(s.concurrency).padEnd(13),
    s.path.padEnd(10),
    String(s.ok).padStart(5),
    String(s.errors).padStart(7),
    fmt(s.p50_ms).padStart(9),
    fmt(s.p99_ms).padStart(9),
    fmt(s.mean_ms).padStart(9),
    fmt(s.throughput_rps).padStart(9),
  ].join('');
}

const TABLE_HEAD = `${'concurrency'.padEnd(13)}${'path'.padEnd(10)}${'n'.padStart(5)}${'errors'.padStart(7)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'mean ms'.padStart(9)}${'req/s'.padStart(9)}`;

// ---------------------------------------------------------------- other stacks on the same NATS

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const root = repoRoot();
  const settings = readSettings(root);
  const natsUrl = requireEnv('NATS_URL');
  const databaseUrl = requireEnv('DATABASE_URL');
  const redisUrl = requireEnv('REDIS_URL');
  const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

  const stop = new AbortController();
  const logDir = path.join(root, '.mosaic', 'bench', 'logs');
  const offsets = logOffsets(logDir);
  const stack = new ServiceStack({
    root,
    logDir,
    baseEnv: { NATS_URL: natsUrl, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
    readyTimeoutMs: 60_000,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(...settings.concurrency) * 2 });
  let direct: Client | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      agent.destroy();
      await direct?.close().catch(() => undefined);
      await stack.stopAll(10_000);
    })());
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    say(`${signal}: stopping the stack and the MCP client ...`);
    stop.abort();
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const workerConcurrency = settings.workerConcurrency ?? PLATFORM_WORKER_CONCURRENCY;
    const workerNote = settings.workerConcurrency
      ? `WORKER_CONCURRENCY=${workerConcurrency} (set by the benchmark; the platform default is ${PLATFORM_WORKER_CONCURRENCY})`
      : `WORKER_CONCURRENCY=${workerConcurrency} (platform default)`;

    const monitorUrl = process.env['NATS_MONITOR_URL'];
    const othersBefore = await mosaicClients(monitorUrl);
    if (othersBefore && Object.keys(othersBefore).length) {
      say(
        `WARNING: other Mosaic services are connected to ${natsUrl} (${describeClients(othersBefore)}). They share the durable ` +
          'consumers with the benchmark stack and will distort its numbers; stop them (e.g. running end-to-end tests) for a clean run.',
      );
    }

    say('starting the echo MCP server for the direct path');
    const opened = await openDirect(root);
    direct = opened.client;

    say('starting the Mosaic stack (sources: echo) ...');
    await runMigrations({ url: databaseUrl });
    await provisionStreams(natsUrl, natsAdminFromEnv());
    const gatewayPort = await freePort();
    const launches = await mosaicLaunches({
      gatewayPort,
      sources: ['echo'],
      connectorEnv: {},
      databaseUrl,
      appDatabaseUrl: requireEnv('APP_DATABASE_URL'),
      redisUrl,
      signingKeys: await newSigningKeys(),
      vaultKeys: generateVaultKey(),
      natsCredentials: natsCredentialsFromEnv(),
      env: {
        LOG_LEVEL: 'warn',
        // The benchmark measures the pipeline, not the per-key rate limit.
        RATE_LIMIT_PER_MINUTE: '100000000',
        RATE_LIMIT_PER_HOUR: '100000000',
        // Every request asks the same question: with the result cache on, the platform would skip the MCP call it is compared on.
        CONNECTOR_CACHE: 'off',
        ...(settings.workerConcurrency ? { WORKER_CONCURRENCY: String(settings.workerConcurrency) } : {}),
      },
    });
    for (const launch of launches) {
      if (stop.signal.aborted) return;
      await stack.start(launch);
    }
    // Like any program, the benchmark authenticates with an API key (verified once, then cached).
    const identity = await ensureDemoIdentity(`http://127.0.0.1:${gatewayPort}`, path.join(root, '.mosaic', 'bench'));
    const platform = platformOperation(gatewayPort, settings.timeoutMs, agent, identity.apiKey);
    say(`stack ready: gateway on 127.0.0.1:${gatewayPort}, logs in .mosaic/bench/logs/`);

    const cpus = os.cpus();
    const header = [
      `query-vs-direct: MCP echo tool called directly vs. through Mosaic (POST /api/agent/query, sources ["echo"])`,
      `node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${os.platform()} ${os.release()}`,
      `one echo worker, ${workerNote}; PLANNER_CONCURRENCY=16, SYNTHESIZER_CONCURRENCY=32 (defaults); LOG_LEVEL=warn`,
      `closed loop: exactly C requests in flight; warm-up ${settings.warmup} per level; latency = performance.now() around each request`,
    ];
    process.stdout.write(`\n${header.join('\n')}\n\n`);

    const results: Summary[] = [];
    for (const [i, concurrency] of settings.concurrency.entries()) {
      const n = settings.requests[i];
      for (const [name, operation] of [
        ['direct', opened.operation],
        ['platform', platform],
      ] as const) {
        if (stop.signal.aborted) return;
        say(`c=${concurrency} ${name}: warm-up ${settings.warmup}, then ${n} requests`);
        const warm = await closedLoop(operation, settings.warmup, concurrency, stop.signal);
        if (warm.errors.length) say(`c=${concurrency} ${name}: ${warm.errors.length} warm-up errors, e.g. ${warm.errors[0]}`);
        const run = await closedLoop(operation, n, concurrency, stop.signal);
        if (stop.signal.aborted) return;
        const summary = summarize(name, concurrency, run);
        results.push(summary);
        if (summary.errors) say(`c=${concurrency} ${name}: ${summary.errors} errors: ${summary.error_samples.join(' | ')}`);
      }
    }

    process.stdout.write(`${TABLE_HEAD}\n`);
    for (const s of results) process.stdout.write(`${tableRow(s)}\n`);
    process.stdout.write('\n');
    const ratios = settings.concurrency.map((concurrency) => {
      const d = results.find((r) => r.concurrency === concurrency && r.path === 'direct')!;
      const p = results.find((r) => r.concurrency === concurrency && r.path === 'platform')!;
      const entry = {
        concurrency,
        p50: p.p50_ms / d.p50_ms,
        p99: p.p99_ms / d.p99_ms,
        throughput: p.throughput_rps / d.throughput_rps,
      };
      process.stdout.write(
        `ratio (platform/direct) c=${concurrency}: p50 ×${ratio(p.p50_ms, d.p50_ms)}, p99 ×${ratio(p.p99_ms, d.p99_ms)}, throughput ×${ratio(p.throughput_rps, d.throughput_rps)}\n`,
      );
      return entry;
    });
    process.stdout.write('\n');
    for (const s of results) {
      if (s.server_p50_ms) {
        const { query, task, tool } = s.server_p50_ms;
        process.stdout.write(
          `platform c=${s.concurrency} p50 breakdown (ms, from the result): query requested→done ${fmt(query)}, echo task ${fmt(task)}, echo tool call ${fmt(tool)}; HTTP+gateway+JetStream read ≈ ${fmt(s.p50_ms - query)}\n`,
        );
      }
    }
    const peak = Math.max(...settings.concurrency);
    const platformPeak = results.find((r) => r.concurrency === peak && r.path === 'platform');
    if (platformPeak && peak > workerConcurrency) {
      process.stdout.write(
        `note: at c=${peak} the echo worker runs at most ${workerConcurrency} tasks at once (WORKER_CONCURRENCY); the other requests queue in JetStream.\n`,
      );
    }

    const othersAfter = await mosaicClients(monitorUrl, OWN_CLIENTS);
    const sharedNats = { before: othersBefore ?? null, after: othersAfter ?? null };
    if (othersAfter && Object.keys(othersAfter).length) {
      process.stdout.write(
        `WARNING: other Mosaic services shared this NATS during the run (${describeClients(othersAfter)}); the platform numbers are not clean.\n`,
      );
    } else if (!othersBefore && !othersAfter) {
      process.stdout.write('note: could not check for other Mosaic stacks on this NATS (NATS_MONITOR_URL not set or not answering)\n');
    }

    const logged = await printNewLogLines(logDir, offsets);

    mkdirSync(path.dirname(settings.out), { recursive: true });
    writeFileSync(
      settings.out,
      `${JSON.stringify(
        {
          benchmark: 'query-vs-direct',
          finished_at: new Date().toISOString(),
          environment: { node: process.version, cpus: cpus.length, cpu_model: cpus[0]?.model.trim(), platform: `${os.platform()} ${os.release()}` },
          settings: {
            concurrency: settings.concurrency,
            requests: settings.requests,
            warmup: settings.warmup,
            worker_concurrency: workerConcurrency,
            worker_concurrency_is_default: settings.workerConcurrency === undefined,
            log_level: 'warn',
            timeout_ms: settings.timeoutMs,
          },
          results,
          ratios,
          service_log_lines: logged,
          other_mosaic_clients_on_nats: sharedNats,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`results: ${path.relative(root, settings.out)}\n`);
    if (results.some((r) => r.errors > 0)) process.exitCode = 1;
  } finally {
    if (!interrupted) {
      say('stopping the stack and the MCP client');
      await cleanup();
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`[bench] ${error.message}\n${HELP}\n`);
    process.exit(2);
  }
  process.stderr.write(`[bench] failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
