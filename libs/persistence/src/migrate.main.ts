// Applies pending database migrations as the owner role, then exits:
//   DATABASE_URL=postgres://mosaic:...@host:5432/mosaic node dist/libs/persistence/src/migrate.main.js
// Exit code 0 when the database is up to date (also when nothing was pending), 1 otherwise.
import { z } from 'zod';
import { runMigrations } from './migrator';

const envSchema = z.object({
  DATABASE_URL: z
    .string({ required_error: 'DATABASE_URL is required: the owner role, e.g. postgres://mosaic:mosaic@127.0.0.1:5432/mosaic' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL'),
});

async function main(): Promise<number> {
  const env = envSchema.safeParse(process.env);
  if (!env.success) {
    for (const issue of env.error.issues) console.error(`[migrate] ${issue.message}`);
    return 1;
  }
  const target = new URL(env.data.DATABASE_URL);
  console.log(`[migrate] database ${target.pathname.slice(1)} on ${target.host} as ${decodeURIComponent(target.username)}`);
  try {
    const applied = await runMigrations({ url: env.data.DATABASE_URL });
    if (applied.length === 0) {
      console.log('[migrate] no pending migrations');
    } else {
      for (const name of applied) console.log(`[migrate] applied ${name}`);
      console.log(`[migrate] ${applied.length} migration(s) applied`);
    }
    return 0;
  } catch (error) {
    console.error(`[migrate] failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('[migrate] failed:', error);
    process.exitCode = 1;
  },
);
