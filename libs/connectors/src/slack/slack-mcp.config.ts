import { z } from 'zod';
import { DEFAULT_SLACK_API_URL } from './slack-api.client';
import { invalidEnvironment, isHttpUrl, LOG_LEVEL_MESSAGE, LOG_LEVELS, LogLevel, McpConfigResult } from '../mcp/server-config';

export interface SlackMcpConfig {
  botToken: string;
  userToken?: string;
  apiUrl: string;
  allowWrites: boolean;
  defaultChannel?: string;
  requestTimeoutMs: number;
  maxRetryAfterMs: number;
  logLevel: LogLevel;
}

export type SlackMcpConfigResult = McpConfigResult<SlackMcpConfig>;

const unsetIfEmpty = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const token = (example: string) =>
  z
    .string({ required_error: `is required (${example})` })
    .refine((value) => !/\s/.test(value), 'must be a single token without spaces');

const milliseconds = (fallback: number, max: number) =>
  z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ invalid_type_error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(0, 'must not be negative')
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );

/** Messages never echo a value: the tokens are secrets. */
const envSchema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(unsetIfEmpty, token('a bot token, xoxb-...')),
  SLACK_USER_TOKEN: z.preprocess(unsetIfEmpty, token('a user token, xoxp-...').optional()),
  SLACK_API_URL: z.preprocess(
    unsetIfEmpty,
    z.string().refine(isHttpUrl, 'must be an http:// or https:// URL').default(DEFAULT_SLACK_API_URL),
  ),
  SLACK_ALLOW_WRITES: z.preprocess(
    unsetIfEmpty,
    z
      .enum(['true', 'false', '1', '0'], { errorMap: () => ({ message: 'must be true or false' }) })
      .default('false')
      .transform((value) => value === 'true' || value === '1'),
  ),
  SLACK_DEFAULT_CHANNEL: z.preprocess(unsetIfEmpty, z.string().max(200, 'must be at most 200 characters').optional()),
  SLACK_REQUEST_TIMEOUT_MS: milliseconds(10_000, 120_000).refine((ms) => ms >= 1, 'must be at least 1'),
  SLACK_MAX_RETRY_AFTER_MS: milliseconds(5_000, 60_000),
  LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z.enum(LOG_LEVELS, { errorMap: () => ({ message: LOG_LEVEL_MESSAGE }) }).default('info'),
  ),
});

/** Validates the server's environment once, listing every bad variable. */
export function parseSlackMcpConfig(env: NodeJS.ProcessEnv): SlackMcpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return invalidEnvironment('Slack MCP server', parsed.error.issues);
  }
  const data = parsed.data;
  return {
    ok: true,
    config: {
      botToken: data.SLACK_BOT_TOKEN,
      userToken: data.SLACK_USER_TOKEN,
      apiUrl: data.SLACK_API_URL,
      allowWrites: data.SLACK_ALLOW_WRITES,
      defaultChannel: data.SLACK_DEFAULT_CHANNEL,
      requestTimeoutMs: data.SLACK_REQUEST_TIMEOUT_MS,
      maxRetryAfterMs: data.SLACK_MAX_RETRY_AFTER_MS,
      logLevel: data.LOG_LEVEL,
    },
  };
}
