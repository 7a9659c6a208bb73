import { z } from 'zod/v4';

export interface GoogleMcpConfig {
  accessToken: string;
  /** One base URL for every Google API (tests, proxies); unset means the documented per-API hosts. */
  apiUrl?: string;
  calendarId: string;
  timeoutMs: number;
  logLevel: LogLevel;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type GoogleMcpConfigResult = { ok: true; config: GoogleMcpConfig } | { ok: false; message: string };

const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/** Messages never echo a value: GOOGLE_ACCESS_TOKEN is a secret. */
const envSchema = z.object({
  GOOGLE_ACCESS_TOKEN: z
    .string({ error: 'is required (an OAuth 2.0 access token with read-only Calendar, Gmail, Drive, Docs and Sheets scopes)' })
    .min(1, 'is required (an OAuth 2.0 access token with read-only Calendar, Gmail, Drive, Docs and Sheets scopes)')
    .refine((value) => !/\s/.test(value), 'must not contain whitespace (the token alone, without "Bearer ")'),
  GOOGLE_API_URL: z.preprocess(
    unsetIfEmpty,
    z.string().refine(isHttpUrl, 'must be an http(s) URL without credentials, such as https://google-proxy.internal').optional(),
  ),
  GOOGLE_CALENDAR_ID: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[^\s/?#]{1,255}$/, 'must be a calendar id such as primary or team@group.calendar.google.com')
      .default('primary'),
  ),
  GOOGLE_TIMEOUT_MS: z.preprocess(
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
export function parseGoogleMcpConfig(env: NodeJS.ProcessEnv): GoogleMcpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    return { ok: false, message: `Invalid environment for the Google Workspace MCP server:\n${problems.join('\n')}` };
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

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    // Credentials in the URL would be sent on every request and logged with it.
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
  } catch {
    return false;
  }
}
