import { MySqlToolErrorCode, MySqlToolException } from './mysql-tool.exception';
import { assertReadOnlyStatement } from './statement-guard';

function refusal(sql: string): MySqlToolErrorCode | undefined {
  try {
    assertReadOnlyStatement(sql);
    return undefined;
  } catch (error) {
    if (error instanceof MySqlToolException) return error.code;
    throw error;
  }
}

describe(assertReadOnlyStatement.name, () => {
  it.each([
    'SELECT * FROM customers WHERE id = ?',
    '  select 1;',
    '(SELECT 1) UNION (SELECT 2);;',
    'WITH recent AS (SELECT * FROM orders) SELECT * FROM recent',
    'SHOW TABLES',
    'DESCRIBE customers',
    'EXPLAIN DELETE FROM orders',
    '-- list them\nSELECT name FROM customers',
    '/* plain comment */ SELECT 1',
    "SELECT 'DROP TABLE customers; --' AS s, \"FOR UPDATE\" AS t, `into` FROM x",
    "SELECT 'it''s; fine', 'back\\\\slash; ok' FROM dual",
    'SELECT * FROM t FOR SYSTEM_TIME ALL',
  ])('should let a read statement through: %s', (sql) => {
    expect(refusal(sql)).toBeUndefined();
  });

  it.each([
    ['INSERT INTO customers (name) VALUES (1)'],
    ['update orders set status = 1'],
    ['DELETE FROM orders'],
    ['CREATE TABLE x (id int)'],
    ['DROP TABLE customers'],
    ['ALTER TABLE customers ADD COLUMN x int'],
    ['TRUNCATE orders'],
    ['RENAME TABLE a TO b'],
    ['SET SESSION max_statement_time = 0'],
    ['CALL refund_everything()'],
    ['LOCK TABLES customers WRITE'],
    ['PREPARE s FROM "DROP TABLE customers"'],
    ['LOAD DATA INFILE "/etc/passwd" INTO TABLE x'],
    ['DO GET_LOCK("x", 10)'],
    ['HANDLER customers OPEN'],
    ['/* hide */ DROP TABLE customers'],
    ['SELECT * FROM orders FOR UPDATE'],
    ['select * from orders for share'],
    ['SELECT * FROM orders LOCK IN SHARE MODE'],
    ["SELECT * FROM customers INTO OUTFILE '/tmp/x'"],
    ['SELECT 1 INTO @x'],
  ])('should refuse as a read-only violation: %s', (sql) => {
    expect(refusal(sql)).toBe(MySqlToolErrorCode.ReadOnlyViolation);
  });

  it.each([
    ['SELECT 1; SELECT 2'],
    ['SELECT 1; DROP TABLE customers'],
    ["SELECT ';' AS a; DELETE FROM orders"],
    ['SELECT 1 -- c\n; SELECT 2'],
  ])('should refuse several statements: %s', (sql) => {
    expect(refusal(sql)).toBe(MySqlToolErrorCode.MultipleStatements);
  });

  it.each([['   '], [';'], ['-- only a comment']])('should call an empty statement invalid: %j', (sql) => {
    expect(refusal(sql)).toBe(MySqlToolErrorCode.InvalidQuery);
  });

  it('should refuse executable comments when they could hide a clause from the check', () => {
    expect(refusal('SELECT * FROM orders /*!50000 FOR UPDATE */')).toBe(MySqlToolErrorCode.InvalidQuery);
    expect(refusal('SELECT 1 /*M! INTO @x */')).toBe(MySqlToolErrorCode.InvalidQuery);
  });
});
