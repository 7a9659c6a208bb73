import { createPublicKey, KeyObject, randomUUID } from 'node:crypto';
import { base64url, decodeProtectedHeader, exportSPKI, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import {
  exportSigningKey,
  generateSigningKey,
  importSigningKey,
  SessionClaimsInput,
  SigningKey,
  TokenSigner,
  TokenVerifier,
} from './jwt';
import { SecurityErrorCode, SecurityException } from './security.exception';

const ISSUER = 'https://auth.mosaic.test';
const AUDIENCE = 'mosaic-gateway';
const SIGN = { issuer: ISSUER, audience: AUDIENCE };

function claims(overrides: Partial<SessionClaimsInput> = {}): SessionClaimsInput {
  return { sub: randomUUID(), tid: randomUUID(), role: 'member', jti: randomUUID(), ...overrides };
}

function verifierFor(jwks: JSONWebKeySet, now?: () => number): TokenVerifier {
  return new TokenVerifier(jwks, { issuer: ISSUER, audience: AUDIENCE, now });
}

/** The SecurityException a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<SecurityException> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.resolved)}`);
  expect(outcome.error).toBeInstanceOf(SecurityException);
  return outcome.error as SecurityException;
}

function causeCode(error: SecurityException): unknown {
  return (error.cause as { code?: unknown } | undefined)?.code;
}

function encodeSegment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

describe(TokenSigner.name, () => {
  let key: SigningKey;
  let sut: TokenSigner;
  beforeAll(async () => {
    key = await generateSigningKey('k1');
  });
  beforeEach(() => {
    sut = new TokenSigner(key);
  });

  it('should set alg EdDSA, kid and typ in the header when signing', async () => {
    const token = await sut.sign(claims(), SIGN);

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' });
  });

  it('should set iat and exp 24 h apart when no ttl is given', async () => {
    const input = claims({ role: 'admin' });
    const verified = await verifierFor(sut.jwks()).verify(await sut.sign(input, SIGN));

    expect(verified).toMatchObject({ ...input, iss: ISSUER, aud: AUDIENCE });
    expect(verified.exp - verified.iat).toBe(86_400);
    expect(Math.abs(verified.iat - Date.now() / 1000)).toBeLessThan(5);
  });

  it('should honour ttlSeconds when given', async () => {
    const verified = await verifierFor(sut.jwks()).verify(await sut.sign(claims(), { ...SIGN, ttlSeconds: 900 }));

    expect(verified.exp - verified.iat).toBe(900);
  });

  it('should refuse to sign when the ttl exceeds the maximum', async () => {
    const error = await rejection(sut.sign(claims(), { ...SIGN, ttlSeconds: 86_401 }));

    expect(error.code).toBe(SecurityErrorCode.ClaimsInvalid);
  });

  it('should refuse to sign when sub is not a uuid', async () => {
    const error = await rejection(sut.sign(claims({ sub: 'alice' }), SIGN));

    expect(error.code).toBe(SecurityErrorCode.ClaimsInvalid);
    expect(error.message).toContain('sub');
  });

  it('should publish only public keys when asked for the JWKS', () => {
    const jwks = sut.jwks();

    expect(jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x, kid: 'k1', alg: 'EdDSA', use: 'sig' }]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });

  describe('rotation', () => {
    let k2: SigningKey;
    beforeAll(async () => {
      k2 = await generateSigningKey('k2');
    });

    it('should sign with the new key and keep the retired key in the JWKS when rotated', async () => {
      const before = await sut.sign(claims(), SIGN);
      sut.rotate(k2);
      const after = await sut.sign(claims(), SIGN);

      expect(sut.activeKid).toBe('k2');
      expect(decodeProtectedHeader(after).kid).toBe('k2');
      expect(sut.jwks().keys.map((k) => k.kid)).toEqual(['k2', 'k1']);
      const verifier = verifierFor(sut.jwks());
      await expect(verifier.verify(before)).resolves.toMatchObject({ iss: ISSUER });
      await expect(verifier.verify(after)).resolves.toMatchObject({ iss: ISSUER });
    });

    it('should drop the retired key from the JWKS once its longest-lived token has expired', async () => {
      let now = Date.now();
      const signer = new TokenSigner(key, { maxTtlSeconds: 60, now: () => now });
      const old = await signer.sign(claims(), { ...SIGN, ttlSeconds: 60 });
      signer.rotate(k2);

      now += 60_000; // the old token's exp; the verifier's 5 s tolerance still covers it
      expect(signer.jwks().keys.map((k) => k.kid)).toEqual(['k2', 'k1']);
      await expect(verifierFor(signer.jwks(), () => now).verify(old)).resolves.toMatchObject({ iss: ISSUER });

      now += 5_001;
      expect(signer.jwks().keys.map((k) => k.kid)).toEqual(['k2']);
      const error = await rejection(verifierFor(signer.jwks(), () => now).verify(old));
      expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
    });

    it('should refuse to rotate to a kid that is still published', async () => {
      const signer = new TokenSigner(key);
      signer.rotate(k2);

      expect(() => signer.rotate(key)).toThrow(/k1 is still published/);
      expect(() => signer.rotate(k2)).toThrow(SecurityException);
      expect(signer.activeKid).toBe('k2');
    });

    it('should publish a key retired before a restart until its tokens expire when given retiredAt', () => {
      const now = Date.now();
      const signer = new TokenSigner(k2, {
        maxTtlSeconds: 60,
        retired: [
          { key, retiredAt: new Date(now - 30_000) },
          { key: { kid: 'k0', publicJwk: { ...key.publicJwk, kid: 'k0' } }, retiredAt: new Date(now - 120_000) },
        ],
        now: () => now,
      });

      expect(signer.jwks().keys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    });
  });
});

describe(TokenVerifier.name, () => {
  let key: SigningKey;
  let signer: TokenSigner;
  let sut: TokenVerifier;
  beforeAll(async () => {
    key = await generateSigningKey('k1');
    signer = new TokenSigner(key);
    sut = verifierFor(signer.jwks());
  });

  it('should return typed claims when the token is valid', async () => {
    const input = claims();
    const verified = await sut.verify(await signer.sign(input, SIGN));

    expect(verified.sub).toBe(input.sub);
    expect(verified.tid).toBe(input.tid);
    expect(verified.role).toBe('member');
    expect(verified.jti).toBe(input.jti);
    expect(typeof verified.exp).toBe('number');
  });

  it('should reject the token when alg is none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims({ role: 'admin' }), iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 3600 };
    for (const header of [{ alg: 'none' }, { alg: 'none', kid: 'k1', typ: 'JWT' }, { alg: 'None', kid: 'k1', typ: 'JWT' }]) {
      const unsigned = `${encodeSegment(header)}.${encodeSegment(payload)}.`;

      const error = await rejection(sut.verify(unsigned));

      expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
      expect(causeCode(error)).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
    }
  });

  it('should reject the token when alg is none and the original signature is kept', async () => {
    const [, payload, signature] = (await signer.sign(claims(), SIGN)).split('.');
    const forged = `${encodeSegment({ alg: 'none', kid: 'k1', typ: 'JWT' })}.${payload}.${signature}`;

    const error = await rejection(sut.verify(forged));

    expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
  });

  it('should reject the token when another Ed25519 key signed it under our kid', async () => {
    const impostor = await generateSigningKey('k1');
    const forged = await new TokenSigner(impostor).sign(claims({ role: 'admin' }), SIGN);

    const error = await rejection(sut.verify(forged));

    expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
    expect(causeCode(error)).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  describe('alg confusion (HS256 keyed with the public key)', () => {
    const secrets: [string, () => Promise<Uint8Array>][] = [
      ['the raw public key bytes', async () => base64url.decode(key.publicJwk.x as string)],
      ['the SPKI PEM', async () => new TextEncoder().encode(await exportSPKI(createPublicKey(key.privateKey as KeyObject)))],
      ['the public JWK JSON', async () => new TextEncoder().encode(JSON.stringify(key.publicJwk))],
      ['the JWKS JSON', async () => new TextEncoder().encode(JSON.stringify(signer.jwks()))],
    ];

    it.each(secrets)('should reject the HS256 token when its secret is %s', async (_what, secretOf) => {
      const secret = await secretOf();
      const forged = await new SignJWT({ tid: randomUUID(), role: 'admin' })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'JWT' })
        .setSubject(randomUUID())
        .setJti(randomUUID())
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(secret);
      // The forgery is real: a verifier that keyed HMAC with this material would accept it.
      await expect(jwtVerify(forged, secret, { algorithms: ['HS256'] })).resolves.toBeDefined();

      const error = await rejection(sut.verify(forged));

      expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
      expect(causeCode(error)).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
    });
  });

  it('should reject with TokenExpired when exp has passed', async () => {
    const dayAgo = Date.now() - 86_400_000 - 60_000;
    const stale = await new TokenSigner(key, { now: () => dayAgo }).sign(claims(), SIGN);

    const error = await rejection(sut.verify(stale));

    expect(error.code).toBe(SecurityErrorCode.TokenExpired);
  });

  it('should accept the token when it expired within the 5 s clock tolerance', async () => {
    const token = await signer.sign(claims(), { ...SIGN, ttlSeconds: 60 });
    const exp = (await sut.verify(token)).exp;

    await expect(verifierFor(signer.jwks(), () => (exp + 4) * 1000).verify(token)).resolves.toMatchObject({ exp });
    const error = await rejection(verifierFor(signer.jwks(), () => (exp + 6) * 1000).verify(token));
    expect(error.code).toBe(SecurityErrorCode.TokenExpired);
  });

  it('should refuse a clock tolerance above 5 s when constructed', () => {
    expect(() => new TokenVerifier(signer.jwks(), { issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 30 })).toThrow(
      SecurityException,
    );
  });

  it('should reject the token when the issuer differs', async () => {
    const token = await signer.sign(claims(), { ...SIGN, issuer: 'https://evil.example' });

    const error = await rejection(sut.verify(token));

    expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
    expect(error.message).toBe('token claim iss invalid');
  });

  it('should reject the token when the audience differs', async () => {
    const token = await signer.sign(claims(), { ...SIGN, audience: 'some-other-service' });

    const error = await rejection(sut.verify(token));

    expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
    expect(error.message).toBe('token claim aud invalid');
  });

  it('should reject the token when the payload was tampered with', async () => {
    const [header, payload, signature] = (await signer.sign(claims({ role: 'member' }), SIGN)).split('.');
    const elevated = { ...JSON.parse(new TextDecoder().decode(base64url.decode(payload))), role: 'admin' };
    const tampered = `${header}.${encodeSegment(elevated)}.${signature}`;

    const error = await rejection(sut.verify(tampered));

    expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
    expect(causeCode(error)).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('should reject the token when its kid is not in the JWKS', async () => {
    const stranger = await generateSigningKey('k-unknown');
    const token = await new TokenSigner(stranger).sign(claims(), SIGN);

    const error = await rejection(sut.verify(token));

    expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
    expect(causeCode(error)).toBe('ERR_JWKS_NO_MATCHING_KEY');
  });

  it('should reject the token when it has no kid even though the JWKS has one key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ tid: randomUUID(), role: 'member' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setSubject(randomUUID())
      .setJti('s1')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key.privateKey);

    const error = await rejection(sut.verify(token));

    expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
    expect(error.message).toBe('token has no kid');
  });

  it('should reject a correctly signed token when its role is not one we know', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ tid: randomUUID(), role: 'root' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' })
      .setSubject(randomUUID())
      .setJti('s1')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key.privateKey);

    const error = await rejection(sut.verify(token));

    expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
    expect(error.message).toBe('token claims invalid: role');
  });

  it('should reject garbage when the token is not a JWT', async () => {
    for (const garbage of ['', 'abc', 'a.b.c', 'x'.repeat(5000)]) {
      const error = await rejection(sut.verify(garbage));
      expect(error.code).toBe(SecurityErrorCode.TokenInvalid);
    }
  });

  it('should refuse a JWKS that contains a private key when constructed', async () => {
    const leaked = JSON.parse(await exportSigningKey(key));

    expect(() => verifierFor({ keys: [leaked] })).toThrow(/JWKS/);
  });

  it('should accept a token signed by the retired key after rotation while it is still in the JWKS', async () => {
    const ring = new TokenSigner(key);
    const beforeRotation = await ring.sign(claims(), SIGN);
    ring.rotate(await generateSigningKey('k2'));
    const verifier = verifierFor(ring.jwks());

    await expect(verifier.verify(beforeRotation)).resolves.toMatchObject({ iss: ISSUER });
    await expect(verifier.verify(await ring.sign(claims(), SIGN))).resolves.toMatchObject({ iss: ISSUER });
  });

  it('should accept new-key tokens after setJwks when the verifier learned of a rotation', async () => {
    const ring = new TokenSigner(key);
    const verifier = verifierFor(ring.jwks());
    ring.rotate(await generateSigningKey('k3'));
    const fresh = await ring.sign(claims(), SIGN);
    expect((await rejection(verifier.verify(fresh))).code).toBe(SecurityErrorCode.TokenInvalid);

    verifier.setJwks(ring.jwks());

    await expect(verifier.verify(fresh)).resolves.toMatchObject({ iss: ISSUER });
  });
});

describe(importSigningKey.name, () => {
  it('should round-trip a key through its JWK JSON when exported and imported', async () => {
    const original = await generateSigningKey('k-roundtrip');
    const json = await exportSigningKey(original);

    const imported = await importSigningKey(json);
    const token = await new TokenSigner(imported).sign(claims(), SIGN);

    expect(JSON.parse(json)).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'k-roundtrip', d: expect.any(String) });
    expect(imported.publicJwk).toEqual(original.publicJwk);
    await expect(verifierFor({ keys: [original.publicJwk] }).verify(token)).resolves.toMatchObject({ iss: ISSUER });
  });

  it('should reject the key when x does not belong to d', async () => {
    const a = JSON.parse(await exportSigningKey(await generateSigningKey('a')));
    const b = JSON.parse(await exportSigningKey(await generateSigningKey('b')));

    const error = await rejection(importSigningKey(JSON.stringify({ ...a, x: b.x })));

    expect(error.code).toBe(SecurityErrorCode.SigningKeyInvalid);
    expect(error.message).not.toContain(a.d);
  });

  it('should never echo the private key when the JSON is malformed', async () => {
    const json = await exportSigningKey(await generateSigningKey('c'));
    const d = JSON.parse(json).d as string;

    for (const broken of [json.slice(0, -1), json.replace('"kid":"c"', '"kid":"bad kid!"'), json.replace('Ed25519', 'X25519')]) {
      const error = await rejection(importSigningKey(broken));
      expect(error.code).toBe(SecurityErrorCode.SigningKeyInvalid);
      expect(error.message).not.toContain(d);
      expect(String((error.cause as Error | undefined)?.message)).not.toContain(d);
    }
  });
});
