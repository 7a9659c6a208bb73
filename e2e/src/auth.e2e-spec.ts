import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { STREAMS } from '@mosaic/contracts';
import { natsAdminOptions } from '@mosaic/testing';
import { signUp, startTestStack, TestStack } from './support/test-stack';

jest.setTimeout(60_000);

describe('identity (end to end)', () => {
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack({
      name: 'auth',
      sources: ['files'],
      env: { LOCKOUT_THRESHOLD: '3', LOCKOUT_BASE_SECONDS: '2', RATE_LIMIT_PER_MINUTE: '1000', API_KEY_CACHE_MS: '1000' },
    });
  });

  afterAll(async () => {
    await sut?.stop();
  });

  const request = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    fetch(`${sut.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

  it('should sign up, log in with an HTTP-only cookie, answer me by cookie and by bearer, and log out', async () => {
    const email = `cookie-${Date.now()}@e2e.example`;
    const password = 'correct horse battery staple';
    const signup = await request('POST', '/api/auth/signup', {}, { email, password, name: 'Cookie User' });
    expect(signup.status).toBe(201);
    expect(await signup.json()).toMatchObject({ user: { email, role: 'admin' } });
    expect(JSON.stringify(await (await request('POST', '/api/auth/signup', {}, { email, password, name: 'x' })).json())).toContain('email_taken');

    const login = await request('POST', '/api/auth/login', {}, { email, password });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^access_token=[^;]+/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/; Secure/i); // outside development

    const { token } = (await login.json()) as { token: string };

    const byCookie = await request('GET', '/api/auth/me', { cookie: cookie.split(';')[0]! });
    expect(byCookie.status).toBe(200);
    const me = (await byCookie.json()) as { email: string; last_login: string | null };
    expect(me.email).toBe(email);
    expect(me.last_login).not.toBeNull();
    expect((await request('GET', '/api/auth/me', { authorization: `Bearer ${token}` })).status).toBe(200);

    expect((await request('POST', '/api/auth/logout', { authorization: `Bearer ${token}` })).status).toBe(200);
    const after = await request('GET', '/api/auth/me', { authorization: `Bearer ${token}` });
    expect(after.status).toBe(401);
    expect(await errorCode(after)).toBe('unauthenticated');
  });

  it.each([
    ['no credentials', {}],
    ['a garbage bearer token', { authorization: 'Bearer not-a-token' }],
    ['an unsigned alg:none token', { authorization: `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.` }],
    ['an unknown API key', { authorization: 'Bearer msk_live_0000000000000000000000000000000000000000000' }],
  ])('should refuse %s with 401 and publish nothing', async (_case, headers) => {
    const nc = await connect(natsAdminOptions());
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(STREAMS.queries.name)).state.last_seq;
    const response = await request('POST', '/api/agent/query', headers as Record<string, string>, { query: 'refund policy' });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('unauthenticated');
    expect((await jsm.streams.info(STREAMS.queries.name)).state.last_seq).toBe(before);
    await nc.close();
  });

  it('should answer an unknown email and a wrong password identically, and lock out after repeated failures', async () => {
    const user = await signUp(sut.url, 'lockout');
    const unknown = await request('POST', '/api/auth/login', {}, { email: `nobody-${Date.now()}@e2e.example`, password: 'whatever-password' });
    const wrong = await request('POST', '/api/auth/login', {}, { email: user.email, password: 'wrong-password-1' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());

    await request('POST', '/api/auth/login', {}, { email: user.email, password: 'wrong-password-2' });
    await request('POST', '/api/auth/login', {}, { email: user.email, password: 'wrong-password-3' });
    const locked = await request('POST', '/api/auth/login', {}, { email: user.email, password: user.password });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await errorCode(locked)).toBe('account_locked');

    // Never permanent: after the lock expires the right password works again.
    await new Promise((r) => setTimeout(r, Number(locked.headers.get('retry-after')) * 1000 + 200));
    expect((await request('POST', '/api/auth/login', {}, { email: user.email, password: user.password })).status).toBe(200);
  });

  it('should show an API key once, list it without the secret, accept it for queries, and stop accepting it once revoked', async () => {
    const created = await request('POST', '/api/keys', sut.auth, { name: 'ci', scopes: ['query'] });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; key: string; prefix: string };
    expect(key.key).toMatch(/^msk_live_/);
    expect(key.key.startsWith(key.prefix)).toBe(true);

    const list = (await (await request('GET', '/api/keys', sut.auth)).json()) as Array<Record<string, unknown>>;
    expect(list.find((k) => k['id'] === key.id)).toMatchObject({ name: 'ci', prefix: key.prefix });
    expect(JSON.stringify(list)).not.toContain(key.key);

    const bearer = { authorization: `Bearer ${key.key}` };
    const answered = await request('POST', '/api/agent/query', bearer, { query: 'What is our refund policy?', sources: ['files'] });
    expect(answered.status).toBe(200);
    expect(answered.headers.get('ratelimit-limit')).toBeTruthy();

    expect((await request('DELETE', `/api/keys/${key.id}`, sut.auth)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await request('GET', '/api/auth/me', bearer)).status).toBe(401);
  });

  it('should answer 404 when a user revokes another user\'s API key, and leave the key working', async () => {
    const other = await sut.newUser('other');
    const created = (await (await request('POST', '/api/keys', other.auth, { name: 'theirs' })).json()) as { id: string; key: string };
    const attempt = await request('DELETE', `/api/keys/${created.id}`, sut.auth);
    expect(attempt.status).toBe(404);
    expect((await request('GET', '/api/auth/me', { authorization: `Bearer ${created.key}` })).status).toBe(200);
    const mine = (await (await request('GET', '/api/keys', sut.auth)).json()) as Array<{ id: string }>;
    expect(mine.map((k) => k.id)).not.toContain(created.id);
  });

  it('should answer 429 with Retry-After and RateLimit headers when a key exceeds its limit', async () => {
    const user = await sut.newUser('limited');
    const created = (await (await request('POST', '/api/keys', user.auth, { name: 'burst' })).json()) as { key: string };
    const bearer = { authorization: `Bearer ${created.key}` };
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 1100 && !limited; i++) {
      const response = await request('GET', '/api/agent/sources', bearer);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(limited).toBeDefined();
    // 1000 per hour, plus the few tokens the hour bucket refills while the loop runs.
    const allowed = statuses.filter((s) => s === 200).length;
    expect(allowed).toBeGreaterThanOrEqual(1000);
    expect(allowed).toBeLessThanOrEqual(1010);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited!.headers.get('ratelimit-policy')).toContain('1000;w=60');
    expect(await errorCode(limited!)).toBe('rate_limited');
  });

  it('should let a tenant admin change its rate limits, and apply them', async () => {
    const admin = await sut.newUser('tenant-admin');
    expect((await request('PATCH', '/api/tenant/limits', admin.auth, { rate_limit_per_minute: 3 })).status).toBe(200);
    expect(await (await request('GET', '/api/tenant/limits', admin.auth)).json()).toEqual({ rate_limit_per_minute: 3, rate_limit_per_hour: null });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await request('GET', '/api/auth/me', admin.auth)).status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    expect(statuses).toContain(429);
    const bad = await request('PATCH', '/api/tenant/limits', admin.auth, { rate_limit_per_minute: -1 });
    expect([400, 429]).toContain(bad.status);
  });

  it('should record logins, keys, credentials and queries in the audit log, for tenant admins only', async () => {
    const admin = await sut.newUser('auditor');
    const key = (await (await request('POST', '/api/keys', admin.auth, { name: 'audited', scopes: ['query'] })).json()) as { id: string; key: string };
    await request('POST', '/api/credentials', admin.auth, { datasource: 'files', credentials: { root: '/tmp' } });
    await request('DELETE', '/api/credentials/files', admin.auth);
    await request('POST', '/api/agent/query', admin.auth, { query: 'refund policy', sources: ['files'] });
    await request('DELETE', `/api/keys/${key.id}`, admin.auth);
    await new Promise((r) => setTimeout(r, 300));

    const response = await request('GET', '/api/audit', admin.auth);
    expect(response.status).toBe(200);
    const entries = (await response.json()) as Array<{ action: string; outcome: string; ip: string | null }>;
    const actions = entries.map((e) => e.action);
    for (const action of ['user.signup', 'user.login', 'api_key.create', 'api_key.revoke', 'credential.save', 'credential.delete', 'query.run']) {
      expect(actions).toContain(action);
    }
    expect(entries.every((e) => e.ip)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(key.key);

    // Another tenant's admin sees none of it; a query-scoped key may not read the log.
    const stranger = await sut.newUser('stranger');
    const theirs = (await (await request('GET', '/api/audit', stranger.auth)).json()) as Array<{ action: string; target: string | null }>;
    expect(theirs.some((e) => e.target === key.id)).toBe(false);
    const queryKey = (await (await request('POST', '/api/keys', admin.auth, { name: 'q', scopes: ['query'] })).json()) as { key: string };
    expect((await request('GET', '/api/audit', { authorization: `Bearer ${queryKey.key}` })).status).toBe(403);
  });

  it('should keep users of one tenant out of each other\'s keys and credentials, and members out of admin endpoints', async () => {
    const admin = await sut.newUser('team-admin');
    const memberEmail = `member-${Date.now()}@e2e.example`;
    const password = 'member password 123';
    const created = await request('POST', '/api/users', admin.auth, { email: memberEmail, password, name: 'Member' });
    expect(created.status).toBe(201);
    const adminMe = (await (await request('GET', '/api/auth/me', admin.auth)).json()) as { tenant_id: string };
    expect(await created.json()).toMatchObject({ email: memberEmail, role: 'member', tenant_id: adminMe.tenant_id });
    const login = (await (await request('POST', '/api/auth/login', {}, { email: memberEmail, password })).json()) as { token: string };
    const member = { authorization: `Bearer ${login.token}` };

    const adminKey = (await (await request('POST', '/api/keys', admin.auth, { name: 'admin key' })).json()) as { id: string; key: string };
    expect((await request('DELETE', `/api/keys/${adminKey.id}`, member)).status).toBe(404);
    expect(((await (await request('GET', '/api/keys', member)).json()) as unknown[]).length).toBe(0);
    expect((await request('GET', '/api/auth/me', { authorization: `Bearer ${adminKey.key}` })).status).toBe(200);

    await request('POST', '/api/credentials', admin.auth, { datasource: 'files', credentials: { root: '/tmp' } });
    expect(await (await request('GET', '/api/credentials/files/status', member)).json()).toMatchObject({ configured: false });
    expect((await request('DELETE', '/api/credentials/files', member)).status).toBe(404);
    expect(await (await request('GET', '/api/credentials/files/status', admin.auth)).json()).toMatchObject({ configured: true });

    for (const [method, path] of [['GET', '/api/audit'], ['GET', '/api/users'], ['GET', '/api/tenant/limits']] as const) {
      expect((await request(method, path, member)).status).toBe(403);
    }
    expect((await request('POST', '/api/keys', member, { name: 'escalate', scopes: ['admin'] })).status).toBe(403);
  });
});
