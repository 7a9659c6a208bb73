import path from 'node:path';
import { repoRoot } from '@mosaic/connectors';
import { freePort, loadSampleDatabase, mosaicLaunches, sampleDocsRoot, ServiceLaunch, ServiceStack } from '@mosaic/runtime';
import { requireInfraEnv } from '@mosaic/testing';

export interface TestStackOptions {
  sources: string[];
  replicas?: Record<string, number>;
  /** Extra environment for every service (QUERY_DEADLINE_MS, WORKER_ACK_WAIT_MS, ...). */
  env?: Record<string, string>;
  /** Log folder name under .mosaic/test-logs. */
  name: string;
}

export interface TestStack {
  url: string;
  stack: ServiceStack;
  launches: ServiceLaunch[];
  stop(): Promise<void>;
}

/** Starts a whole Mosaic stack as processes against the test infrastructure. */
export async function startTestStack(options: TestStackOptions): Promise<TestStack> {
  const infra = requireInfraEnv();
  const root = repoRoot();
  await loadSampleDatabase(infra.SAMPLE_DATABASE_URL, root);
  const stack = new ServiceStack({
    root,
    logDir: path.join(root, '.mosaic', 'test-logs', options.name),
    baseEnv: { NATS_URL: infra.NATS_URL, LOG_LEVEL: 'info', NODE_ENV: 'test' },
  });
  const gatewayPort = await freePort();
  const launches = await mosaicLaunches({
    gatewayPort,
    sources: options.sources,
    replicas: options.replicas,
    databaseUrl: infra.DATABASE_URL,
    redisUrl: infra.REDIS_URL,
    connectorEnv: { files: { FILES_ROOT: sampleDocsRoot(root) }, postgres: { POSTGRES_URL: infra.SAMPLE_READER_DATABASE_URL } },
    env: options.env,
  });
  try {
    await Promise.all(launches.filter((l) => l.name !== 'gateway').map((l) => stack.start(l)));
    await stack.start(launches.find((l) => l.name === 'gateway')!);
  } catch (error) {
    await stack.stopAll();
    throw error;
  }
  return { url: `http://127.0.0.1:${gatewayPort}`, stack, launches, stop: () => stack.stopAll() };
}
