import { splitQualifiedName, toJsonObject, toolResult } from './sql-mcp-tools';
import { SqlToolErrorCode, SqlToolException } from './sql-tool.exception';

describe(toJsonObject.name, () => {
  it('should write dates, bigints and binary values as JSON strings when a row holds them', () => {
    const sut = toJsonObject(
      { at: new Date('2026-01-02T03:04:05.000Z'), big: 12345678901234567890n, bytes: Buffer.from([0xde, 0xad]), gone: undefined },
      '0x',
    );

    expect(sut).toEqual({ at: '2026-01-02T03:04:05.000Z', big: '12345678901234567890', bytes: '0xdead' });
  });

  it('should throw query_failed when the value is not a JSON object', () => {
    expect(() => toJsonObject([1, 2], '\\x')).toThrow(
      expect.objectContaining({ code: SqlToolErrorCode.QueryFailed, message: 'Tool produced a result that is not an object.' }),
    );
  });
});

describe(toolResult.name, () => {
  it('should return the value as text and structured content when the body succeeds', async () => {
    const sut = await toolResult(() => Promise.resolve({ bytes: Buffer.from('A') }), () => {
      throw new Error('not called');
    }, '\\x');

    expect(sut).toEqual({ content: [{ type: 'text', text: '{\n  "bytes": "\\\\x41"\n}' }], structuredContent: { bytes: '\\x41' } });
  });

  it('should return a tool error with the mapped code when the body fails', async () => {
    const cause = new Error('boom');
    const mapped = new SqlToolException(SqlToolErrorCode.DatabaseUnavailable, 'Database unavailable: boom.');
    const toException = jest.fn().mockReturnValue(mapped);

    const sut = await toolResult(() => Promise.reject(cause), toException, '0x');

    expect(toException).toHaveBeenCalledWith(cause);
    expect(sut).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'Database unavailable: boom.' }],
      structuredContent: { error: { code: 'database_unavailable', message: 'Database unavailable: boom.' } },
    });
  });
});

describe(splitQualifiedName.name, () => {
  it.each([
    ['sales.orders', undefined, { schema: 'sales', table: 'orders' }],
    ['a.b.c', undefined, { schema: 'a', table: 'b.c' }],
    ['orders', 'sales', { schema: 'sales', table: 'orders' }],
    ['x.orders', 'sales', { schema: 'sales', table: 'x.orders' }],
    ['orders', undefined, undefined],
    ['.orders', undefined, undefined],
  ])('should read %s with schema %s as %j', (table, schema, expected) => {
    expect(splitQualifiedName(table, schema)).toEqual(expected);
  });
});
