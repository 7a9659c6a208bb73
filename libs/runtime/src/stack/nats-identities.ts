import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, ensureStreams } from '@mosaic/messaging';

/**
 * NATS identities of the local stack (scripts/infra.sh writes one NATS user per
 * identity, with its subject permissions): every connector worker shares `worker`, the
 * only identity besides `admin` that may request decrypted credentials.
 */
export const NATS_SERVICE_IDENTITIES = ['gateway', 'auth', 'planner', 'synthesizer', 'worker'] as const;
export type NatsServiceIdentity = (typeof NATS_SERVICE_IDENTITIES)[number];

export interface NatsCredential {
  user: string;
  password: string;
}

/** Each service identity's NATS user and password. */
export type NatsCredentials = Record<NatsServiceIdentity, NatsCredential>;

const passwordVar = (identity: string) => `NATS_${identity.toUpperCase()}_PASSWORD`;

function missingCredentials(names: string[]): Error {
  return new Error(
    `NATS credentials are missing (${names.join(', ')}): the infrastructure env file lists them; ` +
      'restart the profile with a current scripts/infra.sh (bash scripts/infra.sh restart --profile <dev|test>)',
  );
}

/** The service identities' credentials from the infrastructure env (`NATS_<IDENTITY>_PASSWORD`). */
export function natsCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): NatsCredentials {
  const missing = NATS_SERVICE_IDENTITIES.map(passwordVar).filter((name) => !env[name]);
  if (missing.length) throw missingCredentials(missing);
  return Object.fromEntries(NATS_SERVICE_IDENTITIES.map((id) => [id, { user: id, password: env[passwordVar(id)]! }])) as NatsCredentials;
}

/** The admin identity (tests, tools, stream provisioning) from `NATS_ADMIN_USER` / `NATS_ADMIN_PASSWORD`. */
export function natsAdminFromEnv(env: NodeJS.ProcessEnv = process.env): NatsCredential {
  const missing = ['NATS_ADMIN_USER', 'NATS_ADMIN_PASSWORD'].filter((name) => !env[name]);
  if (missing.length) throw missingCredentials(missing);
  return { user: env['NATS_ADMIN_USER']!, password: env['NATS_ADMIN_PASSWORD']! };
}

/** The env entries that make a service connect as `identity`. */
export function natsEnvFor(credentials: NatsCredentials, identity: NatsServiceIdentity): Record<string, string> {
  const { user, password } = credentials[identity];
  return { NATS_USER: user, NATS_PASSWORD: password };
}

/**
 * Creates or updates the contract's JetStream streams as the admin identity: services may
 * only read stream info (a stream can capture any subject, so creating one is an admin
 * right), so a stack provisions them before it starts its services.
 */
export async function provisionStreams(natsUrl: string, admin: NatsCredential): Promise<void> {
  const nc = await connectNats({ url: natsUrl, name: 'mosaic-provisioning', user: admin.user, pass: admin.password });
  try {
    await ensureStreams(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}
