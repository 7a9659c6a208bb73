/**
 * What every connector's `*-mcp.config.ts` shares: the log levels, how an empty variable
 * counts as unset, the timeout variable of the SaaS connectors, and the "list every bad
 * variable" message. Messages never echo a value: many of these variables are secrets.
 */
import { z } from 'zod/v4';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_LEVEL_MESSAGE = `must be one of ${LOG_LEVELS.join(', ')}`;

export type McpConfigResult<C> = { ok: true; config: C } | { ok: false; message: string };

/** An empty variable is the same as an unset one, so its default applies. */
export const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

/** LOG_LEVEL: one of {@link LOG_LEVELS}, `info` when unset. */
export const logLevelEnv = () => z.preprocess(unsetIfEmpty, z.enum(LOG_LEVELS, { error: LOG_LEVEL_MESSAGE }).default('info'));

/** A per-request timeout: whole milliseconds from 100 to 2 minutes. */
export const timeoutMsEnv = (defaultMs: number) =>
  z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(100, 'must be at least 100')
      .max(120_000, 'must be at most 120000 (2 minutes)')
      .default(defaultMs),
  );

/** `Invalid environment for the <server>:` and one line per bad variable. */
export function invalidEnvironment(server: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): { ok: false; message: string } {
  const problems = issues.map((issue) => `  - ${issue.path.map(String).join('.')}: ${issue.message}`);
  return { ok: false, message: `Invalid environment for the ${server}:\n${problems.join('\n')}` };
}

/** An http(s) URL; with `withoutCredentials`, one that carries no user or password (they would be sent and logged). */
export function isHttpUrl(value: string, options: { withoutCredentials?: boolean } = {}): boolean {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
    return !options.withoutCredentials || (!url.username && !url.password);
  } catch {
    return false;
  }
}
