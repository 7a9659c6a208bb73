import { parseMySqlMcpConfig, parseMySqlUrl } from './mysql-mcp.config';

describe(parseMySqlMcpConfig.name, () => {
  it('should take the URL apart and apply the defaults when only MYSQL_URL is set', () => {
    const sut = parseMySqlMcpConfig({ MYSQL_URL: 'mysql://reader:secret@db.internal:3307/shop' });

    expect(sut).toEqual({
      ok: true,
      config: {
        connection: { host: 'db.internal', port: 3307, user: 'reader', password: 'secret', database: 'shop' },
        statementTimeoutMs: 5000,
        maxRows: 200,
        logLevel: 'info',
      },
    });
  });

  it('should read the limits and log level when they are set', () => {
    const sut = parseMySqlMcpConfig({
      MYSQL_URL: 'mysql://reader:secret@db/shop',
      MYSQL_STATEMENT_TIMEOUT_MS: '250',
      MYSQL_MAX_ROWS: '10',
      LOG_LEVEL: 'debug',
    });

    expect(sut).toMatchObject({ ok: true, config: { statementTimeoutMs: 250, maxRows: 10, logLevel: 'debug' } });
  });

  it('should list every bad variable when several are wrong', () => {
    const sut = parseMySqlMcpConfig({ MYSQL_STATEMENT_TIMEOUT_MS: 'soon', MYSQL_MAX_ROWS: '0', LOG_LEVEL: 'loud' });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('MYSQL_URL: is required');
    expect(message).toContain('MYSQL_STATEMENT_TIMEOUT_MS: must be a whole number of milliseconds');
    expect(message).toContain('MYSQL_MAX_ROWS: must be at least 1');
    expect(message).toContain('LOG_LEVEL: must be one of');
  });

  it.each([
    ['postgres://root:hunter2@db/app', 'must be a mysql:// or mariadb:// URL'],
    ['mysql://root:hunter2@db', 'must name one database'],
    ['mysql://:hunter2@db/app', 'must name a user'],
    ['hunter2', 'must be a URL'],
  ])('should explain without echoing the password when MYSQL_URL is %s', (url, problem) => {
    const sut = parseMySqlMcpConfig({ MYSQL_URL: url });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain(`MYSQL_URL: ${problem}`);
    expect(message).not.toContain('hunter2');
  });
});

describe(parseMySqlUrl.name, () => {
  it('should decode a percent-encoded password and default the port when the URL has special characters', () => {
    expect(parseMySqlUrl('mariadb://app%40corp:p%40ss%3Aw%2Ford@[::1]/sales%20db')).toEqual({
      host: '::1',
      port: 3306,
      user: 'app@corp',
      password: 'p@ss:w/ord',
      database: 'sales db',
    });
  });
});
