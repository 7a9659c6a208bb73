import { GithubApiClient, GithubApiClientOptions } from './github-api.client';
import { GithubApiErrorCode, GithubApiException } from './github-api.exception';
import { FakeGithub, startFakeGithub } from './testing/fake-github.server';

async function failure(promise: Promise<unknown>): Promise<GithubApiException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GithubApiException) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe(GithubApiClient.name, () => {
  let github: FakeGithub;

  beforeAll(async () => {
    github = await startFakeGithub();
  });

  afterAll(async () => {
    await github?.close();
  });

  beforeEach(() => {
    github.reset();
  });

  function client(options: Partial<GithubApiClientOptions> = {}): GithubApiClient {
    return new GithubApiClient({ token: github.token, baseUrl: github.url, serverErrorRetryDelaysMs: [20, 60], ...options });
  }

  it('should send the token, API version, media type and a user agent when it calls GitHub', async () => {
    await client().listBranches('northwind', 'web');

    const headers = github.requests[0]!.headers;
    expect(headers['authorization']).toBe(`Bearer ${github.token}`);
    expect(headers['accept']).toBe('application/vnd.github+json');
    expect(headers['x-github-api-version']).toBe('2022-11-28');
    expect(headers['user-agent']).toMatch(/^mosaic-github-connector\//);
  });

  it('should follow Link rel="next" across pages until max items when a listing spans several pages', async () => {
    const sut = await client().listCommits('northwind', 'web', { perPage: 2, maxItems: 5 });

    expect(sut.items).toHaveLength(5);
    expect(sut.truncated).toBe(true);
    expect(github.requests.map((r) => r.query['page'] ?? '1')).toEqual(['1', '2', '3']);
    expect(sut.items[0]!.commit.message).toMatch(/^Bind checkout click handler/);
  });

  it('should return everything and not be truncated when the last page is reached first', async () => {
    const sut = await client().listCommits('northwind', 'web', { perPage: 5, maxItems: 100 });

    expect(sut.items).toHaveLength(12);
    expect(sut.truncated).toBe(false);
    expect(github.count('GET', '/repos/northwind/web/commits')).toBe(3);
  });

  it('should stop at the page bound and report truncation when maxPages is reached', async () => {
    const sut = await client({ maxPages: 2 }).listCommits('northwind', 'web', { perPage: 3, maxItems: 100 });

    expect(sut.items).toHaveLength(6);
    expect(sut.truncated).toBe(true);
    expect(github.requests).toHaveLength(2);
  });

  it('should leave pull requests out of issues when includePullRequests is not set', async () => {
    const sut = await client().listIssues('northwind', 'web', { state: 'all' });

    expect(sut.items.map((i) => i.number).sort()).toEqual([101, 102, 103, 104, 105]);
  });

  it('should fall back to the user endpoint when the owner is not an organization', async () => {
    const error = await failure(client().listRepositories({ owner: 'some-user' }));

    expect(error.code).toBe(GithubApiErrorCode.NotFound);
    expect(github.requests.map((r) => r.path)).toEqual(['/orgs/some-user/repos', '/users/some-user/repos']);
  });

  it('should say "credentials rejected for github" and not retry when the token is wrong', async () => {
    const error = await failure(client({ token: 'ghp_wrongToken' }).listRepositories({ owner: 'northwind' }));

    expect(error.code).toBe(GithubApiErrorCode.CredentialsRejected);
    expect(error.message).toContain('credentials rejected for github');
    expect(error.message).not.toContain('ghp_wrongToken');
    expect(github.requests).toHaveLength(1);
  });

  it('should wait out a short Retry-After once and succeed when GitHub answers 429', async () => {
    github.failNext({ kind: 'retry-after', status: 429, seconds: 1 });
    const started = Date.now();

    const sut = await client().listBranches('northwind', 'web');

    expect(sut.items.map((b) => b.name)).toContain('main');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(github.requests).toHaveLength(2);
  });

  it('should wait for x-ratelimit-reset when the primary rate limit is exhausted but resets soon', async () => {
    github.failNext({ kind: 'primary-rate-limit', resetInSeconds: 1 });

    const sut = await client().listBranches('northwind', 'api');

    expect(sut.items).toHaveLength(3);
    expect(github.requests).toHaveLength(2);
  });

  it('should fail at once with the wait in seconds when Retry-After is longer than the limit', async () => {
    github.failNext({ kind: 'retry-after', status: 403, seconds: 120 });
    const started = Date.now();

    const error = await failure(client().listBranches('northwind', 'web'));

    expect(error.code).toBe(GithubApiErrorCode.RateLimited);
    expect(error.message).toBe('github rate limited; retry after 120 s');
    expect(error.retryAfterSeconds).toBe(120);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(github.requests).toHaveLength(1);
  });

  it('should treat a 403 secondary rate limit without headers as a one-minute wait', async () => {
    github.failNext({ kind: 'secondary-rate-limit' });

    const error = await failure(client().listBranches('northwind', 'web'));

    expect(error.message).toBe('github rate limited; retry after 60 s');
  });

  it('should give up after one wait when GitHub is still rate limiting after it', async () => {
    github.failNext({ kind: 'retry-after', status: 429, seconds: 0 }, 2);

    const error = await failure(client().listBranches('northwind', 'web'));

    expect(error.code).toBe(GithubApiErrorCode.RateLimited);
    expect(github.requests).toHaveLength(2);
  });

  it('should retry 5xx with backoff and succeed when GitHub recovers', async () => {
    github.failNext({ kind: 'server-error', status: 502 }, 2);

    const sut = await client().listWorkflowRuns('northwind', 'web');

    expect(sut.items.map((r) => r.id)).toEqual([9001, 8999, 9000]);
    expect(sut.totalCount).toBe(3);
    expect(github.requests).toHaveLength(3);
  });

  it('should fail after the bounded retries when GitHub keeps answering 5xx', async () => {
    github.failNext({ kind: 'server-error', status: 503 }, Infinity);

    const error = await failure(client().listWorkflowRuns('northwind', 'web'));

    expect(error.code).toBe(GithubApiErrorCode.Unavailable);
    expect(error.message).toBe('github is unavailable (HTTP 503 on GET /repos/northwind/web/actions/runs after 3 attempts)');
    expect(github.requests).toHaveLength(3);
  });

  it('should not retry a POST when GitHub answers 5xx, so an issue is never created twice', async () => {
    github.failNext({ kind: 'server-error' }, Infinity);

    const error = await failure(client().createIssue('northwind', 'web', { title: 'Flaky test' }));

    expect(error.code).toBe(GithubApiErrorCode.Unavailable);
    expect(github.requests).toHaveLength(1);
  });

  it('should time out when GitHub accepts the request and never answers', async () => {
    github.failNext({ kind: 'hang' });
    const started = Date.now();

    const error = await failure(client({ timeoutMs: 300 }).listBranches('northwind', 'web'));

    expect(error.code).toBe(GithubApiErrorCode.Timeout);
    expect(error.message).toBe('github did not answer GET /repos/northwind/web/branches within 300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('should stop at once when the caller aborts a hanging request', async () => {
    github.failNext({ kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const error = await failure(client({ timeoutMs: 10_000 }).listBranches('northwind', 'web', { signal: controller.signal }));

    expect(error.code).toBe(GithubApiErrorCode.Aborted);
  });

  it('should stop waiting for a rate limit when the caller aborts during the wait', async () => {
    github.failNext({ kind: 'retry-after', status: 429, seconds: 5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();

    const error = await failure(client().listBranches('northwind', 'web', { signal: controller.signal }));

    expect(error.code).toBe(GithubApiErrorCode.Aborted);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('should report the unreachable host after retrying when nothing listens at the base URL', async () => {
    const closed = await startFakeGithub();
    await closed.close();

    const error = await failure(client({ baseUrl: closed.url }).listBranches('northwind', 'web'));

    expect(error.code).toBe(GithubApiErrorCode.Unavailable);
    expect(error.message).toContain('github is unreachable (GET /repos/northwind/web/branches): ECONNREFUSED');
  });

  it('should pass GitHub validation messages on when a search lacks is:issue', async () => {
    const error = await failure(client().searchIssues('checkout'));

    expect(error.code).toBe(GithubApiErrorCode.InvalidRequest);
    expect(error.message).toContain("Query must include 'is:issue' or 'is:pull-request'");
  });

  it('should create an issue and return it when the input is valid', async () => {
    const sut = await client().createIssue('northwind', 'infra', { title: 'Renew TLS certificates', labels: ['ops'] });

    expect(sut).toEqual(expect.objectContaining({ number: 302, title: 'Renew TLS certificates', state: 'open' }));
    expect(github.requests[0]!.headers['content-type']).toBe('application/json');
  });
});
