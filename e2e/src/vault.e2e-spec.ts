import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { MultiSourceResponse } from '@mosaic/contracts';
import { repoRoot } from '@mosaic/connectors';
import { generateVaultKey } from '@mosaic/security';
import { requireInfraEnv } from '@mosaic/testing';
import { startTestStack, TestStack, TestUser } from './support/test-stack';

jest.setTimeout(60_000);

describe('credential vault (end to end)', () => {
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack({ name: 'vault', sources: ['files', 'postgres'], env: { RATE_LIMIT_PER_MINUTE: '10000' } });
  });

  afterAll(async () => {
    await sut?.stop();
  });

  const request = (method: string, path: string, user: TestUser, body?: unknown) =>
    fetch(`${sut.url}${path}`, {
      method,
      headers: { ...user.auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  const ask = async (user: TestUser) =>
    (await (await request('POST', '/api/agent/query', user, { query: 'Which customers have open urgent support tickets?', sources: ['postgres'] })).json()) as MultiSourceResponse;
  const wrongUrl = (secret: string) => {
    const url = new URL(requireInfraEnv().SAMPLE_READER_DATABASE_URL);
    url.password = secret;
    return url.toString();
  };

  it('should validate credentials against the connector\'s fields', async () => {
    const user = await sut.newUser('validate');
    const cases: Array<[unknown, string]> = [
      [{ datasource: 'nope', credentials: { url: 'x' } }, 'unknown_source'],
      [{ datasource: 'postgres', credentials: { password: 'x' } }, 'validation_error'],
      [{ datasource: 'postgres', credentials: {} }, 'validation_error'],
      [{ datasource: 'postgres' }, 'validation_error'],
    ];
    for (const [body, code] of cases) {
      const response = await request('POST', '/api/credentials', user, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(await (await request('GET', '/api/credentials/postgres/status', user)).json()).toMatchObject({ configured: false });

    const catalog = (await (await request('GET', '/api/datasources', user)).json()) as Array<{ id: string; enabled: boolean; credential_fields: Array<{ name: string; env_var: string; required: boolean }> }>;
    expect(catalog.find((d) => d.id === 'postgres')).toMatchObject({ enabled: true, credential_fields: [{ name: 'url', env_var: 'POSTGRES_URL', required: true }] });
  });

  it('should use the asking user\'s own credentials, keep them out of every response and log, and fall back once deleted', async () => {
    const user = await sut.newUser('vault');
    const other = await sut.newUser('bystander');
    const secret = `S3cret-${randomUUID()}`;

    expect((await ask(user)).successful_sources).toEqual(['postgres']);
    const saved = await request('POST', '/api/credentials', user, { datasource: 'postgres', credentials: { url: wrongUrl(secret) } });
    expect(saved.status).toBe(201);
    const savedText = await saved.text();
    expect(savedText).not.toContain(secret);
    const status = await (await request('GET', '/api/credentials/postgres/status', user)).text();
    expect(JSON.parse(status)).toMatchObject({ datasource: 'postgres', configured: true });
    expect(status).not.toContain(secret);
    expect(await (await request('GET', '/api/credentials/postgres/status', other)).json()).toMatchObject({ configured: false });

    // The user's (deliberately wrong) password is what the worker used; the bystander is unaffected.
    const withOwn = await ask(user);
    expect(withOwn.failed_sources).toEqual(['postgres']);
    expect(JSON.stringify(withOwn)).not.toContain(secret);
    expect((await ask(other)).successful_sources).toEqual(['postgres']);

    expect((await request('DELETE', '/api/credentials/postgres', user)).status).toBe(200);
    expect((await request('DELETE', '/api/credentials/postgres', user)).status).toBe(404);
    expect((await ask(user)).successful_sources).toEqual(['postgres']);

    const logDir = path.join(repoRoot(), '.mosaic', 'test-logs', 'vault');
    for (const file of readdirSync(logDir)) {
      expect({ file, leaked: readFileSync(path.join(logDir, file), 'utf8').includes(secret) }).toEqual({ file, leaked: false });
    }
  });

  it('should refuse to decrypt a ciphertext copied into another user\'s row', async () => {
    const alice = await sut.newUser('alice');
    const bob = await sut.newUser('bob');
    for (const user of [alice, bob]) {
      await request('POST', '/api/credentials', user, { datasource: 'postgres', credentials: { url: requireInfraEnv().SAMPLE_READER_DATABASE_URL } });
    }
    expect((await ask(bob)).successful_sources).toEqual(['postgres']);

    const me = async (user: TestUser) => (await (await request('GET', '/api/auth/me', user)).json()) as { id: string; tenant_id: string };
    const [a, b] = [await me(alice), await me(bob)];
    // An attacker with write access to the table moves Alice's envelope onto Bob's row.
    const db = new Client({ connectionString: requireInfraEnv().DATABASE_URL });
    await db.connect();
    try {
      await db.query('begin');
      await db.query(`select set_config('mosaic.tenant_id', $1, true)`, [a.tenant_id]);
      const { rows } = await db.query(`select envelope from credentials where user_id = $1 and datasource = 'postgres'`, [a.id]);
      await db.query(`select set_config('mosaic.tenant_id', $1, true)`, [b.tenant_id]);
      const updated = await db.query(`update credentials set envelope = $1 where user_id = $2 and datasource = 'postgres'`, [rows[0].envelope, b.id]);
      expect(updated.rowCount).toBe(1);
      await db.query('commit');
    } finally {
      await db.end();
    }
    const result = await ask(bob);
    expect(result.failed_sources).toEqual(['postgres']);
    expect(result.source_results[0]!.error).toMatch(/cannot be decrypted/);
  });
});

describe('vault key rotation (end to end)', () => {
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack({ name: 'vault-rotation', sources: ['postgres'], env: { RATE_LIMIT_PER_MINUTE: '10000' } });
  });

  afterAll(async () => {
    await sut?.stop();
  });

  it('should re-encrypt every row under the new key while old rows still decrypt, so the old key can be dropped', async () => {
    const user = await sut.newUser('rotation');
    const headers = { ...user.auth, 'content-type': 'application/json' };
    const reader = requireInfraEnv().SAMPLE_READER_DATABASE_URL;
    await fetch(`${sut.url}/api/credentials`, { method: 'POST', headers, body: JSON.stringify({ datasource: 'postgres', credentials: { url: reader } }) });
    const ask = async () =>
      ((await (await fetch(`${sut.url}/api/agent/query`, { method: 'POST', headers, body: JSON.stringify({ query: 'refunded orders', sources: ['postgres'] }) })).json()) as MultiSourceResponse)
        .successful_sources;
    const me = (await (await fetch(`${sut.url}/api/auth/me`, { headers: user.auth })).json()) as { tenant_id: string };

    const auth = sut.launches.find((l) => l.name === 'auth')!;
    const oldKey = auth.env['MOSAIC_VAULT_KEYS']!;
    const newKey = generateVaultKey(`k${randomUUID().slice(0, 8)}`);
    const restartAuth = async (keys: string) => {
      await sut.stack.kill('auth');
      await sut.stack.start({ ...auth, env: { ...auth.env, MOSAIC_VAULT_KEYS: keys } });
    };

    // New key first, old key still listed: existing rows keep working.
    await restartAuth(`${newKey},${oldKey}`);
    expect(await ask()).toEqual(['postgres']);

    const rotation = spawnSync(process.execPath, [path.join(repoRoot(), 'dist/services/auth/src/credentials/rotate-vault-keys.main.js'), '--tenant', me.tenant_id], {
      env: { PATH: process.env['PATH'], APP_DATABASE_URL: auth.env['APP_DATABASE_URL'], MOSAIC_VAULT_KEYS: `${newKey},${oldKey}` },
      encoding: 'utf8',
    });
    expect(rotation.stderr).toBe('');
    expect(rotation.status).toBe(0);
    expect(rotation.stdout).toMatch(/re-encrypted 1 credential\(s\) and 0 MCP server header set\(s\) in 1 tenant\(s\)/);

    // Old key gone: the rotated row decrypts with the new key alone.
    await restartAuth(newKey);
    expect(await ask()).toEqual(['postgres']);
  });
});
