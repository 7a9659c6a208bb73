import { SqlToolErrorCode, SqlToolException, statementTimeoutMessage } from '../sql/sql-tool.exception';

/** Why a MySQL MCP tool call failed: the codes all SQL connectors share. */
export { SqlToolErrorCode as MySqlToolErrorCode };

export class MySqlToolException extends SqlToolException {
  /** The server's error number (or the socket error code) behind the failure, when there was one. */
  readonly serverCode?: string;

  constructor(code: SqlToolErrorCode, message: string, options?: { cause?: unknown; serverCode?: string }) {
    super(code, message, options);
    this.name = 'MySqlToolException';
    this.serverCode = options?.serverCode;
  }
}

/** The fields of a mysql2 error (server error packet, or a socket error) we look at. */
interface MySqlErrorLike {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
  message?: unknown;
}

/** Server error numbers, from the MySQL and MariaDB manuals. */
const ER = {
  readOnlyTransaction: 1792,
  /** MariaDB: max_statement_time exceeded. */
  statementTimeout: 1969,
  /** MySQL: max_execution_time exceeded. */
  queryTimeout: 3024,
  accessDenied: [1044, 1045, 1142, 1143, 1227, 1370, 1698],
  unavailable: [1040, 1049, 1053, 1129, 1203, 1927],
} as const;

/** Socket-level and protocol failures: the database cannot be reached, or the connection broke. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
]);

/**
 * Maps whatever mysql2 threw to an exception with a code and a message an LLM (or a person)
 * can act on. Server messages name the user and host, never the password; they are passed
 * through. The SQL text mysql2 attaches to its errors (`sql`) is left out.
 */
export function toMySqlToolException(error: unknown, statementTimeoutMs: number): SqlToolException {
  if (error instanceof SqlToolException) return error;
  const { code, errno, sqlState, sqlMessage, message } = (
    typeof error === 'object' && error !== null ? error : {}
  ) as MySqlErrorLike;
  const number = typeof errno === 'number' && errno > 0 ? errno : undefined;
  const state = typeof sqlState === 'string' ? sqlState : undefined;
  const name = typeof code === 'string' ? code : undefined;
  const text =
    typeof sqlMessage === 'string' && sqlMessage ? sqlMessage : typeof message === 'string' && message ? message : String(error);
  const options = { cause: error, serverCode: number !== undefined ? String(number) : name };

  if (number === ER.readOnlyTransaction) {
    return new MySqlToolException(
      SqlToolErrorCode.ReadOnlyViolation,
      `Refused: queries run in a read-only transaction, so data cannot be changed or locked (${text}).`,
      options,
    );
  }
  if (number === ER.statementTimeout || number === ER.queryTimeout) {
    return new MySqlToolException(
      SqlToolErrorCode.StatementTimeout,
      statementTimeoutMessage(statementTimeoutMs),
      options,
    );
  }
  if (number !== undefined && (ER.accessDenied as readonly number[]).includes(number)) {
    return new MySqlToolException(SqlToolErrorCode.PermissionDenied, `Permission denied: ${text}.`, options);
  }
  if (
    (number !== undefined && (ER.unavailable as readonly number[]).includes(number)) ||
    (name !== undefined && UNREACHABLE_CODES.has(name)) ||
    state?.startsWith('08')
  ) {
    return new MySqlToolException(SqlToolErrorCode.DatabaseUnavailable, `Database unavailable: ${text}.`, options);
  }
  if (state?.startsWith('42') || state?.startsWith('22') || state?.startsWith('0A')) {
    return new MySqlToolException(SqlToolErrorCode.InvalidQuery, `Invalid query: ${text}.`, options);
  }
  return new MySqlToolException(SqlToolErrorCode.QueryFailed, `Query failed: ${text}.`, options);
}
