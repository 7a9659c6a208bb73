/**
 * What the benchmarks share: settings parsing, statistics and formatting, the check for other
 * Mosaic stacks on the same NATS, and reading the services' logs of this run.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------- settings

/** The repository root: $MOSAIC_ROOT, else the nearest folder above this file with nx.json. */
export function repoRoot(): string {
  if (process.env['MOSAIC_ROOT']) return process.env['MOSAIC_ROOT'];
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the repository root above ${__dirname}`);
  }
}

/** Bad flags or environment: reported without a stack trace, exit code 2. */
export class UsageError extends Error {}

export function intList(raw: string, name: string): number[] {
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!list.length || list.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`${name} must be positive integers, got "${raw}"`);
  return list;
}

export function positiveInt(raw: string, name: string, min = 1): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new UsageError(`${name} is not set; run through \`npm run bench\` (scripts/bench.sh exports the test infrastructure's URLs)`);
  return value;
}

// ---------------------------------------------------------------- statistics and output

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Distribution {
  n: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  mean_ms: number;
  min_ms: number;
  max_ms: number;
}

export function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50_ms: percentile(sorted, 50),
    p90_ms: percentile(sorted, 90),
    p99_ms: percentile(sorted, 99),
    mean_ms: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
    min_ms: sorted[0] ?? NaN,
    max_ms: sorted[sorted.length - 1] ?? NaN,
  };
}

export const fmt = (n: number): string => {
  if (!Number.isFinite(n)) return '-';
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
};

export const ratio = (a: number, b: number): string => {
  const r = a / b;
  if (!Number.isFinite(r)) return '-';
  return r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toFixed(3);
};

// ---------------------------------------------------------------- other stacks on the same NATS

/** NATS client names of Mosaic services (runtime.module.ts names each connection after its service). */
const MOSAIC_CLIENT = /^(gateway|planner|synthesizer|auth|connector-worker-[a-z0-9_-]+)$/;
/** A benchmark's own stack with one echo worker: one connection per service. */
export const OWN_CLIENTS: Record<string, number> = { auth: 1, planner: 1, synthesizer: 1, gateway: 1, 'connector-worker-echo': 1 };

/**
 * Mosaic service connections on the NATS server, by name (from its monitoring endpoint).
 * Every stack on one NATS binds the same durable consumers (planner, synthesizer-plans,
 * connector-echo, history-writer, ...), so another stack there (say, end-to-end tests) takes
 * part of the benchmark's work, and a query it pulls while shutting down waits out the ack wait.
 */
export async function mosaicClients(monitorUrl: string | undefined, minus: Record<string, number> = {}): Promise<Record<string, number> | undefined> {
  if (!monitorUrl) return undefined;
  try {
    const response = await fetch(`${monitorUrl.replace(/\/+$/, '')}/connz?limit=4096`, { signal: AbortSignal.timeout(3000) });
    const body = (await response.json()) as { connections?: { name?: string }[] };
    const counts: Record<string, number> = {};
    for (const { name } of body.connections ?? []) if (name && MOSAIC_CLIENT.test(name)) counts[name] = (counts[name] ?? 0) + 1;
    for (const [name, n] of Object.entries(minus)) {
      if (counts[name] !== undefined) counts[name] -= n;
      if ((counts[name] ?? 0) <= 0) delete counts[name];
    }
    return counts;
  } catch {
    return undefined;
  }
}

export const describeClients = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([name, n]) => `${name} ×${n}`)
    .join(', ');

// ---------------------------------------------------------------- service logs

/** Current size of every log in `dir`, so only this run's lines are read afterwards. */
export function logOffsets(dir: string): Map<string, number> {
  const offsets = new Map<string, number>();
  if (!existsSync(dir)) return offsets;
  for (const file of readdirSync(dir)) if (file.endsWith('.log')) offsets.set(file, statSync(path.join(dir, file)).size);
  return offsets;
}

/** What the services logged during this run (LOG_LEVEL=warn: warnings, errors, runtime warnings). */
export function newLogLines(dir: string, offsets: Map<string, number>): { file: string; lines: number; samples: string[] }[] {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
    const text = readFileSync(path.join(dir, file)).subarray(offsets.get(file) ?? 0).toString('utf8');
    const lines = text.split('\n').filter((l) => l.trim());
    if (!lines.length) continue;
    const distinct = [...new Set(lines.map((l) => l.replace(/\(node:\d+\) /, '').slice(0, 240)))];
    found.push({ file, lines: lines.length, samples: distinct.slice(0, 3) });
  }
  return found;
}

/** Prints (and returns) what the stack's services logged during the run (at LOG_LEVEL=warn: problems only). */
export async function printNewLogLines(dir: string, offsets: Map<string, number>): Promise<ReturnType<typeof newLogLines>> {
  await new Promise((resolve) => setTimeout(resolve, 250)); // let the log pipes flush
  const logged = newLogLines(dir, offsets);
  for (const { file, lines, samples } of logged) {
    process.stdout.write(`service log ${file}: ${lines} line(s) at LOG_LEVEL=warn, e.g.\n${samples.map((l) => `  ${l}`).join('\n')}\n`);
  }
  return logged;
}
