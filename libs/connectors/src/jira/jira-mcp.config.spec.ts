import { parseJiraMcpConfig } from './jira-mcp.config';

describe(parseJiraMcpConfig.name, () => {
  const valid = { JIRA_URL: 'https://northwind.atlassian.net/', JIRA_EMAIL: 'bot@northwind.example', JIRA_API_TOKEN: 'tok-secret-123' };

  it('should apply defaults and trim the trailing slash when only the required variables are set', () => {
    const sut = parseJiraMcpConfig(valid);

    expect(sut).toEqual({
      ok: true,
      config: {
        url: 'https://northwind.atlassian.net',
        email: 'bot@northwind.example',
        apiToken: 'tok-secret-123',
        allowWrites: false,
        defaultProject: undefined,
        timeoutMs: 10_000,
        logLevel: 'info',
      },
    });
  });

  it('should enable writes and a default project when they are set', () => {
    const sut = parseJiraMcpConfig({ ...valid, JIRA_ALLOW_WRITES: 'true', JIRA_DEFAULT_PROJECT: 'NW' });

    expect(sut.ok && sut.config).toMatchObject({ allowWrites: true, defaultProject: 'NW' });
  });

  it('should list every bad variable without echoing the token when the environment is wrong', () => {
    const sut = parseJiraMcpConfig({ JIRA_URL: 'ftp://x', JIRA_API_TOKEN: 'tok-secret-123', JIRA_ALLOW_WRITES: 'yes' });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('JIRA_URL: must be an http:// or https:// URL');
    expect(message).toContain('JIRA_EMAIL: is required');
    expect(message).toContain('JIRA_ALLOW_WRITES: must be true or false');
    expect(message).not.toContain('tok-secret-123');
  });
});
