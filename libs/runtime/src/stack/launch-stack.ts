import { randomUUID } from 'node:crypto';
import { runMigrations } from '@mosaic/persistence';
import { generateVaultKey } from '@mosaic/security';
import { newSigningKeys } from './identity-setup';
import { mosaicLaunches } from './mosaic-stack';
import { natsAdminFromEnv, natsCredentialsFromEnv, provisionStreams } from './nats-identities';
import { loadSampleDatabase, sampleDocsRoot } from './sample-workspace';
import { freePort, ServiceLaunch, ServiceStack } from './service-stack';

/** The local infrastructure a stack runs against (an `infra.sh` profile's env file). */
export interface StackInfra {
  NATS_URL: string;
  DATABASE_URL: string;
  APP_DATABASE_URL: string;
  REDIS_URL: string;
  SAMPLE_DATABASE_URL: string;
  SAMPLE_READER_DATABASE_URL: string;
}

export interface LaunchStackOptions {
  /** Starts and stops the processes (its base environment, log folder, ready timeout). */
  stack: ServiceStack;
  root: string;
  infra: StackInfra;
  sources: string[];
  replicas?: Record<string, number>;
  /** Default: a free port. */
  gatewayPort?: number;
  /** Default: a fresh key of this stack's own. */
  signingKeys?: string;
  vaultKeys?: string;
  /** Environment for every service. */
  env?: Record<string, string>;
  /** Loads sample/workspace/sql into the sample database first (default true). */
  loadSample?: boolean;
  /** Changes one launch before anything starts (a service's own environment). */
  adjust?: (launch: ServiceLaunch) => void;
  /** Runs once every port is known, before any service starts. */
  beforeStart?: (launches: ServiceLaunch[]) => Promise<void>;
  /** Told what was prepared, before any service starts. */
  onPrepared?: (prepared: { migrations: string[]; sampleFiles: string[] }) => void;
  /** Told about each service once it is ready. */
  onStarted?: (launch: ServiceLaunch) => void;
}

export interface LaunchedStack {
  url: string;
  launches: ServiceLaunch[];
  /** Migrations this launch applied. */
  migrations: string[];
  /** Sample SQL files loaded (none when `loadSample` is false). */
  sampleFiles: string[];
}

/**
 * Starts a whole Mosaic stack as processes against local infrastructure, as `npm start`, the
 * end-to-end tests and the evaluation do: migrations, the sample workspace, the streams (as the
 * NATS admin), then every internal service together and the gateway last, once they can take
 * work. If a service fails to start, the ones already started are stopped.
 */
export async function launchStack(options: LaunchStackOptions): Promise<LaunchedStack> {
  const { infra, root, stack } = options;
  const migrations = await runMigrations({ url: infra.DATABASE_URL });
  const sampleFiles = options.loadSample === false ? [] : await loadSampleDatabase(infra.SAMPLE_DATABASE_URL, root);
  await provisionStreams(infra.NATS_URL, natsAdminFromEnv());
  options.onPrepared?.({ migrations, sampleFiles });
  const gatewayPort = options.gatewayPort ?? (await freePort());
  const launches = await mosaicLaunches({
    gatewayPort,
    sources: options.sources,
    replicas: options.replicas,
    databaseUrl: infra.DATABASE_URL,
    appDatabaseUrl: infra.APP_DATABASE_URL,
    redisUrl: infra.REDIS_URL,
    signingKeys: options.signingKeys ?? (await newSigningKeys()),
    vaultKeys: options.vaultKeys ?? generateVaultKey(`k${randomUUID().slice(0, 8)}`),
    connectorEnv: { files: { FILES_ROOT: sampleDocsRoot(root) }, postgres: { POSTGRES_URL: infra.SAMPLE_READER_DATABASE_URL } },
    // The infra env file lists every NATS identity's password; each service gets only its own.
    natsCredentials: natsCredentialsFromEnv(),
    env: options.env,
  });
  for (const launch of launches) options.adjust?.(launch);
  await options.beforeStart?.(launches);
  const start = async (launch: ServiceLaunch) => {
    await stack.start(launch);
    options.onStarted?.(launch);
  };
  try {
    await Promise.all(launches.filter((l) => l.name !== 'gateway').map(start));
    await start(launches.find((l) => l.name === 'gateway')!);
  } catch (error) {
    await stack.stopAll();
    throw error;
  }
  return { url: `http://127.0.0.1:${gatewayPort}`, launches, migrations, sampleFiles };
}

export interface SignedUpUser {
  email: string;
  password: string;
  token: string;
  /** `Authorization` header with the session token. */
  auth: Record<string, string>;
}

/** Signs up a user in a new tenant (its admin) with a unique email, and logs in. */
export async function signUpUser(url: string, label: string, emailDomain: string): Promise<SignedUpUser> {
  const email = `${label}-${randomUUID()}@${emailDomain}`;
  const password = `pw-${randomUUID()}`;
  const post = (route: string, body: unknown) =>
    fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const signup = await post('/api/auth/signup', { email, password, name: label });
  if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);
  const login = await post('/api/auth/login', { email, password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  return { email, password, token, auth: { authorization: `Bearer ${token}` } };
}
