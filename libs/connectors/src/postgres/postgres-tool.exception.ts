/** Why a Postgres MCP tool call failed. Returned to the client; never renamed in place. */
export enum PostgresToolErrorCode {
  ReadOnlyViolation = 'read_only_violation',
  StatementTimeout = 'statement_timeout',
  MultipleStatements = 'multiple_statements',
  InvalidQuery = 'invalid_query',
  PermissionDenied = 'permission_denied',
  UnknownTable = 'unknown_table',
  DatabaseUnavailable = 'database_unavailable',
  QueryFailed = 'query_failed',
}

export class PostgresToolException extends Error {
  /** The SQLSTATE (or socket error code) behind the failure, when there was one. */
  readonly sqlState?: string;

  constructor(
    readonly code: PostgresToolErrorCode,
    message: string,
    options?: { cause?: unknown; sqlState?: string },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'PostgresToolException';
    this.sqlState = options?.sqlState;
  }
}

/** The fields of a pg `DatabaseError` (or a socket error) we look at. */
interface PgErrorLike {
  code?: unknown;
  message?: unknown;
  position?: unknown;
}

/** Socket-level failures: the database cannot be reached at all. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EPIPE']);

/**
 * Maps whatever pg threw to an exception with a code and a message an LLM (or a person)
 * can act on. pg's messages carry no credentials, so they are passed through.
 */
export function toPostgresToolException(error: unknown, statementTimeoutMs: number): PostgresToolException {
  if (error instanceof PostgresToolException) return error;
  const { code, message, position } = (typeof error === 'object' && error !== null ? error : {}) as PgErrorLike;
  const sqlState = typeof code === 'string' ? code : undefined;
  const text = typeof message === 'string' && message ? message : String(error);
  const at = typeof position === 'string' && position ? ` (at character ${position})` : '';
  const options = { cause: error, sqlState };

  if (sqlState === '25006') {
    return new PostgresToolException(
      PostgresToolErrorCode.ReadOnlyViolation,
      `Refused: queries run in a read-only transaction, so data cannot be changed (${text}).`,
      options,
    );
  }
  if (sqlState === '57014' && /statement timeout/i.test(text)) {
    return new PostgresToolException(
      PostgresToolErrorCode.StatementTimeout,
      `Query cancelled: it ran longer than the ${statementTimeoutMs} ms statement timeout. Narrow it down (WHERE, LIMIT, fewer joins).`,
      options,
    );
  }
  if (sqlState === '42601' && /multiple commands/i.test(text)) {
    return new PostgresToolException(
      PostgresToolErrorCode.MultipleStatements,
      'Refused: send exactly one SQL statement per call (several statements separated by ";" are not allowed).',
      options,
    );
  }
  if (sqlState === '42501') {
    return new PostgresToolException(PostgresToolErrorCode.PermissionDenied, `Permission denied: ${text}.`, options);
  }
  if (sqlState?.startsWith('42') || sqlState?.startsWith('22') || sqlState?.startsWith('0A')) {
    return new PostgresToolException(PostgresToolErrorCode.InvalidQuery, `Invalid query: ${text}${at}.`, options);
  }
  if (
    sqlState?.startsWith('08') ||
    sqlState === '57P01' ||
    sqlState === '57P03' ||
    sqlState === '53300' ||
    (sqlState !== undefined && UNREACHABLE_CODES.has(sqlState)) ||
    /timeout exceeded when trying to connect|Connection terminated/i.test(text)
  ) {
    return new PostgresToolException(PostgresToolErrorCode.DatabaseUnavailable, `Database unavailable: ${text}.`, options);
  }
  return new PostgresToolException(PostgresToolErrorCode.QueryFailed, `Query failed: ${text}${at}.`, options);
}
