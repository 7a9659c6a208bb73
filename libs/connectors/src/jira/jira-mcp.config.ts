import { z } from 'zod';
import { invalidEnvironment, isHttpUrl, LOG_LEVEL_MESSAGE, LOG_LEVELS, LogLevel, McpConfigResult, unsetIfEmpty } from '../mcp/server-config';

export interface JiraMcpConfig {
  url: string;
  email: string;
  apiToken: string;
  allowWrites: boolean;
  defaultProject?: string;
  timeoutMs: number;
  logLevel: LogLevel;
}

export type JiraMcpConfigResult = McpConfigResult<JiraMcpConfig>;

/** Messages never echo a value: JIRA_API_TOKEN is a secret. */
const envSchema = z.object({
  JIRA_URL: z
    .string({ required_error: 'is required (https://<site>.atlassian.net)' })
    .refine(isHttpUrl, 'must be an http:// or https:// URL'),
  JIRA_EMAIL: z.string({ required_error: 'is required (the Atlassian account email)' }).min(3, 'must be an email address'),
  JIRA_API_TOKEN: z.string({ required_error: 'is required (an Atlassian API token)' }).min(1, 'must not be empty'),
  JIRA_ALLOW_WRITES: z.preprocess(
    unsetIfEmpty,
    z.enum(['true', 'false'], { errorMap: () => ({ message: 'must be true or false' }) }).default('false'),
  ),
  JIRA_DEFAULT_PROJECT: z.preprocess(
    unsetIfEmpty,
    z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'must be a project key such as NW').optional(),
  ),
  JIRA_TIMEOUT_MS: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ invalid_type_error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(100, 'must be at least 100')
      .max(120_000, 'must be at most 120000 (2 minutes)')
      .default(10_000),
  ),
  LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z.enum(LOG_LEVELS, { errorMap: () => ({ message: LOG_LEVEL_MESSAGE }) }).default('info'),
  ),
});

/** Validates the server's environment once, listing every bad variable. */
export function parseJiraMcpConfig(env: NodeJS.ProcessEnv): JiraMcpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return invalidEnvironment('Jira MCP server', parsed.error.issues);
  }
  return {
    ok: true,
    config: {
      url: parsed.data.JIRA_URL.replace(/\/+$/, ''),
      email: parsed.data.JIRA_EMAIL,
      apiToken: parsed.data.JIRA_API_TOKEN,
      allowWrites: parsed.data.JIRA_ALLOW_WRITES === 'true',
      defaultProject: parsed.data.JIRA_DEFAULT_PROJECT,
      timeoutMs: parsed.data.JIRA_TIMEOUT_MS,
      logLevel: parsed.data.LOG_LEVEL,
    },
  };
}
