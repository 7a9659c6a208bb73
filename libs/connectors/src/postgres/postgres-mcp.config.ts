import { z } from 'zod';
import { invalidEnvironment, LOG_LEVEL_MESSAGE, LOG_LEVELS, LogLevel, McpConfigResult, unsetIfEmpty } from '../mcp/server-config';

export interface PostgresMcpConfig {
  postgresUrl: string;
  statementTimeoutMs: number;
  maxRows: number;
  logLevel: LogLevel;
}

export type PostgresMcpConfigResult = McpConfigResult<PostgresMcpConfig>;

/** Messages never echo a value: POSTGRES_URL holds the password. */
const envSchema = z.object({
  POSTGRES_URL: z
    .string({ required_error: 'is required (postgres://user:password@host:port/database)' })
    .refine(isPostgresUrl, 'must be a postgres:// or postgresql:// URL'),
  POSTGRES_STATEMENT_TIMEOUT_MS: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ invalid_type_error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(1, 'must be at least 1')
      .max(600_000, 'must be at most 600000 (10 minutes)')
      .default(5_000),
  ),
  POSTGRES_MAX_ROWS: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ invalid_type_error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(100_000, 'must be at most 100000')
      .default(200),
  ),
  LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z.enum(LOG_LEVELS, { errorMap: () => ({ message: LOG_LEVEL_MESSAGE }) }).default('info'),
  ),
});

/** Validates the server's environment once, listing every bad variable. */
export function parsePostgresMcpConfig(env: NodeJS.ProcessEnv): PostgresMcpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return invalidEnvironment('Postgres MCP server', parsed.error.issues);
  }
  return {
    ok: true,
    config: {
      postgresUrl: parsed.data.POSTGRES_URL,
      statementTimeoutMs: parsed.data.POSTGRES_STATEMENT_TIMEOUT_MS,
      maxRows: parsed.data.POSTGRES_MAX_ROWS,
      logLevel: parsed.data.LOG_LEVEL,
    },
  };
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}
