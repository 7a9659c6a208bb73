import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once, at start-up, listing every bad variable. Nothing else
 * in a service reads `process.env`.
 */
export function parseConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return result.data;
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();

/** Variables every service shares. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  NATS_URL: z.string().min(1, 'NATS_URL is required (e.g. nats://127.0.0.1:4222)'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  /** On SIGTERM, how long in-flight messages may finish before the rest are handed back to other replicas. */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().max(600_000).default(20_000),
});

/**
 * The model provider's variables, for services that call a model (planner, workers,
 * synthesizer). Raw here; `serviceLlmProvider` validates them and lists every bad one.
 */
export const llmEnvShape = {
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: z.string().optional(),
  ANTHROPIC_FAST_MODEL: z.string().optional(),
  ANTHROPIC_STANDARD_MODEL: z.string().optional(),
  ANTHROPIC_THINKING_BUDGET: z.string().optional(),
  ANTHROPIC_MAX_RETRIES: z.string().optional(),
  ANTHROPIC_TIMEOUT_MS: z.string().optional(),
};

export const envFields = { port, positiveMs };
export type BaseEnv = z.infer<typeof baseEnvSchema>;
