import type { ServiceLaunch } from '@mosaic/runtime';

/** One group of a Prometheus file service discovery file. */
export interface FileSdGroup {
  targets: string[];
  labels: Record<string, string>;
}

/**
 * The `service` label Mosaic's own series carry for a launch (`worker-github-2` runs
 * `connector-worker-github`), so `up` and the service's series agree.
 */
export function serviceOf(launchName: string): string {
  const worker = /^worker-(.+)-\d+$/.exec(launchName);
  return worker ? `connector-worker-${worker[1]}` : launchName;
}

/** File service discovery groups for a stack's processes: each serves /metrics on its own port. */
export function scrapeTargets(launches: readonly Pick<ServiceLaunch, 'name' | 'port'>[], host = '127.0.0.1'): FileSdGroup[] {
  return launches.map((launch) => ({ targets: [`${host}:${launch.port}`], labels: { service: serviceOf(launch.name), launch: launch.name } }));
}
