import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { repoRoot } from '@mosaic/connectors';
import { runMigrations } from '@mosaic/persistence';
import {
  freePort,
  loadSampleDatabase,
  mosaicLaunches,
  natsAdminFromEnv,
  natsCredentialsFromEnv,
  newSigningKeys,
  provisionStreams,
  sampleDocsRoot,
  ServiceLaunch,
  ServiceStack,
} from '@mosaic/runtime';
import { generateVaultKey } from '@mosaic/security';
import { requireInfraEnv } from '@mosaic/testing';

export interface ObservedStackOptions {
  sources: string[];
  /** Environment for every service. */
  env: Record<string, string>;
  /** Changes one launch before it starts (per-service environment). */
  adjust?: (launch: ServiceLaunch) => void;
  /** Runs once every port is known, before any service starts (e.g. a scraper that needs the targets). */
  beforeStart?: (launches: ServiceLaunch[]) => Promise<void>;
  /** Log folder name under .mosaic/test-logs. */
  name: string;
}

export interface ObservedStack {
  url: string;
  launches: ServiceLaunch[];
  logDir: string;
  stop(): Promise<void>;
}

/**
 * A whole Mosaic stack as processes against the test infrastructure, as the end-to-end tests
 * start it (e2e/src/support/test-stack.ts), with a hook to give single services their own
 * environment.
 */
export async function startObservedStack(options: ObservedStackOptions): Promise<ObservedStack> {
  const infra = requireInfraEnv();
  const appDatabaseUrl = process.env['APP_DATABASE_URL'];
  if (!appDatabaseUrl) throw new Error('APP_DATABASE_URL is not set: run `npm test` (the test infra env provides it)');
  const root = repoRoot();
  await runMigrations({ url: infra.DATABASE_URL });
  await loadSampleDatabase(infra.SAMPLE_DATABASE_URL, root);
  await provisionStreams(infra.NATS_URL, natsAdminFromEnv());
  const logDir = path.join(root, '.mosaic', 'test-logs', options.name);
  const stack = new ServiceStack({ root, logDir, baseEnv: { NATS_URL: infra.NATS_URL, LOG_LEVEL: 'info', NODE_ENV: 'test' } });
  const gatewayPort = await freePort();
  const launches = await mosaicLaunches({
    gatewayPort,
    sources: options.sources,
    databaseUrl: infra.DATABASE_URL,
    appDatabaseUrl,
    redisUrl: infra.REDIS_URL,
    signingKeys: await newSigningKeys(),
    vaultKeys: generateVaultKey(`k${randomUUID().slice(0, 8)}`),
    connectorEnv: { files: { FILES_ROOT: sampleDocsRoot(root) }, postgres: { POSTGRES_URL: infra.SAMPLE_READER_DATABASE_URL } },
    natsCredentials: natsCredentialsFromEnv(),
    env: options.env,
  });
  for (const launch of launches) options.adjust?.(launch);
  await options.beforeStart?.(launches);
  try {
    await Promise.all(launches.filter((l) => l.name !== 'gateway').map((l) => stack.start(l)));
    await stack.start(launches.find((l) => l.name === 'gateway')!);
  } catch (error) {
    await stack.stopAll();
    throw error;
  }
  return { url: `http://127.0.0.1:${gatewayPort}`, launches, logDir, stop: () => stack.stopAll() };
}

export interface StackUser {
  email: string;
  password: string;
  auth: Record<string, string>;
}

/** A new user in a new tenant (its admin), logged in. */
export async function signUp(url: string, label: string): Promise<StackUser> {
  const email = `${label}-${randomUUID()}@deploy.example`;
  const password = `pw-${randomUUID()}`;
  const post = (route: string, body: unknown) =>
    fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const signup = await post('/api/auth/signup', { email, password, name: label });
  if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);
  const login = await post('/api/auth/login', { email, password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  return { email, password, auth: { authorization: `Bearer ${token}` } };
}
