import { z } from 'zod';

const InfraEnvSchema = z.object({
  NATS_URL: z.string().min(1),
  /** NATS requires a user: tests and tools connect as admin (env files from before NATS users lack these). */
  NATS_ADMIN_USER: z.string().min(1).optional(),
  NATS_ADMIN_PASSWORD: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1),
  REDIS_URL: z.string().min(1),
  SAMPLE_DATABASE_URL: z.string().min(1),
  SAMPLE_READER_DATABASE_URL: z.string().min(1),
});
export type InfraEnv = z.infer<typeof InfraEnvSchema>;

/**
 * The real NATS, Postgres and Redis that integration and end-to-end tests use. There is
 * no Docker engine on these machines, so tests never start containers themselves:
 * `npm test` starts the `test` infrastructure profile and exports its URLs.
 */
export function requireInfraEnv(env: NodeJS.ProcessEnv = process.env): InfraEnv {
  const parsed = InfraEnvSchema.safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(
      `integration tests need real NATS, Postgres and Redis; missing ${missing}. ` +
        'Run `npm test`, or `bash scripts/infra.sh start --profile test && set -a && . .mosaic/infra/test/env && set +a` first.',
    );
  }
  return parsed.data;
}

/** Connection options of the admin NATS identity (full permissions), for tests and tools. */
export function natsAdminOptions(env: InfraEnv = requireInfraEnv()): { servers: string; user?: string; pass?: string } {
  return { servers: env.NATS_URL, user: env.NATS_ADMIN_USER, pass: env.NATS_ADMIN_PASSWORD };
}
