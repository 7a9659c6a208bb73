import { z } from 'zod';
import { baseEnvSchema, envFields } from '@mosaic/runtime';
import { DEFAULT_SOURCES } from '@mosaic/connectors';

export const gatewayEnvSchema = baseEnvSchema.extend({
  PORT: envFields.port.default(8080),
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (postgres://...)'),
  REDIS_URL: z.string().min(1, 'REDIS_URL is required (redis://...)'),
  /** Sources this deployment enables, comma-separated. */
  MOSAIC_SOURCES: z
    .string()
    .default(DEFAULT_SOURCES.join(','))
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  /** Sources whose workers hold deployment credentials, so every user may query them. */
  DEPLOYMENT_CREDENTIAL_SOURCES: z
    .string()
    .default(DEFAULT_SOURCES.join(','))
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  /** How long a query may take, end to end. */
  QUERY_DEADLINE_MS: envFields.positiveMs.max(600_000).default(30_000),
  /** How long `POST /api/datasources/{id}/test` waits for the connector's worker (which gives up at its own call timeout, 15 s by default). */
  DATASOURCE_TEST_TIMEOUT_MS: envFields.positiveMs.max(120_000).default(20_000),
  /** Model tokens a tenant may use per UTC day (0: no budget). Only the Anthropic provider uses tokens. */
  LLM_TOKEN_BUDGET_DAILY: z.coerce.number().int().nonnegative().default(0),
  /** How long a user's digest is reused before it is produced again. */
  DIGEST_CACHE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** Largest request body accepted. */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  SSE_HEARTBEAT_MS: envFields.positiveMs.default(15_000),
  JWT_ISSUER: z.string().default('mosaic-auth'),
  JWT_AUDIENCE: z.string().default('mosaic-api'),
  /** Default limits per user (sessions) and per API key; tenants may override them. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_PER_HOUR: z.coerce.number().int().positive().default(1000),
  /** How long a verified API key is trusted before it is checked again (revocation delay). */
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
});
export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
