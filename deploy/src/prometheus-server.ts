import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '@mosaic/runtime';
import { ALERTS_FILE, PROMETHEUS_CONFIG_FILE } from './paths';
import { hasBinary, PROMETHEUS_INSTALL_HINT } from './promtool';
import { FileSdGroup } from './scrape-targets';

export interface PrometheusOptions {
  targets: FileSdGroup[];
  /** Scrape and rule evaluation interval (default 1s). */
  interval?: string;
  /** Where Prometheus's own log goes. */
  logFile: string;
}

/** The `data` of a successful `/api/v1/query`. */
export interface InstantQueryData {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  result: Array<{ metric?: Record<string, string>; value?: [number, string] }> | [number, string];
}

export interface QueryResponse {
  status: 'success' | 'error';
  data?: InstantQueryData;
  errorType?: string;
  error?: string;
}

export interface PrometheusServer {
  url: string;
  /** GET /api/v1/query (instant), at `time` (seconds) or now. */
  query(expr: string, time?: number): Promise<QueryResponse>;
  /** GET an API path, e.g. `/api/v1/targets`; returns the parsed `data`. */
  api<T>(pathAndQuery: string): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Runs a real Prometheus on a free loopback port with its own data folder, configured from
 * deploy/prometheus/prometheus.yml (same job, same rules) with `interval` for scrapes and
 * rule evaluation and the given targets in its file service discovery folder.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  if (!hasBinary('prometheus')) throw new Error(`prometheus is not installed: ${PROMETHEUS_INSTALL_HINT}`);
  const interval = options.interval ?? '1s';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mosaic-prometheus-'));
  mkdirSync(path.join(dir, 'targets'));
  writeFileSync(path.join(dir, 'targets', 'stack.json'), JSON.stringify(options.targets, null, 2));
  copyFileSync(ALERTS_FILE, path.join(dir, 'alerts.yml'));

  const config = parse(readFileSync(PROMETHEUS_CONFIG_FILE, 'utf8')) as {
    global: Record<string, unknown>;
    scrape_configs: Array<{ file_sd_configs?: Array<{ refresh_interval?: string }> }>;
  };
  config.global = { ...config.global, scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval };
  for (const job of config.scrape_configs) for (const sd of job.file_sd_configs ?? []) sd.refresh_interval = '1s';
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, stringify(config));

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );

  const stop = async () => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exitCode !== undefined) {
      await stop();
      throw new Error(`prometheus exited with code ${exitCode} during start-up; see ${options.logFile}`);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 20 s; see ${options.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const response = await fetch(`${url}${pathAndQuery}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${pathAndQuery}: ${body.error ?? response.status}`);
    return body.data;
  };
  const query = async (expr: string, time?: number): Promise<QueryResponse> => {
    const params = new URLSearchParams({ query: expr });
    if (time !== undefined) params.set('time', String(time));
    const response = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
    });
    return (await response.json()) as QueryResponse;
  };
  return { url, query, api, stop };
}
