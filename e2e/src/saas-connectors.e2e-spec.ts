import { createConnection } from 'mysql2/promise';
import { Client as PgClient } from 'pg';
import { MultiSourceResponse } from '@mosaic/contracts';
import {
  FAKE_GITHUB_TOKEN,
  FAKE_JIRA_EMAIL,
  FAKE_JIRA_TOKEN,
  FakeGithub,
  FakeJiraServer,
  FakeShopify,
  DIGEST_ISSUES,
  DIGEST_SINCE,
  DIGEST_UNTIL,
  DIGEST_WORKFLOW_RUNS,
  FAKE_GOOGLE_TOKEN,
  FakeGoogle,
  FakeSlack,
  FIXTURE_BUCKETS,
  S3rver,
  startFakeGithub,
  startFakeGoogle,
  startS3rver,
  startFakeShopify,
} from '@mosaic/connectors/testing';
import { startTestStack, TestStack, TestUser } from './support/test-stack';

jest.setTimeout(60_000);

/**
 * SaaS connectors through the whole platform: the user's own credentials from the vault,
 * the worker's MCP server calling a local fake that speaks the real API's wire format.
 */
describe('SaaS connectors (end to end)', () => {
  let sut: TestStack;
  let jira: FakeJiraServer;
  let shopify: FakeShopify;
  let slack: FakeSlack;
  let github: FakeGithub;
  let s3: S3rver;
  let google: FakeGoogle;
  const shopifyToken = 'shpat_e2e_0123456789abcdef';
  const slackBotToken = 'xoxb-e2e-0000-bot';

  beforeAll(async () => {
    jira = await FakeJiraServer.start();
    shopify = await startFakeShopify({ accessToken: shopifyToken });
    slack = await FakeSlack.start({ botToken: slackBotToken, userToken: 'xoxp-e2e-0000-user' });
    github = await startFakeGithub();
    s3 = await startS3rver({ seed: FIXTURE_BUCKETS });
    google = await startFakeGoogle();
    sut = await startTestStack({ name: 'saas', sources: ['jira', 'shopify', 'slack', 'github', 's3', 'google', 'mysql'], env: { RATE_LIMIT_PER_MINUTE: '10000' } });
  });

  afterAll(async () => {
    await sut?.stop();
    await jira?.close();
    await shopify?.close();
    await slack?.close();
    await github?.close();
    await s3?.close();
    await google?.close();
  });

  const post = (user: TestUser, path: string, body: unknown) =>
    fetch(`${sut.url}${path}`, { method: 'POST', headers: { ...user.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ask = async (user: TestUser, query: string, sources: string[]) => (await (await post(user, '/api/agent/query', { query, sources })).json()) as MultiSourceResponse;

  it('should answer from Jira with the asking user\'s credentials and cite the issue by its browse URL', async () => {
    const user = await sut.newUser('jira');
    expect((await post(user, '/api/credentials', { datasource: 'jira', credentials: { url: jira.url, email: FAKE_JIRA_EMAIL, api_token: FAKE_JIRA_TOKEN } })).status).toBe(201);
    const result = await ask(user, 'Which Jira tickets mention the Acme checkout outage?', ['jira']);
    expect(result.successful_sources).toEqual(['jira']);
    const citation = result.citations.find((c) => c.item === 'NW-101');
    expect(citation).toMatchObject({ source: 'jira', url: `${jira.url}/browse/NW-101` });
    expect(result.response).toContain('[1]');
  });

  it('should never write with the local provider, even when the request allows writes', async () => {
    const user = await sut.newUser('jira-writes');
    await post(user, '/api/credentials', { datasource: 'jira', credentials: { url: jira.url, email: FAKE_JIRA_EMAIL, api_token: FAKE_JIRA_TOKEN } });
    const before = jira.requests.length;
    const response = await post(user, '/api/agent/query', { query: 'Create an issue for the Acme checkout outage', sources: ['jira'], allow_writes: true });
    const result = (await response.json()) as MultiSourceResponse;
    expect(result.successful_sources).toEqual(['jira']);
    const methods = jira.requests.slice(before).map((r) => r.method);
    expect(methods.length).toBeGreaterThan(0);
    expect(methods.every((m) => m === 'GET')).toBe(true);
    expect((await post(user, '/api/agent/query', { query: 'x', allow_writes: 'yes' })).status).toBe(400);
  });

  it('should report a source the user has no credentials for, and rejected credentials, as failed', async () => {
    const stranger = await sut.newUser('no-jira');
    const missing = await ask(stranger, 'Which Jira tickets mention the Acme checkout outage?', ['jira']);
    expect(missing.failed_sources).toEqual(['jira']);
    expect(missing.source_results[0]!.error).toMatch(/jira is not configured/);

    await post(stranger, '/api/credentials', { datasource: 'jira', credentials: { url: jira.url, email: FAKE_JIRA_EMAIL, api_token: 'wrong-token' } });
    const rejected = await ask(stranger, 'Which Jira tickets mention the Acme checkout outage?', ['jira']);
    expect(rejected.failed_sources).toEqual(['jira']);
    expect(rejected.source_results[0]!.error).toMatch(/credentials rejected for jira/);
    expect(JSON.stringify(rejected)).not.toContain('wrong-token');
  });

  it('should answer from Shopify and Jira together, each with its own user credentials', async () => {
    const user = await sut.newUser('both');
    await post(user, '/api/credentials', { datasource: 'jira', credentials: { url: jira.url, email: FAKE_JIRA_EMAIL, api_token: FAKE_JIRA_TOKEN } });
    await post(user, '/api/credentials', { datasource: 'shopify', credentials: { shop_url: shopify.url, access_token: shopifyToken } });
    const result = await ask(user, 'Which shopify orders were refunded, and is there a jira ticket about the refund bug?', ['jira', 'shopify']);
    expect(result.successful_sources.sort()).toEqual(['jira', 'shopify']);
    expect(new Set(result.citations.map((c) => c.source))).toEqual(new Set(['jira', 'shopify']));
    expect(JSON.stringify(result)).not.toContain(shopifyToken);
  });

  it('should answer from Slack with the user\'s bot token and cite the message by its permalink', async () => {
    const user = await sut.newUser('slack');
    expect((await post(user, '/api/credentials', { datasource: 'slack', credentials: { bot_token: slackBotToken, api_url: slack.url } })).status).toBe(201);
    const result = await ask(user, 'What did people say on Slack about the Acme checkout outage?', ['slack']);
    expect(result.successful_sources).toEqual(['slack']);
    expect(result.citations.length).toBeGreaterThan(0);
    expect(result.citations[0]!.url).toMatch(/^https:\/\/[a-z0-9-]+\.slack\.com\/archives\//);
    expect(JSON.stringify(result)).not.toContain(slackBotToken);
  });

  it('should answer from GitHub which pull requests await review, citing each by its html_url', async () => {
    const user = await sut.newUser('github');
    const saved = await post(user, '/api/credentials', { datasource: 'github', credentials: { token: FAKE_GITHUB_TOKEN, api_url: github.url, default_owner: 'northwind' } });
    expect(saved.status).toBe(201);
    const result = await ask(user, 'Which pull requests are waiting for review?', ['github']);
    expect(result.successful_sources).toEqual(['github']);
    expect(result.citations.map((c) => c.item)).toEqual(expect.arrayContaining(['northwind/web#110']));
    expect(result.citations.every((c) => c.url?.startsWith('https://') || c.url?.startsWith('http://'))).toBe(true);
    expect(JSON.stringify(result)).not.toContain(FAKE_GITHUB_TOKEN);
  });

  it('should answer from S3 through a real S3-compatible server, citing the object by its s3:// URL', async () => {
    const user = await sut.newUser('s3');
    const saved = await post(user, '/api/credentials', {
      datasource: 's3',
      credentials: { access_key_id: s3.accessKeyId, secret_access_key: 'S3RVER', endpoint: s3.endpoint, bucket: 'acme-reports' },
    });
    expect(saved.status).toBe(201);
    const result = await ask(user, 'What was the Q3 revenue in the S3 reports?', ['s3']);
    expect(result.successful_sources).toEqual(['s3']);
    expect(result.citations.some((c) => c.url === 's3://acme-reports/finance/2024/q3-revenue-summary.md')).toBe(true);
    expect(result.response).toMatch(/\$4\.2M/);
    const test = await post(user, '/api/datasources/s3/test', {});
    expect(await test.json()).toMatchObject({ datasource: 's3', ok: true, credentials: 'user' });
  });

  it('should answer from Google Drive with the user\'s OAuth token, citing the document', async () => {
    const user = await sut.newUser('google');
    const saved = await post(user, '/api/credentials', { datasource: 'google', credentials: { access_token: FAKE_GOOGLE_TOKEN, api_url: google.url } });
    expect(saved.status).toBe(201);
    const result = await ask(user, 'What was the root cause in the payments outage postmortem doc?', ['google']);
    expect(result.successful_sources).toEqual(['google']);
    expect(result.response).toMatch(/TLS certificate/);
    expect(result.citations.some((c) => c.source === 'google' && /docs\.google\.com/.test(c.url ?? ''))).toBe(true);
    expect(JSON.stringify(result)).not.toContain(FAKE_GOOGLE_TOKEN);
  });

  it('should answer from MySQL (a real MariaDB) through the read-only server, citing the row', async () => {
    const adminUrl = process.env['MYSQL_ADMIN_URL'];
    const readerUrl = process.env['MYSQL_URL'];
    if (!adminUrl || !readerUrl) throw new Error('MYSQL_ADMIN_URL and MYSQL_URL are not set: run `npm test` (the test infra env provides them)');
    const admin = await createConnection(adminUrl);
    try {
      await admin.query('CREATE TABLE IF NOT EXISTS e2e_vendor_contracts (id INT PRIMARY KEY, vendor VARCHAR(100), notes TEXT)');
      await admin.query('REPLACE INTO e2e_vendor_contracts VALUES (1, ?, ?), (2, ?, ?)', [
        'Globex Payments', 'Payment gateway contract renews on 2027-01-31; termination needs 90 days notice.',
        'Initech Hosting', 'Hosting contract for the staging cluster.',
      ]);
    } finally {
      await admin.end();
    }
    const user = await sut.newUser('mysql');
    expect((await post(user, '/api/credentials', { datasource: 'mysql', credentials: { url: readerUrl } })).status).toBe(201);
    const result = await ask(user, 'When does the payment gateway vendor contract renew?', ['mysql']);
    expect(result.successful_sources).toEqual(['mysql']);
    expect(result.citations.some((c) => c.source === 'mysql' && c.item === 'e2e_vendor_contracts:1')).toBe(true);
    expect(result.response).toMatch(/2027-01-31/);
    expect(JSON.stringify(result)).not.toContain(new URL(readerUrl).password);
  });

  describe('GET /api/digest', () => {
    /** Moves every ISO timestamp in the fixtures so the fixture window ends now. */
    const shift = <T>(value: T, ms: number): T =>
      JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
        typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) ? new Date(Date.parse(v) + ms).toISOString() : v,
      ) as T;

    /** Sets the user's previous login directly (as if they had last logged in then). */
    async function setPreviousLogin(email: string, at: string): Promise<void> {
      const db = new PgClient({ connectionString: process.env['DATABASE_URL'] });
      await db.connect();
      try {
        const { rows } = await db.query<{ user_id: string; tenant_id: string }>('select user_id, tenant_id from mosaic_find_login($1)', [email]);
        await db.query('begin');
        await db.query("select set_config('mosaic.tenant_id', $1, true)", [rows[0]!.tenant_id]);
        await db.query('update users set previous_login = $1 where id = $2', [at, rows[0]!.user_id]);
        await db.query('commit');
      } finally {
        await db.end();
      }
    }

    it('should report only what changed since the previous login, grouped by source with citations, and cache it per user', async () => {
      const offset = Date.now() - 60_000 - Date.parse(DIGEST_UNTIL);
      const since = new Date(Date.parse(DIGEST_SINCE) + offset).toISOString();
      const carol = await startFakeGithub({ login: 'carol', issues: shift(DIGEST_ISSUES, offset), workflowRuns: shift(DIGEST_WORKFLOW_RUNS, offset) });
      try {
        const user = await sut.newUser('digest');
        await post(user, '/api/credentials', { datasource: 'github', credentials: { token: carol.token, api_url: carol.url, default_owner: 'northwind' } });
        await setPreviousLogin(user.email, since);

        const response = await fetch(`${sut.url}/api/digest`, { headers: user.auth });
        expect(response.status).toBe(200);
        const digest = (await response.json()) as { since: string; sources: string[]; cached: boolean; result: MultiSourceResponse };
        expect(digest).toMatchObject({ since, sources: ['github'], cached: false });
        expect(digest.result.successful_sources).toEqual(['github']);
        const cited = digest.result.citations.map((c) => c.item);
        expect(cited).toEqual(expect.arrayContaining(['northwind/web#110', 'northwind/web/actions/runs/9001']));
        // Items from before the previous login (or after now) are not news.
        const inWindow = (iso: string) => Date.parse(iso) > Date.parse(since) && Date.parse(iso) <= Date.now();
        const stale = shift(DIGEST_ISSUES, offset).filter((i) => !inWindow(i.updated_at)).map((i) => `northwind/${i.repo}#${i.number}`);
        expect(stale.length).toBeGreaterThan(0);
        for (const id of stale) expect(cited).not.toContain(id);
        expect(digest.result.response).toMatch(/\*\*GitHub\*\*/);

        const again = (await (await fetch(`${sut.url}/api/digest`, { headers: user.auth })).json()) as { cached: boolean; result: MultiSourceResponse };
        expect(again.cached).toBe(true);
        expect(again.result.query_id).toBe(digest.result.query_id);

        const stream = await fetch(`${sut.url}/api/digest/stream`, { headers: user.auth });
        const body = await stream.text();
        expect(body).toMatch(/"event_type":"done"/);
        expect((await fetch(`${sut.url}/api/digest?tz=Mars/Olympus`, { headers: user.auth })).status).toBe(400);
      } finally {
        await carol.close();
      }
    });
  });

  describe('POST /api/datasources/{id}/test', () => {
    const test = async (user: TestUser, id: string) => {
      const response = await post(user, `/api/datasources/${id}/test`, {});
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    it('should report ok with one real call when the caller\'s stored credentials work', async () => {
      const user = await sut.newUser('test-ok');
      await post(user, '/api/credentials', { datasource: 'github', credentials: { token: FAKE_GITHUB_TOKEN, api_url: github.url } });
      const before = github.requests.length;
      const { status, body } = await test(user, 'github');
      expect(status).toBe(200);
      expect(body).toMatchObject({ datasource: 'github', ok: true, credentials: 'user' });
      expect(github.requests.length).toBeGreaterThan(before);
    });

    it('should report the rejection, without the secret, when the stored credentials are wrong', async () => {
      const user = await sut.newUser('test-bad');
      await post(user, '/api/credentials', { datasource: 'shopify', credentials: { shop_url: shopify.url, access_token: 'shpat_wrong_secret_value' } });
      const { status, body } = await test(user, 'shopify');
      expect(status).toBe(200);
      expect(body).toMatchObject({ datasource: 'shopify', ok: false, credentials: 'user' });
      expect(body['error']).toMatch(/credentials rejected for shopify/);
      expect(JSON.stringify(body)).not.toContain('shpat_wrong_secret_value');
    });

    it('should refuse a site URL that points at a private or metadata address', async () => {
      const user = await sut.newUser('test-ssrf');
      await post(user, '/api/credentials', { datasource: 'jira', credentials: { url: 'http://169.254.169.254/latest', email: FAKE_JIRA_EMAIL, api_token: FAKE_JIRA_TOKEN } });
      const { body } = await test(user, 'jira');
      expect(body).toMatchObject({ datasource: 'jira', ok: false });
      expect(body['error']).toMatch(/jira url: refusing http:\/\/169\.254\.169\.254\/.*metadata/);
      const result = await ask(user, 'Which Jira tickets mention the Acme checkout outage?', ['jira']);
      expect(result.failed_sources).toEqual(['jira']);
      expect(result.source_results[0]!.error).toMatch(/refusing/);
    });

    it('should say what is missing when the caller stored no credentials', async () => {
      const user = await sut.newUser('test-none');
      const { body } = await test(user, 'jira');
      expect(body).toMatchObject({ datasource: 'jira', ok: false, credentials: 'deployment' });
      expect(body['error']).toMatch(/jira is not configured \(missing JIRA_URL/);
    });

    it('should answer 404 for an unknown datasource and 400 for one this deployment does not enable', async () => {
      const user = await sut.newUser('test-unknown');
      expect(await test(user, 'nope')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
      expect(await test(user, 'files')).toMatchObject({ status: 400, body: { error: { code: 'source_disabled' } } });
    });

    it('should require authentication', async () => {
      const response = await fetch(`${sut.url}/api/datasources/github/test`, { method: 'POST' });
      expect(response.status).toBe(401);
    });
  });
});
