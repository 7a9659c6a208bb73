import { z } from 'zod';
import { invalidEnvironment, LOG_LEVEL_MESSAGE, LOG_LEVELS, LogLevel, McpConfigResult, unsetIfEmpty } from '../mcp/server-config';

/** Where and as whom the server connects, taken apart from MYSQL_URL. */
export interface MySqlConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The default database: what the tools use when no `schema` is given. */
  database: string;
}

export interface MySqlMcpConfig {
  connection: MySqlConnection;
  statementTimeoutMs: number;
  maxRows: number;
  logLevel: LogLevel;
}

export type MySqlMcpConfigResult = McpConfigResult<MySqlMcpConfig>;

const DEFAULT_PORT = 3306;
const URL_SHAPE = 'mysql://user:password@host:port/database';

/** Messages never echo a value: MYSQL_URL holds the password. */
const envSchema = z.object({
  MYSQL_URL: z
    .string({ required_error: `is required (${URL_SHAPE})` })
    .transform((value, context) => {
      const parsed = parseMySqlUrl(value);
      if (typeof parsed === 'string') {
        context.addIssue({ code: z.ZodIssueCode.custom, message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  MYSQL_STATEMENT_TIMEOUT_MS: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number({ invalid_type_error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(1, 'must be at least 1')
      .max(600_000, 'must be at most 600000 (10 minutes)')
      .default(5_000),
  ),
  MYSQL_MAX_ROWS: z.preprocess(
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
export function parseMySqlMcpConfig(env: NodeJS.ProcessEnv): MySqlMcpConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return invalidEnvironment('MySQL MCP server', parsed.error.issues);
  }
  return {
    ok: true,
    config: {
      connection: parsed.data.MYSQL_URL,
      statementTimeoutMs: parsed.data.MYSQL_STATEMENT_TIMEOUT_MS,
      maxRows: parsed.data.MYSQL_MAX_ROWS,
      logLevel: parsed.data.LOG_LEVEL,
    },
  };
}

/**
 * mysql://user:password@host[:port]/database (mariadb:// too). User and password may be
 * percent-encoded. Returns what is wrong, without the value, when it does not fit.
 */
export function parseMySqlUrl(value: string): MySqlConnection | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be a URL of the form ${URL_SHAPE}`;
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') return `must be a mysql:// or mariadb:// URL (${URL_SHAPE})`;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) return `must name a host (${URL_SHAPE})`;
  let user: string;
  let password: string;
  let database: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
    database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  } catch {
    return 'has an invalid percent-encoding';
  }
  if (!user) return `must name a user (${URL_SHAPE})`;
  if (!database || database.includes('/')) return `must name one database as its path (${URL_SHAPE})`;
  return { host, port: url.port ? Number(url.port) : DEFAULT_PORT, user, password, database };
}
