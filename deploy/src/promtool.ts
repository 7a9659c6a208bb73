import { spawnSync } from 'node:child_process';

const INSTALL_HINT = 'install it with `bash scripts/prometheus-deps.sh` (Debian package `prometheus`; `npm test` runs it)';

export interface ToolRun {
  status: number;
  /** stdout and stderr together, as a person would read them. */
  output: string;
}

/** Runs a Prometheus binary (`promtool`, `prometheus`); a missing binary fails with how to install it. */
export function runBinary(binary: 'promtool' | 'prometheus', args: string[], cwd?: string): ToolRun {
  const run = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? `${binary} is not installed: ${INSTALL_HINT}` : `${binary} ${args.join(' ')} failed to run: ${run.error.message}`, {
      cause: run.error,
    });
  }
  return { status: run.status ?? -1, output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}

/** `promtool <args>`; throws with promtool's own report when it does not succeed. */
export function promtool(args: string[], cwd?: string): string {
  const run = runBinary('promtool', args, cwd);
  if (run.status !== 0) throw new Error(`promtool ${args.join(' ')} failed (exit ${run.status}):\n${run.output}`);
  return run.output;
}

/** Whether a Prometheus binary is on PATH. */
export function hasBinary(binary: 'promtool' | 'prometheus'): boolean {
  return !spawnSync(binary, ['--version'], { encoding: 'utf8' }).error;
}

export const PROMETHEUS_INSTALL_HINT = INSTALL_HINT;
