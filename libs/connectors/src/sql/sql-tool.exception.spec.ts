import { toMySqlToolException } from '../mysql/mysql-tool.exception';
import { toPostgresToolException } from '../postgres/postgres-tool.exception';
import { SqlToolErrorCode, SqlToolException, statementTimeoutMessage } from './sql-tool.exception';

describe(SqlToolException.name, () => {
  it('should keep the code and the cause when created from a driver error', () => {
    const cause = new Error('driver');

    const sut = new SqlToolException(SqlToolErrorCode.QueryFailed, 'Query failed.', { cause });

    expect(sut).toMatchObject({ code: 'query_failed', message: 'Query failed.', name: 'SqlToolException', cause });
  });

  it.each([
    ['Postgres', toPostgresToolException],
    ['MySQL', toMySqlToolException],
  ])('should pass a shared tool exception through the %s mapper unchanged', (_name, map) => {
    const original = new SqlToolException(SqlToolErrorCode.UnknownTable, 'no such table');

    expect(map(original, 250)).toBe(original);
  });
});

describe(statementTimeoutMessage.name, () => {
  it('should name the timeout when a statement ran too long', () => {
    expect(statementTimeoutMessage(250)).toBe(
      'Query cancelled: it ran longer than the 250 ms statement timeout. Narrow it down (WHERE, LIMIT, fewer joins).',
    );
  });
});
