import { z } from 'zod/v4';
import { DEFAULT_S3_REGION } from './s3-api.client';
import { invalidEnvironment, isHttpUrl, LogLevel, logLevelEnv, McpConfigResult, timeoutMsEnv, unsetIfEmpty } from '../mcp/server-config';

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

export type S3McpConfigResult = McpConfigResult<S3McpConfig>;

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
    z.string().refine((value) => isHttpUrl(value, { withoutCredentials: true }), 'must be an http(s) URL without credentials, such as http://127.0.0.1:9000').optional(),
  ),
  S3_BUCKET: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'must be a bucket name (letters, digits, dots, dashes, underscores)')
      .optional(),
  ),
  S3_TIMEOUT_MS: timeoutMsEnv(10_000),
  LOG_LEVEL: logLevelEnv(),
});

/** Validates the server's environment once, listing every bad variable. */
export function parseS3McpConfig(env: NodeJS.ProcessEnv): S3McpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return invalidEnvironment('S3 MCP server', parsed.error.issues);
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
