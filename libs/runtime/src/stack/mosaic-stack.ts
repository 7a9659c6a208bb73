import path from 'node:path';
import { natsEnvFor, NatsCredentials } from './nats-identities';
import { freePort, ServiceLaunch } from './service-stack';

/** Where everything a Mosaic stack needs is, and how many of each worker to run. */
export interface MosaicStackSettings {
  gatewayPort: number;
  /** Enabled sources, in order. */
  sources: string[];
  /** Worker replicas per source (default 1). */
  replicas?: Record<string, number>;
  /** Deployment credentials per source (`{ postgres: { POSTGRES_URL } }`): each worker gets only its own. */
  connectorEnv: Record<string, Record<string, string>>;
  databaseUrl: string;
  /** The application role's URL (row-level security applies), for the auth service. */
  appDatabaseUrl: string;
  redisUrl: string;
  /** AUTH_SIGNING_KEYS: a JSON array of private Ed25519 JWKs, active first. */
  signingKeys: string;
  /** MOSAIC_VAULT_KEYS: `kid:base64key,...`, active first. */
  vaultKeys: string;
  /** Each service identity's NATS user (NATS_USER/NATS_PASSWORD): every worker connects as `worker`. */
  natsCredentials: NatsCredentials;
  /** Extra environment for every service (deadlines, log level, ...). */
  env?: Record<string, string>;
}

const entry = (service: string) => path.join('dist', 'services', service, 'src', 'main.js');

/** The launch list of a whole Mosaic stack, with free ports for the internal services. */
export async function mosaicLaunches(settings: MosaicStackSettings): Promise<ServiceLaunch[]> {
  const env = settings.env ?? {};
  const nats = settings.natsCredentials;
  const launches: ServiceLaunch[] = [
    {
      name: 'auth',
      entry: entry('auth'),
      env: {
        ...env,
        ...natsEnvFor(nats, 'auth'),
        APP_DATABASE_URL: settings.appDatabaseUrl,
        REDIS_URL: settings.redisUrl,
        AUTH_SIGNING_KEYS: settings.signingKeys,
        MOSAIC_VAULT_KEYS: settings.vaultKeys,
      },
      port: await freePort(),
      readyPath: '/health/ready',
    },
    { name: 'planner', entry: entry('planner'), env: { ...env, ...natsEnvFor(nats, 'planner') }, port: await freePort(), readyPath: '/health/ready' },
    {
      name: 'synthesizer',
      entry: entry('synthesizer'),
      env: { ...env, ...natsEnvFor(nats, 'synthesizer'), REDIS_URL: settings.redisUrl },
      port: await freePort(),
      readyPath: '/health/ready',
    },
  ];
  for (const source of settings.sources) {
    const replicas = settings.replicas?.[source] ?? 1;
    for (let i = 1; i <= replicas; i++) {
      launches.push({
        name: `worker-${source}-${i}`,
        entry: entry('connector-worker'),
        env: { ...env, ...natsEnvFor(nats, 'worker'), ...settings.connectorEnv[source], CONNECTOR: source, REDIS_URL: settings.redisUrl },
        port: await freePort(),
        readyPath: '/health/ready',
      });
    }
  }
  launches.push({
    name: 'gateway',
    entry: entry('gateway'),
    env: {
      ...env,
      ...natsEnvFor(nats, 'gateway'),
      DATABASE_URL: settings.databaseUrl,
      REDIS_URL: settings.redisUrl,
      MOSAIC_SOURCES: settings.sources.join(','),
    },
    port: settings.gatewayPort,
    readyPath: '/api/health/ready',
  });
  return launches;
}
