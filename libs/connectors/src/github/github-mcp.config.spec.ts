import { parseGithubMcpConfig } from './github-mcp.config';

describe(parseGithubMcpConfig.name, () => {
  it('should apply the defaults when only GITHUB_TOKEN is set', () => {
    const sut = parseGithubMcpConfig({ GITHUB_TOKEN: 'ghp_secret' });

    expect(sut).toEqual({
      ok: true,
      config: { token: 'ghp_secret', apiUrl: 'https://api.github.com', allowWrites: false, timeoutMs: 10_000, logLevel: 'info' },
    });
  });

  it('should enable writes and keep the owner when GITHUB_ALLOW_WRITES is true and an owner is set', () => {
    const sut = parseGithubMcpConfig({
      GITHUB_TOKEN: 'ghp_secret',
      GITHUB_API_URL: 'https://github.example.com/api/v3',
      GITHUB_ALLOW_WRITES: 'true',
      GITHUB_DEFAULT_OWNER: 'northwind',
    });

    expect(sut.ok && sut.config).toEqual(
      expect.objectContaining({ apiUrl: 'https://github.example.com/api/v3', allowWrites: true, defaultOwner: 'northwind' }),
    );
  });

  it('should treat empty optional variables as unset when the launcher passes them empty', () => {
    const sut = parseGithubMcpConfig({ GITHUB_TOKEN: 'ghp_secret', GITHUB_API_URL: '', GITHUB_DEFAULT_OWNER: '', GITHUB_ALLOW_WRITES: '' });

    expect(sut.ok && sut.config).toEqual(expect.objectContaining({ apiUrl: 'https://api.github.com', allowWrites: false }));
    expect(sut.ok && 'defaultOwner' in sut.config).toBe(false);
  });

  it('should list every bad variable when several are wrong', () => {
    const sut = parseGithubMcpConfig({ GITHUB_API_URL: 'ftp://example.com', GITHUB_ALLOW_WRITES: 'yes', GITHUB_DEFAULT_OWNER: 'no/such owner' });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('GITHUB_TOKEN: is required');
    expect(message).toContain('GITHUB_API_URL: must be an http(s) URL');
    expect(message).toContain('GITHUB_ALLOW_WRITES: must be true or false');
    expect(message).toContain('GITHUB_DEFAULT_OWNER: must be a GitHub user or organization login');
  });

  it('should refuse an API URL carrying credentials without echoing them', () => {
    const sut = parseGithubMcpConfig({ GITHUB_TOKEN: 'ghp_secret', GITHUB_API_URL: 'https://bot:hunter2@github.example.com/api/v3' });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('GITHUB_API_URL: must be an http(s) URL without credentials');
    expect(message).not.toContain('hunter2');
  });

  it('should not echo the token when it is malformed', () => {
    const sut = parseGithubMcpConfig({ GITHUB_TOKEN: 'ghp_ secret with spaces' });

    expect(sut.ok).toBe(false);
    const message = sut.ok ? '' : sut.message;
    expect(message).toContain('GITHUB_TOKEN: must not contain whitespace');
    expect(message).not.toContain('secret with spaces');
  });
});
