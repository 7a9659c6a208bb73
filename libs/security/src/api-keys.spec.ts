import {
  API_KEY_PREFIX,
  apiKeyMatchesHash,
  ApiKeyScopeSchema,
  ApiKeyScopesSchema,
  constantTimeEqual,
  generateApiKey,
  hashApiKey,
  parseApiKey,
} from './api-keys';
import { SecurityErrorCode, SecurityException } from './security.exception';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Independent fixed-width base62 encoder for boundary values. */
function base62(value: bigint, width = 43): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
}

function parseError(candidate: string): SecurityException {
  try {
    parseApiKey(candidate);
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityException);
    return error as SecurityException;
  }
  throw new Error('expected parseApiKey to throw');
}

describe(generateApiKey.name, () => {
  it('should produce msk_live_ plus 43 base62 characters when generating', () => {
    const { key } = generateApiKey();

    expect(key).toMatch(/^msk_live_[0-9A-Za-z]{43}$/);
  });

  it('should return the first 16 characters as prefix and the sha256 hex of the key as hash', () => {
    const generated = generateApiKey();

    expect(generated.prefix).toBe(generated.key.slice(0, 16));
    expect(generated.prefix.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(generated.hash).toBe(hashApiKey(generated.key));
    expect(generated.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(generated.hash).not.toContain(generated.key.slice(API_KEY_PREFIX.length));
  });

  it('should never repeat a key or a display prefix when generating many', () => {
    const generated = Array.from({ length: 2000 }, () => generateApiKey());

    expect(new Set(generated.map((g) => g.key)).size).toBe(2000);
    // 7 random base62 digits (~41 bits): a collision among 2000 would mean far less entropy.
    expect(new Set(generated.map((g) => g.prefix)).size).toBe(2000);
  });

  it('should use all 62 characters, even in the last position, when generating many', () => {
    const bodies = Array.from({ length: 3000 }, () => generateApiKey().key.slice(API_KEY_PREFIX.length));
    const seenAtLastPosition = new Set(bodies.map((b) => b[42]));
    const seenAnywhere = new Set(bodies.join(''));

    expect(seenAnywhere.size).toBe(62);
    expect(seenAtLastPosition.size).toBe(62);
  });

  it('should produce keys that parseApiKey accepts', () => {
    for (let i = 0; i < 200; i++) {
      const generated = generateApiKey();
      expect(parseApiKey(generated.key)).toEqual({ prefix: generated.prefix, hash: generated.hash });
    }
  });
});

describe(hashApiKey.name, () => {
  it('should return the sha256 hex digest when hashing', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe(parseApiKey.name, () => {
  it('should accept the largest 256-bit body when parsing', () => {
    const max = API_KEY_PREFIX + base62((1n << 256n) - 1n);

    expect(parseApiKey(max).prefix).toBe(max.slice(0, 16));
  });

  it('should reject the body when it encodes a number of 2^256 or more', () => {
    expect(parseError(API_KEY_PREFIX + base62(1n << 256n)).code).toBe(SecurityErrorCode.ApiKeyMalformed);
    expect(parseError(API_KEY_PREFIX + 'z'.repeat(43)).code).toBe(SecurityErrorCode.ApiKeyMalformed);
  });

  it.each([
    ['an empty string', ''],
    ['another prefix', 'msk_test_' + '0'.repeat(43)],
    ['a GitHub token', 'ghp_' + 'a'.repeat(36)],
    ['one character too few', API_KEY_PREFIX + 'a'.repeat(42)],
    ['one character too many', API_KEY_PREFIX + 'a'.repeat(44)],
    ['a character outside base62', API_KEY_PREFIX + 'a'.repeat(42) + '-'],
    ['a trailing newline', API_KEY_PREFIX + 'a'.repeat(42) + '\n'],
    ['a Bearer prefix', 'Bearer ' + API_KEY_PREFIX + 'a'.repeat(36)],
  ])('should reject the candidate when given %s', (_what, candidate) => {
    const error = parseError(candidate);

    expect(error.code).toBe(SecurityErrorCode.ApiKeyMalformed);
  });

  it('should never echo the candidate when rejecting it', () => {
    const almost = generateApiKey().key + 'x';

    expect(parseError(almost).message).not.toContain(almost.slice(API_KEY_PREFIX.length, 30));
  });

  it('should reject a non-string without throwing a TypeError when given one', () => {
    expect(parseError(undefined as unknown as string).code).toBe(SecurityErrorCode.ApiKeyMalformed);
  });
});

describe(constantTimeEqual.name, () => {
  it('should return true when the strings are equal', () => {
    expect(constantTimeEqual('same-secret', 'same-secret')).toBe(true);
  });

  it('should return false when the strings differ in the last character', () => {
    expect(constantTimeEqual('same-secret', 'same-secreT')).toBe(false);
  });

  it('should return false when one string is a prefix of the other', () => {
    expect(constantTimeEqual('same', 'same-secret')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });
});

describe(apiKeyMatchesHash.name, () => {
  it('should return true when the key hashes to the stored hash, in either hex case', () => {
    const { key, hash } = generateApiKey();

    expect(apiKeyMatchesHash(key, hash)).toBe(true);
    expect(apiKeyMatchesHash(key, hash.toUpperCase())).toBe(true);
  });

  it('should return false when the key shares the prefix but not the rest', () => {
    const { key, hash } = generateApiKey();
    const sibling = key.slice(0, 16) + generateApiKey().key.slice(16);

    expect(apiKeyMatchesHash(sibling, hash)).toBe(false);
  });
});

describe('ApiKeyScopeSchema', () => {
  it('should accept query and admin', () => {
    expect(ApiKeyScopeSchema.parse('query')).toBe('query');
    expect(ApiKeyScopeSchema.parse('admin')).toBe('admin');
  });

  it('should reject a scope we do not define', () => {
    expect(ApiKeyScopeSchema.safeParse('write').success).toBe(false);
  });

  it('should deduplicate scopes and reject an empty list when parsing a list', () => {
    expect(ApiKeyScopesSchema.parse(['query', 'query', 'admin'])).toEqual(['query', 'admin']);
    expect(ApiKeyScopesSchema.safeParse([]).success).toBe(false);
  });
});
