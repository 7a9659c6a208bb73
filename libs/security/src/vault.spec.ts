import { randomBytes, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { SecurityErrorCode, SecurityException } from './security.exception';
import { CredentialVault, generateVaultKey, VaultContext, vaultAad, VaultKeyRing } from './vault';

const SECRET_TOKEN = 'ghp_S3cretT0kenThatMustNeverLeak0123456789';
const SECRET_PASSWORD = 'pg-p@ssw0rd-never-in-logs';
const CREDENTIALS = { token: SECRET_TOKEN, password: SECRET_PASSWORD, username: 'reader' };

function keyMaterial(): string {
  return randomBytes(32).toString('base64');
}

function context(overrides: Partial<VaultContext> = {}): VaultContext {
  return { tenantId: randomUUID(), userId: randomUUID(), datasource: 'github', ...overrides };
}

function thrown(fn: () => unknown): SecurityException {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityException);
    return error as SecurityException;
  }
  throw new Error('expected a SecurityException');
}

/** Every message in an error and its cause chain. */
function messages(error: unknown): string {
  const out: string[] = [];
  for (let e = error as { message?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) out.push(String(e.message));
  return out.join(' | ');
}

type Envelope = { v: number; kid: string; iv: string; tag: string; ct: string };

function edit(envelope: string, change: (e: Envelope) => void): string {
  const parsed = JSON.parse(envelope) as Envelope;
  change(parsed);
  return JSON.stringify(parsed);
}

/** Flips one bit of a base64 field, keeping its length. */
function flipBit(b64: string, byte = 0): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[byte] ^= 0x01;
  return bytes.toString('base64');
}

describe(VaultKeyRing.name, () => {
  it('should make the first entry active when parsing two keys', () => {
    const ring = VaultKeyRing.fromEnv(`k2:${keyMaterial()}, k1:${keyMaterial()}`);

    expect(ring.activeKid).toBe('k2');
    expect(ring.kids).toEqual(['k2', 'k1']);
    expect(ring.has('k1')).toBe(true);
    expect(ring.has('k3')).toBe(false);
  });

  it.each([
    ['undefined', undefined, /MOSAIC_VAULT_KEYS is empty/],
    ['a blank value', '  ', /MOSAIC_VAULT_KEYS is empty/],
    ['an entry without a kid', keyMaterial(), /entry 1 is not kid:<base64>/],
    ['an invalid kid', `bad kid!:${keyMaterial()}`, /entry 1: kid must be/],
    ['a key that is not base64', 'k1:not*base64*at*all', /entry 1 \(k1\): key is not base64/],
    ['a 16-byte key', `k1:${randomBytes(16).toString('base64')}`, /entry 1 \(k1\): key must be 32 bytes, got 16/],
    ['a 33-byte key', `k1:${randomBytes(33).toString('base64')}`, /got 33/],
    ['a duplicate kid', `k1:${keyMaterial()},k1:${keyMaterial()}`, /entry 2: duplicate kid k1/],
    ['an empty entry', `k1:${keyMaterial()},`, /entry 2 is not kid:<base64>/],
  ])('should throw VaultKeyInvalid when given %s', (_what, value, expected) => {
    const error = thrown(() => VaultKeyRing.fromEnv(value));

    expect(error.code).toBe(SecurityErrorCode.VaultKeyInvalid);
    expect(error.message).toMatch(expected);
  });

  it('should reject the same key material under two kids', () => {
    const material = keyMaterial();

    const error = thrown(() => VaultKeyRing.fromEnv(`k2:${material},k1:${material}`));

    expect(error.message).toContain('entry 2 (k1): same key as k2');
  });

  it('should list every bad entry at once and never include key material when rejecting', () => {
    const short = randomBytes(31).toString('base64');
    const good = keyMaterial();
    const orphan = keyMaterial();

    const error = thrown(() => VaultKeyRing.fromEnv(`k3:${short},k2:${good},${orphan},k2:${keyMaterial()}`, 'VAULT'));

    expect(error.message).toContain('VAULT entry 1 (k3): key must be 32 bytes, got 31');
    expect(error.message).toContain('VAULT entry 3 is not kid:<base64>');
    expect(error.message).toContain('VAULT entry 4: duplicate kid k2');
    for (const material of [short, good, orphan]) expect(error.message).not.toContain(material);
  });

  it('should show kids but no key material when logged or serialized', () => {
    const material = keyMaterial();
    const ring = VaultKeyRing.fromEnv(`k1:${material}`);

    expect(JSON.stringify({ ring })).toBe('{"ring":{"activeKid":"k1","kids":["k1"]}}');
    expect(inspect({ ring })).toContain("activeKid: 'k1'");
    expect(inspect({ ring })).not.toContain(material);
  });
});

describe(generateVaultKey.name, () => {
  it('should print kid:base64 of 32 random bytes that fromEnv accepts', () => {
    const line = generateVaultKey('k9');
    const [kid, material] = line.split(':');

    expect(kid).toBe('k9');
    expect(Buffer.from(material, 'base64')).toHaveLength(32);
    expect(VaultKeyRing.fromEnv(line).activeKid).toBe('k9');
    expect(generateVaultKey('k9')).not.toBe(line);
  });

  it('should name the key after today when no kid is given', () => {
    expect(generateVaultKey()).toMatch(/^k\d{8}:[A-Za-z0-9+/]{43}=$/);
  });
});

describe(vaultAad.name, () => {
  it('should join the context canonically', () => {
    expect(vaultAad({ tenantId: 't-1', userId: 'u-1', datasource: 'postgres' })).toBe('mosaic:v1:t-1:u-1:postgres');
  });

  it('should refuse a part containing a colon so that two contexts cannot share an AAD', () => {
    const error = thrown(() => vaultAad({ tenantId: 't', userId: 'u:x', datasource: 'd' }));

    expect(error.code).toBe(SecurityErrorCode.VaultContextInvalid);
    expect(error.message).toContain('userId');
  });
});

describe(CredentialVault.name, () => {
  const k1 = `k1:${keyMaterial()}`;
  const k2 = `k2:${keyMaterial()}`;
  let sut: CredentialVault;
  let row: VaultContext;
  let envelope: string;
  const failures: unknown[] = [];

  beforeEach(() => {
    sut = new CredentialVault(VaultKeyRing.fromEnv(k1));
    row = context();
    envelope = sut.encrypt(CREDENTIALS, row);
  });

  function expectFailure(fn: () => unknown, code: SecurityErrorCode): SecurityException {
    const error = thrown(fn);
    failures.push(error);
    expect(error.code).toBe(code);
    return error;
  }

  afterAll(() => {
    // Every error raised in this suite, cause chains included: none may carry the plaintext.
    expect(failures.length).toBeGreaterThan(10);
    for (const error of failures) {
      expect(messages(error)).not.toContain(SECRET_TOKEN);
      expect(messages(error)).not.toContain(SECRET_PASSWORD);
    }
  });

  it('should return the same record when decrypting what it encrypted', () => {
    expect(sut.decrypt(envelope, row)).toEqual(CREDENTIALS);
  });

  it('should write a v1 envelope with a 12-byte IV and a 16-byte tag when encrypting', () => {
    const parsed = JSON.parse(envelope) as Envelope;

    expect(Object.keys(parsed)).toEqual(['v', 'kid', 'iv', 'tag', 'ct']);
    expect(parsed.v).toBe(1);
    expect(parsed.kid).toBe('k1');
    expect(Buffer.from(parsed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(parsed.tag, 'base64')).toHaveLength(16);
  });

  it('should never put the plaintext in the envelope', () => {
    for (const secret of [SECRET_TOKEN, SECRET_PASSWORD, 'reader', Buffer.from(SECRET_TOKEN).toString('base64').slice(0, 20)]) {
      expect(envelope).not.toContain(secret);
    }
  });

  it('should use a fresh IV when the same record is encrypted twice', () => {
    const again = sut.encrypt(CREDENTIALS, row);

    expect(JSON.parse(again).iv).not.toBe(JSON.parse(envelope).iv);
    expect(JSON.parse(again).ct).not.toBe(JSON.parse(envelope).ct);
  });

  it.each([
    ['another user of the same tenant', (c: VaultContext) => ({ ...c, userId: randomUUID() })],
    ['the same user id in another tenant', (c: VaultContext) => ({ ...c, tenantId: randomUUID() })],
    ['another datasource of the same user', (c: VaultContext) => ({ ...c, datasource: 'gitlab' })],
  ])('should throw DecryptionFailed when the envelope is copied to %s', (_what, move) => {
    expectFailure(() => sut.decrypt(envelope, move(row)), SecurityErrorCode.DecryptionFailed);
  });

  it.each([
    ['ct has a flipped bit', (e: Envelope) => (e.ct = flipBit(e.ct, 3))],
    ['ct is truncated', (e: Envelope) => (e.ct = Buffer.from(e.ct, 'base64').subarray(1).toString('base64'))],
    ['tag has a flipped bit', (e: Envelope) => (e.tag = flipBit(e.tag, 15))],
    ['tag is truncated to 4 bytes', (e: Envelope) => (e.tag = Buffer.from(e.tag, 'base64').subarray(0, 4).toString('base64'))],
    ['iv has a flipped bit', (e: Envelope) => (e.iv = flipBit(e.iv))],
    ['iv is 16 bytes', (e: Envelope) => (e.iv = randomBytes(16).toString('base64'))],
    ['ct is not base64', (e: Envelope) => (e.ct = `${e.ct.slice(0, -4)}!!!!`)],
    ['the version is 2', (e: Envelope) => (e.v = 2)],
  ])('should throw DecryptionFailed when %s', (_what, tamper) => {
    expectFailure(() => sut.decrypt(edit(envelope, tamper), row), SecurityErrorCode.DecryptionFailed);
  });

  it('should throw DecryptionFailed when the envelope is not JSON', () => {
    expectFailure(() => sut.decrypt('{"v":1,', row), SecurityErrorCode.DecryptionFailed);
    expectFailure(() => sut.decrypt('null', row), SecurityErrorCode.DecryptionFailed);
  });

  it('should throw DecryptionFailed when the kid is changed to another key of the ring', () => {
    const both = new CredentialVault(VaultKeyRing.fromEnv(`${k2},${k1}`));

    expectFailure(() => both.decrypt(edit(envelope, (e) => (e.kid = 'k2')), row), SecurityErrorCode.DecryptionFailed);
  });

  it('should throw UnknownKey naming the kid when the envelope key is not in the ring', () => {
    const error = expectFailure(() => sut.decrypt(edit(envelope, (e) => (e.kid = 'k7')), row), SecurityErrorCode.UnknownKey);

    expect(error.message).toContain('k7');
  });

  it('should throw CredentialInvalid without the values when a credential is not a string', () => {
    const error = expectFailure(
      () => sut.encrypt({ token: SECRET_TOKEN, port: 5432 } as unknown as Record<string, string>, row),
      SecurityErrorCode.CredentialInvalid,
    );

    expect(error.message).not.toContain('5432');
  });

  describe('key rotation', () => {
    it('should decrypt old envelopes when the old key is still in the ring', () => {
      const rotated = new CredentialVault(VaultKeyRing.fromEnv(`${k2},${k1}`));

      expect(rotated.decrypt(envelope, row)).toEqual(CREDENTIALS);
      expect(JSON.parse(rotated.encrypt(CREDENTIALS, row)).kid).toBe('k2');
    });

    it('should move the envelope to the active kid and report the change when reencrypting', () => {
      const rotated = new CredentialVault(VaultKeyRing.fromEnv(`${k2},${k1}`));
      expect(rotated.needsReencrypt(envelope)).toBe(true);

      const moved = rotated.reencrypt(envelope, row);

      expect(moved.changed).toBe(true);
      expect(JSON.parse(moved.envelope).kid).toBe('k2');
      expect(rotated.needsReencrypt(moved.envelope)).toBe(false);
      expect(rotated.decrypt(moved.envelope, row)).toEqual(CREDENTIALS);
    });

    it('should leave the envelope as it is when it is already under the active key', () => {
      expect(sut.reencrypt(envelope, row)).toEqual({ envelope, changed: false });
    });

    it('should still check the context when the envelope is already under the active key', () => {
      expectFailure(() => sut.reencrypt(envelope, { ...row, userId: randomUUID() }), SecurityErrorCode.DecryptionFailed);
    });

    it('should decrypt reencrypted rows after the old key is dropped and refuse rows that were missed', () => {
      const missed = envelope;
      const moved = new CredentialVault(VaultKeyRing.fromEnv(`${k2},${k1}`)).reencrypt(envelope, row).envelope;
      const onlyNew = new CredentialVault(VaultKeyRing.fromEnv(k2));

      expect(onlyNew.decrypt(moved, row)).toEqual(CREDENTIALS);
      expectFailure(() => onlyNew.decrypt(missed, row), SecurityErrorCode.UnknownKey);
    });
  });
});
