import { parseGoogleMcpConfig } from './google-mcp.config';

describe(parseGoogleMcpConfig.name, () => {
  it('should apply the defaults when only GOOGLE_ACCESS_TOKEN is set', () => {
    const sut = parseGoogleMcpConfig({ GOOGLE_ACCESS_TOKEN: 'ya29.secret' });

    expect(sut).toEqual({ ok: true, config: { accessToken: 'ya29.secret', calendarId: 'primary', timeoutMs: 10_000, logLevel: 'info' } });
  });

  it('should keep the API URL without its trailing slash and the calendar when both are set', () => {
    const sut = parseGoogleMcpConfig({
      GOOGLE_ACCESS_TOKEN: 'ya29.secret',
      GOOGLE_API_URL: 'http://127.0.0.1:4010/',
      GOOGLE_CALENDAR_ID: 'ops-team@group.calendar.google.com',
      GOOGLE_TIMEOUT_MS: '2500',
    });

    expect(sut.ok && sut.config).toEqual(
      expect.objectContaining({ apiUrl: 'http://127.0.0.1:4010', calendarId: 'ops-team@group.calendar.google.com', timeoutMs: 2_500 }),
    );
  });

  it('should treat empty optional variables as unset when the launcher passes them empty', () => {
    const sut = parseGoogleMcpConfig({ GOOGLE_ACCESS_TOKEN: 'ya29.secret', GOOGLE_API_URL: '', GOOGLE_CALENDAR_ID: '', GOOGLE_TIMEOUT_MS: '' });

    expect(sut.ok && sut.config).toEqual({ accessToken: 'ya29.secret', calendarId: 'primary', timeoutMs: 10_000, logLevel: 'info' });
  });

  it('should list every bad variable when several are wrong', () => {
    const sut = parseGoogleMcpConfig({ GOOGLE_API_URL: 'ftp://example.com', GOOGLE_CALENDAR_ID: 'a calendar', GOOGLE_TIMEOUT_MS: 'soon', LOG_LEVEL: 'loud' });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('GOOGLE_ACCESS_TOKEN: is required');
    expect(message).toContain('GOOGLE_API_URL: must be an http(s) URL without credentials');
    expect(message).toContain('GOOGLE_CALENDAR_ID: must be a calendar id');
    expect(message).toContain('GOOGLE_TIMEOUT_MS: must be a whole number of milliseconds');
    expect(message).toContain('LOG_LEVEL: must be one of');
  });

  it('should refuse a token pasted with "Bearer " without echoing it', () => {
    const sut = parseGoogleMcpConfig({ GOOGLE_ACCESS_TOKEN: 'Bearer ya29.secretvalue' });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('GOOGLE_ACCESS_TOKEN: must not contain whitespace');
    expect(message).not.toContain('secretvalue');
  });

  it('should refuse an API URL carrying credentials without echoing them', () => {
    const sut = parseGoogleMcpConfig({ GOOGLE_ACCESS_TOKEN: 'ya29.secret', GOOGLE_API_URL: 'https://bot:hunter2@proxy.example' });

    expect(sut.ok).toBe(false);
    expect(sut.ok ? '' : sut.message).not.toContain('hunter2');
  });
});
