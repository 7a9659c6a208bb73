import { z } from 'zod';

/** Routing and planning (the seed's "fast" tier). */
export const DEFAULT_FAST_MODEL = 'claude-haiku-4-5';
/**
 * Tool loops and synthesis (the seed's "standard" tier). Not `claude-sonnet-4-5`: the SDK lists
 * it as deprecated with end of life on 2026-11-30 and warns on every call that names it.
 */
export const DEFAULT_STANDARD_MODEL = 'claude-sonnet-4-6';
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

export interface AnthropicProviderConfig {
  apiKey: string;
  /** The Messages API's base URL (tests point it at the local fake). */
  baseURL: string;
  /** Source planning and the `fast` tier of tool loops. */
  fastModel: string;
  /** The `standard` tier of tool loops, and synthesis. */
  standardModel: string;
  /** Output tokens per call (synthesis adds the thinking budget on top). */
  maxTokens: number;
  /** Extended thinking during synthesis; `budgetTokens` is at least 1024 when enabled. */
  thinking: { enabled: boolean; budgetTokens: number };
  /** Longest wait for the response headers of one attempt. */
  timeoutMs: number;
  /** Retries after the first attempt for 429, 529 and 5xx (never for spend limits or other 4xx). */
  maxRetries: number;
  /** First backoff delay when the API gives no `retry-after`; doubles per attempt. */
  retryBaseDelayMs: number;
  /** Longest single wait between attempts; a `retry-after` beyond it is not waited for. */
  maxRetryDelayMs: number;
  /** Most characters of one tool result shown to the model. */
  toolResultCharBudget: number;
  /** Most characters of one evidence item shown to the synthesis model. */
  evidenceItemCharBudget: number;
  /** Most evidence items numbered for synthesis (the highest-scoring ones). */
  maxEvidenceItems: number;
}

export const ANTHROPIC_CONFIG_DEFAULTS: Omit<AnthropicProviderConfig, 'apiKey'> = {
  baseURL: DEFAULT_ANTHROPIC_BASE_URL,
  fastModel: DEFAULT_FAST_MODEL,
  standardModel: DEFAULT_STANDARD_MODEL,
  maxTokens: 4096,
  thinking: { enabled: false, budgetTokens: 0 },
  timeoutMs: 60_000,
  maxRetries: 2,
  retryBaseDelayMs: 500,
  maxRetryDelayMs: 20_000,
  toolResultCharBudget: 8_000,
  evidenceItemCharBudget: 2_000,
  maxEvidenceItems: 60,
};

export type AnthropicConfigResult = { ok: true; config: AnthropicProviderConfig } | { ok: false; message: string };

const unsetIfEmpty = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const wholeNumber = (what: string, min: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: `must be a whole number of ${what}` })
    .int(`must be a whole number of ${what}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const modelId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._@:-]{1,99}$/, 'must be a model id such as claude-haiku-4-5 (lowercase letters, digits, ".", "-")');

/** Messages never echo a value: ANTHROPIC_API_KEY is a secret, and a base URL may carry credentials. */
const envSchema = z.object({
  ANTHROPIC_API_KEY: z
    .string({ required_error: 'is required (an Anthropic API key)' })
    .min(1, 'must not be empty')
    .refine((key) => !/\s/.test(key), 'must not contain whitespace (check for a stray newline or quote)'),
  ANTHROPIC_BASE_URL: z.preprocess(unsetIfEmpty, z.string().refine(isHttpUrl, 'must be an http:// or https:// URL').default(DEFAULT_ANTHROPIC_BASE_URL)),
  ANTHROPIC_FAST_MODEL: z.preprocess(unsetIfEmpty, modelId.default(DEFAULT_FAST_MODEL)),
  ANTHROPIC_STANDARD_MODEL: z.preprocess(unsetIfEmpty, modelId.default(DEFAULT_STANDARD_MODEL)),
  ANTHROPIC_THINKING_BUDGET: z.preprocess(
    unsetIfEmpty,
    wholeNumber('tokens', 0, 64_000)
      .refine((n) => n === 0 || n >= 1024, 'must be 0 (thinking off) or at least 1024 tokens')
      .default(0),
  ),
  ANTHROPIC_MAX_RETRIES: z.preprocess(unsetIfEmpty, wholeNumber('retries', 0, 10).default(ANTHROPIC_CONFIG_DEFAULTS.maxRetries)),
  ANTHROPIC_TIMEOUT_MS: z.preprocess(unsetIfEmpty, wholeNumber('milliseconds', 1_000, 600_000).default(ANTHROPIC_CONFIG_DEFAULTS.timeoutMs)),
});

/** Validates the ANTHROPIC_* variables once, listing every bad one. */
export function parseAnthropicConfig(env: Record<string, string | undefined>): AnthropicConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    return { ok: false, message: `Invalid Anthropic configuration:\n${problems.join('\n')}` };
  }
  const env_ = parsed.data;
  return {
    ok: true,
    config: {
      ...ANTHROPIC_CONFIG_DEFAULTS,
      apiKey: env_.ANTHROPIC_API_KEY,
      baseURL: env_.ANTHROPIC_BASE_URL.replace(/\/+$/, ''),
      fastModel: env_.ANTHROPIC_FAST_MODEL,
      standardModel: env_.ANTHROPIC_STANDARD_MODEL,
      thinking: { enabled: env_.ANTHROPIC_THINKING_BUDGET > 0, budgetTokens: env_.ANTHROPIC_THINKING_BUDGET },
      maxRetries: env_.ANTHROPIC_MAX_RETRIES,
      timeoutMs: env_.ANTHROPIC_TIMEOUT_MS,
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
