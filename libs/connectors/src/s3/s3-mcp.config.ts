import { z } from 'zod/v4';
import { DEFAULT_S3_REGION } from './s3-api.client';

export interface S3McpConfig {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Set for S3-compatible stores; path-style requests then. */
  endpoint?: string;
  defaultBucket?: string;
  timeoutMs: number;
  logLevel: LogLevel;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type S3McpConfigResult = { ok: true; config: S3McpConfig } | { ok: false; message: string };

const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/** Messages never echo a value: S3_SECRET_ACCESS_KEY is a secret. */
const envSchema = z.object({
  S3_ACCESS_KEY_ID: z
    .string({ error: 'is required (the access key id, e.g. AKIA...)' })
    .min(1, 'is required (the access key id, e.g. AKIA...)')
    .refine((value) => !/\s/.test(value), 'must not contain whitespace'),
  S3_SECRET_ACCESS_KEY: z
    .string({ error: 'is required (the secret access key)' })
    .min(1, 'is required (the secret access key)')
    .refine((value) => !/\s/.test(value), 'must not contain whitespace'),
  S3_REGION: z.preprocess(
    unsetIfEmpty,
    z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a region name such as us-east-1').default(DEFAULT_S3_REGION),
  ),
  S3_ENDPOINT: z.preprocess(
    unsetIfEmpty,
    z.string().refine(isHttpUrl, 'must be an http(s) URL without credentials, such as http://127.0.0.1:9000').optional(),
  ),
  S3_BUCKET: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'must be a bucket name (letters, digits, dots, dashes, underscores)')
      .optional(),
  ),
  S3_TIMEOUT_MS: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(100, 'must be at least 100')
      .max(120_000, 'must be at most 120000 (2 minutes)')
      .default(10_000),
  ),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info')),
});

/** Validates the server's environment once, listing every bad variable. */
export function parseS3McpConfig(env: NodeJS.ProcessEnv): S3McpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    return { ok: false, message: `Invalid environment for the S3 MCP server:\n${problems.join('\n')}` };
  }
  const data = parsed.data;
  return {
    ok: true,
    config: {
      accessKeyId: data.S3_ACCESS_KEY_ID,
      secretAccessKey: data.S3_SECRET_ACCESS_KEY,
      region: data.S3_REGION,
      ...(data.S3_ENDPOINT ? { endpoint: data.S3_ENDPOINT.replace(/\/+$/, '') } : {}),
      ...(data.S3_BUCKET ? { defaultBucket: data.S3_BUCKET } : {}),
      timeoutMs: data.S3_TIMEOUT_MS,
      logLevel: data.LOG_LEVEL,
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0 && !url.username && !url.password;
  } catch {
    return false;
  }
}
