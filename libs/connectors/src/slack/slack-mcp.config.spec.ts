import { parseSlackMcpConfig } from './slack-mcp.config';

describe(parseSlackMcpConfig.name, () => {
  it('should apply the defaults when only SLACK_BOT_TOKEN is set', () => {
    const sut = parseSlackMcpConfig({ SLACK_BOT_TOKEN: 'xoxb-1-secret' });

    expect(sut).toEqual({
      ok: true,
      config: {
        botToken: 'xoxb-1-secret',
        userToken: undefined,
        apiUrl: 'https://slack.com/api',
        allowWrites: false,
        defaultChannel: undefined,
        requestTimeoutMs: 10_000,
        maxRetryAfterMs: 5_000,
        logLevel: 'info',
      },
    });
  });

  it('should read every variable when all are set', () => {
    const sut = parseSlackMcpConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_USER_TOKEN: 'xoxp-2',
      SLACK_API_URL: 'http://127.0.0.1:4000/api',
      SLACK_ALLOW_WRITES: 'true',
      SLACK_DEFAULT_CHANNEL: '#incidents',
      SLACK_REQUEST_TIMEOUT_MS: '2500',
      SLACK_MAX_RETRY_AFTER_MS: '0',
      LOG_LEVEL: 'debug',
    });

    expect(sut.ok && sut.config).toEqual({
      botToken: 'xoxb-1',
      userToken: 'xoxp-2',
      apiUrl: 'http://127.0.0.1:4000/api',
      allowWrites: true,
      defaultChannel: '#incidents',
      requestTimeoutMs: 2_500,
      maxRetryAfterMs: 0,
      logLevel: 'debug',
    });
  });

  it('should keep writes off when SLACK_ALLOW_WRITES is empty or false', () => {
    expect(parseSlackMcpConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_ALLOW_WRITES: '' })).toMatchObject({ config: { allowWrites: false } });
    expect(parseSlackMcpConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_ALLOW_WRITES: 'false' })).toMatchObject({ config: { allowWrites: false } });
  });

  it('should list every bad variable without echoing a token when several are wrong', () => {
    const sut = parseSlackMcpConfig({
      SLACK_USER_TOKEN: 'xoxp-has a space',
      SLACK_API_URL: 'ftp://slack',
      SLACK_ALLOW_WRITES: 'yes',
      SLACK_REQUEST_TIMEOUT_MS: 'soon',
    });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('SLACK_BOT_TOKEN: is required');
    expect(message).toContain('SLACK_USER_TOKEN: must be a single token without spaces');
    expect(message).toContain('SLACK_API_URL: must be an http:// or https:// URL');
    expect(message).toContain('SLACK_ALLOW_WRITES: must be true or false');
    expect(message).toContain('SLACK_REQUEST_TIMEOUT_MS: must be a whole number of milliseconds');
    expect(message).not.toContain('xoxp-has');
  });
});
