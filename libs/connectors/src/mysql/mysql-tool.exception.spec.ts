import { MySqlToolErrorCode, MySqlToolException, toMySqlToolException } from './mysql-tool.exception';

/** A server error as mysql2 reports it. */
function serverError(errno: number, sqlState: string, sqlMessage: string) {
  return Object.assign(new Error(sqlMessage), { code: 'ER_X', errno, sqlState, sqlMessage, sql: 'SELECT secret' });
}

describe(toMySqlToolException.name, () => {
  it.each([
    [serverError(1792, '25006', 'Cannot execute statement in a READ ONLY transaction'), MySqlToolErrorCode.ReadOnlyViolation],
    [serverError(1969, '70100', 'Query execution was interrupted (max_statement_time exceeded)'), MySqlToolErrorCode.StatementTimeout],
    [serverError(3024, 'HY000', 'maximum statement execution time exceeded'), MySqlToolErrorCode.StatementTimeout],
    [serverError(1142, '42000', "SELECT command denied to user 'r'@'h' for table `x`"), MySqlToolErrorCode.PermissionDenied],
    [serverError(1045, '28000', "Access denied for user 'r'@'h' (using password: YES)"), MySqlToolErrorCode.PermissionDenied],
    [serverError(1064, '42000', 'You have an error in your SQL syntax'), MySqlToolErrorCode.InvalidQuery],
    [serverError(1146, '42S02', "Table 'shop.nope' doesn't exist"), MySqlToolErrorCode.InvalidQuery],
    [serverError(1049, '42000', "Unknown database 'shop'"), MySqlToolErrorCode.DatabaseUnavailable],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', errno: -111 }), MySqlToolErrorCode.DatabaseUnavailable],
    [Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' }), MySqlToolErrorCode.DatabaseUnavailable],
    [serverError(1317, '70100', 'Query execution was interrupted'), MySqlToolErrorCode.QueryFailed],
  ])('should map %s to %s', (error, code) => {
    const sut = toMySqlToolException(error, 250);

    expect(sut.code).toBe(code);
    expect(sut.cause).toBe(error);
    expect(sut.message).not.toContain('SELECT secret');
  });

  it('should name the timeout when a statement ran too long', () => {
    expect(toMySqlToolException(serverError(1969, '70100', 'interrupted'), 250).message).toContain('250 ms');
  });

  it('should keep a tool exception as it is when one is passed in', () => {
    const original = new MySqlToolException(MySqlToolErrorCode.UnknownTable, 'no such table');

    expect(toMySqlToolException(original, 250)).toBe(original);
  });
});
