import { GithubApiClient, nextLink, rateLimitWaitMs } from './github-api.client';

describe(nextLink.name, () => {
  it('should return the next URL when the Link header lists next among other relations', () => {
    const header =
      '<https://api.github.com/repositories/1/issues?page=1>; rel="prev", <https://api.github.com/repositories/1/issues?page=3>; rel="next", ' +
      '<https://api.github.com/repositories/1/issues?page=5>; rel="last"';

    expect(nextLink(header)).toBe('https://api.github.com/repositories/1/issues?page=3');
  });

  it('should return undefined when there is no next page', () => {
    expect(nextLink('<https://api.github.com/x?page=1>; rel="first", <https://api.github.com/x?page=4>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});

describe(rateLimitWaitMs.name, () => {
  const now = Date.UTC(2025, 2, 14, 12, 0, 0);

  it('should use Retry-After seconds when GitHub sends them', () => {
    expect(rateLimitWaitMs(429, new Headers({ 'retry-after': '3' }), undefined, now)).toBe(3_000);
  });

  it('should use Retry-After as an HTTP date when it is not a number', () => {
    expect(rateLimitWaitMs(403, new Headers({ 'retry-after': new Date(now + 7_000).toUTCString() }), undefined, now)).toBe(7_000);
  });

  it('should wait until x-ratelimit-reset when the remaining count is zero', () => {
    const headers = new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 42) });

    expect(rateLimitWaitMs(403, headers, 'API rate limit exceeded', now)).toBe(42_000);
  });

  it('should not call a permission 403 a rate limit when nothing says so', () => {
    const headers = new Headers({ 'x-ratelimit-remaining': '4999' });

    expect(rateLimitWaitMs(403, headers, 'Resource not accessible by personal access token', now)).toBeUndefined();
  });

  it('should ignore other statuses when they carry rate-limit headers', () => {
    expect(rateLimitWaitMs(500, new Headers({ 'retry-after': '1' }), undefined, now)).toBeUndefined();
  });
});

describe(GithubApiClient.name, () => {
  it('should replace the token with [redacted] when text contains it', () => {
    const sut = new GithubApiClient({ token: 'ghp_abc123', fetch: jest.fn() });

    expect(sut.redact('Authorization: Bearer ghp_abc123 (ghp_abc123)')).toBe('Authorization: Bearer [redacted] ([redacted])');
  });

  it('should refuse a pagination link to another host when GitHub sends one, so the token stays home', async () => {
    const page = (link?: string) =>
      new Response('[]', { status: 200, headers: { 'content-type': 'application/json', ...(link ? { link } : {}) } });
    const fetchMock = jest.fn<Promise<Response>, Parameters<typeof fetch>>().mockResolvedValueOnce(page('<https://evil.example/next?page=2>; rel="next"'));
    const sut = new GithubApiClient({ token: 'ghp_abc123', baseUrl: 'https://api.github.com', fetch: fetchMock as unknown as typeof fetch });

    await expect(sut.listBranches('northwind', 'web', { maxItems: 50 })).rejects.toThrow(/pagination link to another host/);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
