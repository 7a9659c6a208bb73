import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** One service process to run: its compiled entry, environment and HTTP port. */
export interface ServiceLaunch {
  /** Unique within the stack (`gateway`, `worker-files-1`, ...). */
  name: string;
  /** Compiled entry point relative to the repository root. */
  entry: string;
  env: Record<string, string>;
  port: number;
  /** Path answering 200 once the service is ready. */
  readyPath: string;
}

export interface ServiceProcess {
  launch: ServiceLaunch;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export interface ServiceStackOptions {
  root: string;
  /** Each service's stdout+stderr goes to `<logDir>/<name>.log`. */
  logDir: string;
  /** Environment shared by every service (NATS_URL, ...). */
  baseEnv: Record<string, string>;
  readyTimeoutMs?: number;
}

/** Finds a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Mosaic's services as child processes, waits until each is ready, and stops
 * them with SIGTERM (then SIGKILL) — used by `npm start`, the end-to-end tests and
 * the benchmark.
 */
export class ServiceStack {
  private readonly running = new Map<string, ServiceProcess>();
  private readonly logs: WriteStream[] = [];

  constructor(private readonly options: ServiceStackOptions) {
    mkdirSync(options.logDir, { recursive: true });
  }

  get services(): ReadonlyMap<string, ServiceProcess> {
    return this.running;
  }

  async start(launch: ServiceLaunch): Promise<ServiceProcess> {
    if (this.running.has(launch.name)) throw new Error(`${launch.name} is already running`);
    const log = createWriteStream(path.join(this.options.logDir, `${launch.name}.log`), { flags: 'a' });
    this.logs.push(log);
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(this.options.root, launch.entry)], {
      cwd: this.options.root,
      env: { PATH: process.env['PATH'] ?? '', ...this.options.baseEnv, ...launch.env, PORT: String(launch.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const service: ServiceProcess = { launch, child, exited };
    this.running.set(launch.name, service);
    exited.then(() => {
      if (this.running.get(launch.name) === service) this.running.delete(launch.name);
    });
    await this.waitReady(service);
    return service;
  }

  private async waitReady(service: ServiceProcess): Promise<void> {
    const { launch } = service;
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 30_000);
    let exitCode: number | null | undefined;
    void service.exited.then((code) => (exitCode = code));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) {
        throw new Error(`${launch.name} exited with code ${exitCode} during start-up; see ${path.join(this.options.logDir, `${launch.name}.log`)}`);
      }
      try {
        const response = await fetch(`http://127.0.0.1:${launch.port}${launch.readyPath}`, { signal: AbortSignal.timeout(1000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${launch.name} was not ready within ${this.options.readyTimeoutMs ?? 30_000} ms; see its log in ${this.options.logDir}`);
  }

  /** Sends a signal to one service and waits for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<number | null> {
    const service = this.running.get(name);
    if (!service) return null;
    service.child.kill(signal);
    const timer = setTimeout(() => service.child.kill('SIGKILL'), timeoutMs);
    try {
      return await service.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async stopAll(timeoutMs = 20_000): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.kill(name, 'SIGTERM', timeoutMs)));
    for (const log of this.logs) log.end();
  }
}
