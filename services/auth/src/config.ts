import { z } from 'zod';
import { baseEnvSchema, envFields } from '@mosaic/runtime';

export const authEnvSchema = baseEnvSchema.extend({
  PORT: envFields.port.default(8081),
  /** The application role's URL (not the table owner): row-level security applies. */
  APP_DATABASE_URL: z.string().min(1, 'APP_DATABASE_URL is required (postgres://mosaic_app:...)'),
  REDIS_URL: z.string().min(1, 'REDIS_URL is required (redis://...)'),
  /**
   * Session signing keys as a JSON array of private Ed25519 JWKs, newest (active) first;
   * older keys stay published until their tokens expire.
   */
  AUTH_SIGNING_KEYS: z.string().min(1, 'AUTH_SIGNING_KEYS is required (a JSON array of private Ed25519 JWKs)'),
  /** Credential vault keys, `kid:base64(32 bytes)` comma-separated, active first. */
  MOSAIC_VAULT_KEYS: z.string().min(1, 'MOSAIC_VAULT_KEYS is required (kid:base64 of 32 random bytes, active first)'),
  JWT_ISSUER: z.string().default('mosaic-auth'),
  JWT_AUDIENCE: z.string().default('mosaic-api'),
  SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(86_400),
  /** Failed logins before the account is locked; each lock doubles, capped at LOCKOUT_MAX_SECONDS. */
  LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  LOCKOUT_BASE_SECONDS: z.coerce.number().int().min(1).default(30),
  LOCKOUT_MAX_SECONDS: z.coerce.number().int().min(1).default(900),
  /** History is written in batches of at most this many events ... */
  HISTORY_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
  /** ... or after this long, whichever comes first. */
  HISTORY_FLUSH_MS: z.coerce.number().int().min(0).max(5000).default(50),
  /**
   * `off`: this replica does not consume the events stream, so it writes no history (reads still
   * work). For measuring what writing history costs (`npm run bench`); events wait in the durable
   * consumer until a replica with the writer on takes them.
   */
  HISTORY_WRITER: z.enum(['on', 'off']).default('on'),
});
export type AuthConfig = z.infer<typeof authEnvSchema>;
