import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportSigningKey, generateSigningKey, generateVaultKey } from '@mosaic/security';

/** A fresh AUTH_SIGNING_KEYS value: one new Ed25519 key. */
export async function newSigningKeys(): Promise<string> {
  const key = await generateSigningKey(`k${Date.now().toString(36)}`);
  return JSON.stringify([JSON.parse(await exportSigningKey(key))]);
}

/** The local stack's signing keys, kept (mode 0600) so sessions survive restarts. */
export async function localSigningKeys(stateDir: string): Promise<string> {
  const file = path.join(stateDir, 'secrets', 'auth-signing-keys.json');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const keys = await newSigningKeys();
  writeFileSync(file, keys, { mode: 0o600 });
  chmodSync(file, 0o600);
  return keys;
}

/** The local stack's vault keys (`kid:base64`), kept (mode 0600) so stored credentials stay readable. */
export function localVaultKeys(stateDir: string): string {
  const file = path.join(stateDir, 'secrets', 'vault-keys');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const keys = generateVaultKey();
  writeFileSync(file, keys, { mode: 0o600 });
  return keys;
}

export interface DemoIdentity {
  email: string;
  password: string;
  apiKey: string;
}

async function call(url: string, method: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, json };
}

/**
 * Makes sure the demo tenant and user exist (through the gateway, like any client) and
 * returns a working API key: the saved one if it still works, else a new one.
 */
export async function ensureDemoIdentity(baseUrl: string, stateDir: string, savedKey?: string): Promise<DemoIdentity> {
  const email = 'demo@northwind.example';
  const passwordFile = path.join(stateDir, 'secrets', 'demo-password');
  mkdirSync(path.dirname(passwordFile), { recursive: true, mode: 0o700 });
  let password: string;
  if (existsSync(passwordFile)) {
    password = readFileSync(passwordFile, 'utf8').trim();
  } else {
    password = `demo-${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('base64url')}`;
    writeFileSync(passwordFile, password, { mode: 0o600 });
  }
  const signup = await call(`${baseUrl}/api/auth/signup`, 'POST', { email, password, name: 'Demo User', tenant_name: 'Northwind Cloud' });
  if (signup.status !== 201 && signup.status !== 409) throw new Error(`demo sign-up failed (${signup.status}): ${JSON.stringify(signup.json)}`);

  if (savedKey) {
    const me = await call(`${baseUrl}/api/auth/me`, 'GET', undefined, { authorization: `Bearer ${savedKey}` });
    if (me.status === 200) return { email, password, apiKey: savedKey };
  }
  const login = await call(`${baseUrl}/api/auth/login`, 'POST', { email, password });
  if (login.status !== 200) throw new Error(`demo login failed (${login.status}): ${JSON.stringify(login.json)}`);
  const token = login.json['token'] as string;
  const key = await call(`${baseUrl}/api/keys`, 'POST', { name: 'demo (npm start)', scopes: ['query'] }, { authorization: `Bearer ${token}` });
  if (key.status !== 201) throw new Error(`demo API key failed (${key.status}): ${JSON.stringify(key.json)}`);
  return { email, password, apiKey: key.json['key'] as string };
}
