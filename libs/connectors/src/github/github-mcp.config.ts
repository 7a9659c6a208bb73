import { z } from 'zod/v4';
import { DEFAULT_GITHUB_API_URL } from './github-api.client';

export interface GithubMcpConfig {
  token: string;
  apiUrl: string;
  allowWrites: boolean;
  defaultOwner?: string;
  timeoutMs: number;
  logLevel: LogLevel;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type GithubMcpConfigResult = { ok: true; config: GithubMcpConfig } | { ok: false; message: string };

const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/** Messages never echo a value: GITHUB_TOKEN is a secret. */
const envSchema = z.object({
  GITHUB_TOKEN: z
    .string({ error: 'is required (a personal access token or GitHub App installation token)' })
    .min(1, 'is required (a personal access token or GitHub App installation token)')
    .refine((value) => !/\s/.test(value), 'must not contain whitespace'),
  GITHUB_API_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .refine(isHttpUrl, 'must be an http(s) URL without credentials, such as https://api.github.com or https://github.example.com/api/v3')
      .default(DEFAULT_GITHUB_API_URL),
  ),
  GITHUB_ALLOW_WRITES: z.preprocess(
    unsetIfEmpty,
    z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  ),
  GITHUB_DEFAULT_OWNER: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub user or organization login')
      .optional(),
  ),
  GITHUB_TIMEOUT_MS: z.preprocess(
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
export function parseGithubMcpConfig(env: NodeJS.ProcessEnv): GithubMcpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    return { ok: false, message: `Invalid environment for the GitHub MCP server:\n${problems.join('\n')}` };
  }
  const data = parsed.data;
  return {
    ok: true,
    config: {
      token: data.GITHUB_TOKEN,
      apiUrl: data.GITHUB_API_URL,
      allowWrites: data.GITHUB_ALLOW_WRITES === 'true',
      ...(data.GITHUB_DEFAULT_OWNER ? { defaultOwner: data.GITHUB_DEFAULT_OWNER } : {}),
      timeoutMs: data.GITHUB_TIMEOUT_MS,
      logLevel: data.LOG_LEVEL,
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    // Credentials in the URL would be sent on every request and logged with it.
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
  } catch {
    return false;
  }
}
