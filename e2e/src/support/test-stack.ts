import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { repoRoot } from '@mosaic/connectors';
import { runMigrations } from '@mosaic/persistence';
import { generateVaultKey } from '@mosaic/security';
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
  /** `Authorization` header of a freshly signed-up user of its own tenant. */
  auth: Record<string, string>;
  /** Signs up (and logs in) another user in a new tenant. */
  newUser(label: string): Promise<TestUser>;
  stack: ServiceStack;
  launches: ServiceLaunch[];
  stop(): Promise<void>;
}

/** Starts a whole Mosaic stack as processes against the test infrastructure. */
export async function startTestStack(options: TestStackOptions): Promise<TestStack> {
  const infra = requireInfraEnv();
  const root = repoRoot();
  await runMigrations({ url: infra.DATABASE_URL });
  await loadSampleDatabase(infra.SAMPLE_DATABASE_URL, root);
  await provisionStreams(infra.NATS_URL, natsAdminFromEnv());
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
    appDatabaseUrl: appDatabaseUrl(),
    redisUrl: infra.REDIS_URL,
    signingKeys: await newSigningKeys(),
    vaultKeys: generateVaultKey(`k${randomUUID().slice(0, 8)}`),
    connectorEnv: { files: { FILES_ROOT: sampleDocsRoot(root) }, postgres: { POSTGRES_URL: infra.SAMPLE_READER_DATABASE_URL } },
    natsCredentials: natsCredentialsFromEnv(),
    // The SaaS fakes and test MCP servers listen on loopback, which only an allow-list opens.
    env: { MCP_EGRESS_ALLOW: '127.0.0.1', ...options.env },
  });
  try {
    await Promise.all(launches.filter((l) => l.name !== 'gateway').map((l) => stack.start(l)));
    await stack.start(launches.find((l) => l.name === 'gateway')!);
  } catch (error) {
    await stack.stopAll();
    throw error;
  }
  const url = `http://127.0.0.1:${gatewayPort}`;
  const newUser = (label: string) => signUp(url, label);
  const owner = await newUser('owner');
  return { url, auth: owner.auth, newUser, stack, launches, stop: () => stack.stopAll() };
}

export interface TestUser {
  email: string;
  password: string;
  token: string;
  auth: Record<string, string>;
}

function appDatabaseUrl(): string {
  const url = process.env['APP_DATABASE_URL'];
  if (!url) throw new Error('APP_DATABASE_URL is not set: run `npm test` (the test infra env provides it)');
  return url;
}

/** A new user in a new tenant, logged in: unique emails keep runs independent. */
export async function signUp(url: string, label: string): Promise<TestUser> {
  const email = `${label}-${randomUUID()}@e2e.example`;
  const password = `pw-${randomUUID()}`;
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const signup = await post('/api/auth/signup', { email, password, name: label });
  if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);
  const login = await post('/api/auth/login', { email, password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  return { email, password, token, auth: { authorization: `Bearer ${token}` } };
}
