import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { launchStack, loadSampleDatabase, ServiceStack, signUpUser } from '@mosaic/runtime';

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
  const sample = await ensureSampleDatabase(settings.sampleDatabaseUrl, root);
  say(`sample database ${sample}`);

  const plannerLog = path.join(settings.logDir, 'planner.log');
  const plannerLogStart = existsSync(plannerLog) ? statSync(plannerLog).size : 0;
  const stack = new ServiceStack({
    root,
    logDir: settings.logDir,
    // info: the planner logs the provider of every query it plans.
    baseEnv: { NATS_URL: settings.natsUrl, LOG_LEVEL: 'info', NODE_ENV: 'production' },
    readyTimeoutMs: 60_000,
  });
  const { url } = await launchStack({
    stack,
    root,
    infra: {
      NATS_URL: settings.natsUrl,
      DATABASE_URL: settings.databaseUrl,
      APP_DATABASE_URL: settings.appDatabaseUrl,
      REDIS_URL: settings.redisUrl,
      SAMPLE_DATABASE_URL: settings.sampleDatabaseUrl,
      SAMPLE_READER_DATABASE_URL: settings.sampleReaderDatabaseUrl,
    },
    sources: ['files', 'postgres'],
    loadSample: false,
    env: {
      ...settings.providerEnv,
      // The evaluation measures answers, not the per-user rate limit.
      RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_PER_HOUR: '1000000',
    },
  });
  let token: string;
  try {
    token = (await signUpUser(url, 'eval', 'eval.example')).token;
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
