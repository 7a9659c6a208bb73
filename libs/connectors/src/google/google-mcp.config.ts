import { z } from 'zod/v4';
import { invalidEnvironment, isHttpUrl, LogLevel, logLevelEnv, McpConfigResult, timeoutMsEnv, unsetIfEmpty } from '../mcp/server-config';

export interface GoogleMcpConfig {
  accessToken: string;
  /** One base URL for every Google API (tests, proxies); unset means the documented per-API hosts. */
  apiUrl?: string;
  calendarId: string;
  timeoutMs: number;
  logLevel: LogLevel;
}

export type GoogleMcpConfigResult = McpConfigResult<GoogleMcpConfig>;

/** Messages never echo a value: GOOGLE_ACCESS_TOKEN is a secret. */
const envSchema = z.object({
  GOOGLE_ACCESS_TOKEN: z
    .string({ error: 'is required (an OAuth 2.0 access token with read-only Calendar, Gmail, Drive, Docs and Sheets scopes)' })
    .min(1, 'is required (an OAuth 2.0 access token with read-only Calendar, Gmail, Drive, Docs and Sheets scopes)')
    .refine((value) => !/\s/.test(value), 'must not contain whitespace (the token alone, without "Bearer ")'),
  GOOGLE_API_URL: z.preprocess(
    unsetIfEmpty,
    z.string().refine((value) => isHttpUrl(value, { withoutCredentials: true }), 'must be an http(s) URL without credentials, such as https://google-proxy.internal').optional(),
  ),
  GOOGLE_CALENDAR_ID: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[^\s/?#]{1,255}$/, 'must be a calendar id such as primary or team@group.calendar.google.com')
      .default('primary'),
  ),
  GOOGLE_TIMEOUT_MS: timeoutMsEnv(10_000),
  LOG_LEVEL: logLevelEnv(),
});

/** Validates the server's environment once, listing every bad variable. */
export function parseGoogleMcpConfig(env: NodeJS.ProcessEnv): GoogleMcpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return invalidEnvironment('Google Workspace MCP server', parsed.error.issues);
  }
  const data = parsed.data;
  return {
    ok: true,
    config: {
      accessToken: data.GOOGLE_ACCESS_TOKEN,
      ...(data.GOOGLE_API_URL ? { apiUrl: data.GOOGLE_API_URL.replace(/\/+$/, '') } : {}),
      calendarId: data.GOOGLE_CALENDAR_ID,
      timeoutMs: data.GOOGLE_TIMEOUT_MS,
      logLevel: data.LOG_LEVEL,
    },
  };
}
