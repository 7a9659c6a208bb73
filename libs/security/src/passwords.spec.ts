import { performance } from 'node:perf_hooks';
import { hash } from '@node-rs/argon2';
import {
  DUMMY_HASH,
  hashPassword,
  needsRehash,
  PASSWORD_MAX_LENGTH,
  validatePassword,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords';
import { SecurityErrorCode, SecurityException } from './security.exception';

const OWASP_PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';

/** Median duration of each function, measured alternately so that load on the machine hits both alike. */
async function interleavedMediansMs(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    for (const [which, fn] of [a, b].entries()) {
      const start = performance.now();
      await fn();
      times[which].push(performance.now() - start);
    }
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [median(times[0]), median(times[1])];
}

describe(hashPassword.name, () => {
  it('should encode argon2id with the OWASP parameters when hashing', async () => {
    const encoded = await hashPassword('correct horse battery staple');

    expect(encoded.startsWith(OWASP_PREFIX)).toBe(true);
    expect(encoded).not.toContain('correct horse');
  });

  it('should use a fresh salt when the same password is hashed twice', async () => {
    const [a, b] = await Promise.all([hashPassword('same password 123'), hashPassword('same password 123')]);

    expect(a).not.toEqual(b);
    await expect(verifyPassword(a, 'same password 123')).resolves.toBe(true);
    await expect(verifyPassword(b, 'same password 123')).resolves.toBe(true);
  });
});

describe(verifyPassword.name, () => {
  let stored: string;
  beforeAll(async () => {
    stored = await hashPassword('Tr0ub4dor&3-extended');
  });

  it('should return true when the password matches', async () => {
    await expect(verifyPassword(stored, 'Tr0ub4dor&3-extended')).resolves.toBe(true);
  });

  it('should return false when the password differs only in case', async () => {
    await expect(verifyPassword(stored, 'tr0ub4dor&3-extended')).resolves.toBe(false);
  });

  it('should return false when the password is empty', async () => {
    await expect(verifyPassword(stored, '')).resolves.toBe(false);
  });

  it('should match when the password was typed composed and is checked decomposed', async () => {
    const composed = 'caf\u00e9 au lait 2024';
    const decomposed = 'cafe\u0301 au lait 2024';
    expect(composed).not.toEqual(decomposed);

    await expect(verifyPassword(await hashPassword(composed), decomposed)).resolves.toBe(true);
  });

  it('should throw PasswordHashInvalid without echoing the password when the stored hash is corrupt', async () => {
    const error = await verifyPassword('not-a-phc-string', 'my secret password').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SecurityException);
    expect((error as SecurityException).code).toBe(SecurityErrorCode.PasswordHashInvalid);
    expect((error as Error).message).not.toContain('my secret password');
  });
});

describe(needsRehash.name, () => {
  it('should return false when the hash uses the current parameters', async () => {
    expect(needsRehash(await hashPassword('a fine password'))).toBe(false);
  });

  it('should return true when the hash was made with less memory', async () => {
    const weak = await hash('a fine password', { memoryCost: 4096, timeCost: 2, parallelism: 1 });

    expect(weak).toContain('m=4096');
    expect(needsRehash(weak)).toBe(true);
  });

  it('should return true when the hash is argon2i rather than argon2id', async () => {
    const argon2i = await hash('a fine password', { algorithm: 1, memoryCost: 19456, timeCost: 2, parallelism: 1 });

    expect(argon2i.startsWith('$argon2i$')).toBe(true);
    expect(needsRehash(argon2i)).toBe(true);
  });

  it('should return true when the hash is not argon2 at all', () => {
    expect(needsRehash('$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234')).toBe(true);
  });
});

describe(verifyAgainstDummy.name, () => {
  it('should carry the current parameters in DUMMY_HASH so it costs what a real hash costs', () => {
    expect(DUMMY_HASH.startsWith(OWASP_PREFIX)).toBe(true);
    expect(needsRehash(DUMMY_HASH)).toBe(false);
  });

  it('should return false when given any password', async () => {
    await expect(verifyAgainstDummy('whatever the attacker tries')).resolves.toBe(false);
    await expect(verifyAgainstDummy('')).resolves.toBe(false);
  });

  it('should take about as long as a wrong password when the account does not exist', async () => {
    const stored = await hashPassword('the real password');
    await verifyAgainstDummy('warm-up');

    const [wrongPassword, unknownAccount] = await interleavedMediansMs(
      7,
      () => verifyPassword(stored, 'a wrong password'),
      () => verifyAgainstDummy('a wrong password'),
    );

    // What must never happen is a near-instant "unknown account"; equal cost itself is pinned by
    // DUMMY_HASH carrying the current parameters (above). Bounds are loose because CI is noisy.
    expect(unknownAccount).toBeGreaterThan(wrongPassword * 0.4);
    expect(unknownAccount).toBeLessThan(wrongPassword * 4);
  });
});

describe(validatePassword.name, () => {
  it('should report too_short when the password has 11 characters', () => {
    expect(validatePassword('a'.repeat(11)).map((p) => p.code)).toEqual(['too_short']);
  });

  it('should accept the password when it has exactly 12 characters', () => {
    expect(validatePassword('a'.repeat(12))).toEqual([]);
  });

  it('should accept the password when it has exactly the maximum length', () => {
    expect(validatePassword('a'.repeat(PASSWORD_MAX_LENGTH))).toEqual([]);
  });

  it('should report too_long when the password exceeds 256 characters', () => {
    const problems = validatePassword('a'.repeat(PASSWORD_MAX_LENGTH + 1));

    expect(problems.map((p) => p.code)).toEqual(['too_long']);
    expect(problems[0].message).toContain('256');
  });

  it('should count code points rather than UTF-16 units when the password has emoji', () => {
    const sixEmoji = '\u{1F511}'.repeat(6);
    expect(sixEmoji.length).toBe(12);

    expect(validatePassword(sixEmoji).map((p) => p.code)).toEqual(['too_short']);
    expect(validatePassword('\u{1F511}'.repeat(12))).toEqual([]);
  });

  it('should never echo the password when describing a problem', () => {
    const problems = validatePassword('hunter2');

    expect(problems).toHaveLength(1);
    expect(problems[0].message).not.toContain('hunter2');
  });
});
