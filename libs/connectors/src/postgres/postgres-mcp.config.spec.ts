import { parsePostgresMcpConfig } from './postgres-mcp.config';

describe(parsePostgresMcpConfig.name, () => {
  it('should apply the defaults when only POSTGRES_URL is set', () => {
    const sut = parsePostgresMcpConfig({ POSTGRES_URL: 'postgres://reader:secret@db:5432/app' });

    expect(sut).toEqual({
      ok: true,
      config: { postgresUrl: 'postgres://reader:secret@db:5432/app', statementTimeoutMs: 5000, maxRows: 200, logLevel: 'info' },
    });
  });

  it('should list every bad variable when several are wrong', () => {
    const sut = parsePostgresMcpConfig({ POSTGRES_STATEMENT_TIMEOUT_MS: 'soon', POSTGRES_MAX_ROWS: '0' });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('POSTGRES_URL: is required');
    expect(message).toContain('POSTGRES_STATEMENT_TIMEOUT_MS: must be a whole number of milliseconds');
    expect(message).toContain('POSTGRES_MAX_ROWS: must be at least 1');
  });

  it('should not echo the connection string when it is not a postgres URL', () => {
    const sut = parsePostgresMcpConfig({ POSTGRES_URL: 'mysql://root:hunter2@db/app' });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('POSTGRES_URL: must be a postgres:// or postgresql:// URL');
    expect(message).not.toContain('hunter2');
  });
});
