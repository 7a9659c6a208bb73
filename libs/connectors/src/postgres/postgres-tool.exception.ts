import { SqlToolErrorCode, SqlToolException, statementTimeoutMessage } from '../sql/sql-tool.exception';

/** Why a Postgres MCP tool call failed: the codes all SQL connectors share. */
export { SqlToolErrorCode as PostgresToolErrorCode };

export class PostgresToolException extends SqlToolException {
  /** The SQLSTATE (or socket error code) behind the failure, when there was one. */
  readonly sqlState?: string;

  constructor(code: SqlToolErrorCode, message: string, options?: { cause?: unknown; sqlState?: string }) {
    super(code, message, options);
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
export function toPostgresToolException(error: unknown, statementTimeoutMs: number): SqlToolException {
  if (error instanceof SqlToolException) return error;
  const { code, message, position } = (typeof error === 'object' && error !== null ? error : {}) as PgErrorLike;
  const sqlState = typeof code === 'string' ? code : undefined;
  const text = typeof message === 'string' && message ? message : String(error);
  const at = typeof position === 'string' && position ? ` (at character ${position})` : '';
  const options = { cause: error, sqlState };

  if (sqlState === '25006') {
    return new PostgresToolException(
      SqlToolErrorCode.ReadOnlyViolation,
      `Refused: queries run in a read-only transaction, so data cannot be changed (${text}).`,
      options,
    );
  }
  if (sqlState === '57014' && /statement timeout/i.test(text)) {
    return new PostgresToolException(
      SqlToolErrorCode.StatementTimeout,
      statementTimeoutMessage(statementTimeoutMs),
      options,
    );
  }
  if (sqlState === '42601' && /multiple commands/i.test(text)) {
    return new PostgresToolException(
      SqlToolErrorCode.MultipleStatements,
      'Refused: send exactly one SQL statement per call (several statements separated by ";" are not allowed).',
      options,
    );
  }
  if (sqlState === '42501') {
    return new PostgresToolException(SqlToolErrorCode.PermissionDenied, `Permission denied: ${text}.`, options);
  }
  if (sqlState?.startsWith('42') || sqlState?.startsWith('22') || sqlState?.startsWith('0A')) {
    return new PostgresToolException(SqlToolErrorCode.InvalidQuery, `Invalid query: ${text}${at}.`, options);
  }
  if (
    sqlState?.startsWith('08') ||
    sqlState === '57P01' ||
    sqlState === '57P03' ||
    sqlState === '53300' ||
    (sqlState !== undefined && UNREACHABLE_CODES.has(sqlState)) ||
    /timeout exceeded when trying to connect|Connection terminated/i.test(text)
  ) {
    return new PostgresToolException(SqlToolErrorCode.DatabaseUnavailable, `Database unavailable: ${text}.`, options);
  }
  return new PostgresToolException(SqlToolErrorCode.QueryFailed, `Query failed: ${text}${at}.`, options);
}
