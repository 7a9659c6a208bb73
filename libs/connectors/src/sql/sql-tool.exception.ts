/**
 * Why a SQL connector's MCP tool call failed. Returned to the client; never renamed in place.
 * The Postgres and MySQL servers share these codes, so a client handles both sources alike.
 */
export enum SqlToolErrorCode {
  ReadOnlyViolation = 'read_only_violation',
  StatementTimeout = 'statement_timeout',
  MultipleStatements = 'multiple_statements',
  InvalidQuery = 'invalid_query',
  PermissionDenied = 'permission_denied',
  UnknownTable = 'unknown_table',
  DatabaseUnavailable = 'database_unavailable',
  QueryFailed = 'query_failed',
}

/**
 * A failure every SQL tool reports as `{ error: { code, message } }`. Each database keeps a
 * subclass that adds what its driver says about the cause; shared code throws this base
 * directly, and each driver's error mapper passes any instance through unchanged.
 */
export class SqlToolException extends Error {
  constructor(
    readonly code: SqlToolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.name = 'SqlToolException';
  }
}

/** The message for a statement stopped by the per-statement time limit; both servers say the same. */
export function statementTimeoutMessage(statementTimeoutMs: number): string {
  return `Query cancelled: it ran longer than the ${statementTimeoutMs} ms statement timeout. Narrow it down (WHERE, LIMIT, fewer joins).`;
}
