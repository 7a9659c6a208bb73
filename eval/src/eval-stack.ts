import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
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
  ServiceStack,
} from '@mosaic/runtime';
import { generateVaultKey } from '@mosaic/security';

/** Where the stack runs against (the `test` infrastructure profile's URLs). */
export interface EvalStackSettings {
  root: string;
  natsUrl: string;
  databaseUrl: string;
  appDatabaseUrl: string;
  redisUrl: string;
  sampleDatabaseUrl: string;
  sampleReaderDatabaseUrl: string;
  logDir: string;
  /** Passed to every service as is (the model provider's variables, e.g. ANTHROPIC_API_KEY). */
  providerEnv: Record<string, string>;
  say: (line: string) => void;
}

export interface EvalStack {
  url: string;
  /** `Authorization` header of the user this run signed up. */
  auth: Record<string, string>;
  /** How the sample database was prepared: loaded now, or found already loaded. */
  sample: 'loaded' | 'already loaded';
  /** The provider the planner reported for each query id it planned (from its log). */
  plannerProviders(): Map<string, string>;
  stop(): Promise<void>;
}

/** Row counts of sample/workspace/sql/002_data.sql: the tables hold exactly the sample. */
const SAMPLE_ROWS = { customers: 25, orders: 61, support_tickets: 40 };

/**
 * Starts auth, planner, synthesizer, one files and one postgres worker, and the gateway as
 * processes (the helpers `npm start`, the benchmark and the end-to-end tests use), then signs
 * up a user of its own tenant.
 */
export async function startEvalStack(settings: EvalStackSettings): Promise<EvalStack> {
  const { root, say } = settings;
  await runMigrations({ url: settings.databaseUrl });
  const sample = await ensureSampleDatabase(settings.sampleDatabaseUrl, root);
  say(`sample database ${sample}`);
  await provisionStreams(settings.natsUrl, natsAdminFromEnv());

  const plannerLog = path.join(settings.logDir, 'planner.log');
  const plannerLogStart = existsSync(plannerLog) ? statSync(plannerLog).size : 0;
  const stack = new ServiceStack({
    root,
    logDir: settings.logDir,
    // info: the planner logs the provider of every query it plans.
    baseEnv: { NATS_URL: settings.natsUrl, LOG_LEVEL: 'info', NODE_ENV: 'production' },
    readyTimeoutMs: 60_000,
  });
  const gatewayPort = await freePort();
  const launches = await mosaicLaunches({
    gatewayPort,
    sources: ['files', 'postgres'],
    databaseUrl: settings.databaseUrl,
    appDatabaseUrl: settings.appDatabaseUrl,
    redisUrl: settings.redisUrl,
    signingKeys: await newSigningKeys(),
    vaultKeys: generateVaultKey(`k${randomUUID().slice(0, 8)}`),
    connectorEnv: { files: { FILES_ROOT: sampleDocsRoot(root) }, postgres: { POSTGRES_URL: settings.sampleReaderDatabaseUrl } },
    natsCredentials: natsCredentialsFromEnv(),
    env: {
      ...settings.providerEnv,
      // The evaluation measures answers, not the per-user rate limit.
      RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_PER_HOUR: '1000000',
    },
  });
  try {
    await Promise.all(launches.filter((l) => l.name !== 'gateway').map((l) => stack.start(l)));
    await stack.start(launches.find((l) => l.name === 'gateway')!);
  } catch (error) {
    await stack.stopAll();
    throw error;
  }
  const url = `http://127.0.0.1:${gatewayPort}`;
  let token: string;
  try {
    token = await signUp(url);
  } catch (error) {
    await stack.stopAll();
    throw error;
  }
  return {
    url,
    auth: { authorization: `Bearer ${token}` },
    sample,
    plannerProviders: () => providersFromLog(plannerLog, plannerLogStart),
    stop: () => stack.stopAll(),
  };
}

/**
 * Loads the sample only when its tables do not hold exactly the sample's rows: loading drops
 * and recreates them, which would pull them away from anyone else using the test profile.
 */
async function ensureSampleDatabase(ownerUrl: string, root: string): Promise<EvalStack['sample']> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  let loaded = false;
  try {
    const { rows } = await client.query<Record<keyof typeof SAMPLE_ROWS, number>>(
      `select (select count(*) from customers)::int as customers, (select count(*) from orders)::int as orders,
              (select count(*) from support_tickets)::int as support_tickets`,
    );
    loaded = Object.entries(SAMPLE_ROWS).every(([table, count]) => rows[0]?.[table as keyof typeof SAMPLE_ROWS] === count);
  } catch {
    // No tables yet (a fresh profile): load them.
  } finally {
    await client.end();
  }
  if (loaded) return 'already loaded';
  await loadSampleDatabase(ownerUrl, root);
  return 'loaded';
}

/** A new user in a new tenant (unique email, so runs never collide), logged in. */
async function signUp(url: string): Promise<string> {
  const email = `eval-${randomUUID()}@eval.example`;
  const password = `pw-${randomUUID()}`;
  const post = (route: string, body: unknown) =>
    fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const signup = await post('/api/auth/signup', { email, password, name: 'Mosaic eval', tenant_name: 'Mosaic eval' });
  if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);
  const login = await post('/api/auth/login', { email, password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token?: unknown };
  if (typeof token !== 'string') throw new Error('login answered without a token');
  return token;
}

/** `query planned` lines this run's planner wrote: query id → provider name. */
function providersFromLog(file: string, from: number): Map<string, string> {
  const providers = new Map<string, string>();
  if (!existsSync(file)) return providers;
  for (const line of readFileSync(file).subarray(from).toString('utf8').split('\n')) {
    if (!line.includes('"query planned"')) continue;
    try {
      const entry = JSON.parse(line) as { query_id?: unknown; provider?: unknown };
      if (typeof entry.query_id === 'string' && typeof entry.provider === 'string') providers.set(entry.query_id, entry.provider);
    } catch {
      // not a JSON line (a runtime warning): skip
    }
  }
  return providers;
}
