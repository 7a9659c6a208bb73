import { z } from 'zod/v4';
import { DEFAULT_GITHUB_API_URL } from './github-api.client';
import { invalidEnvironment, isHttpUrl, LogLevel, logLevelEnv, McpConfigResult, timeoutMsEnv, unsetIfEmpty } from '../mcp/server-config';

export interface GithubMcpConfig {
  token: string;
  apiUrl: string;
  allowWrites: boolean;
  defaultOwner?: string;
  timeoutMs: number;
  logLevel: LogLevel;
}

export type GithubMcpConfigResult = McpConfigResult<GithubMcpConfig>;

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
      .refine((value) => isHttpUrl(value, { withoutCredentials: true }), 'must be an http(s) URL without credentials, such as https://api.github.com or https://github.example.com/api/v3')
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
  GITHUB_TIMEOUT_MS: timeoutMsEnv(10_000),
  LOG_LEVEL: logLevelEnv(),
});

/** Validates the server's environment once, listing every bad variable. */
export function parseGithubMcpConfig(env: NodeJS.ProcessEnv): GithubMcpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return invalidEnvironment('GitHub MCP server', parsed.error.issues);
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
