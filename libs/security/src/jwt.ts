import { createPublicKey, KeyObject } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  type KeyLike,
} from 'jose';
import { z } from 'zod';
import { SecurityErrorCode, SecurityException } from './security.exception';

/**
 * Session tokens: EdDSA (Ed25519) JWTs. The auth service holds the private keys; every other
 * service verifies with the public JWKS only, so a compromised gateway cannot mint sessions.
 */
export const SESSION_TOKEN_ALGORITHM = 'EdDSA';
export const DEFAULT_SESSION_TTL_SECONDS = 86_400;
/** Verifiers accept at most this much clock skew; more would stretch every token's life. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 5;
/** Anything longer is not one of our tokens (ours are ~400 bytes); refuse before parsing. */
export const MAX_TOKEN_LENGTH = 4096;

const TOKEN_TYPE = 'JWT';
const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export const SessionRoleSchema = z.enum(['admin', 'member']);
export type SessionRole = z.infer<typeof SessionRoleSchema>;

/** What the auth service puts in a session token. */
export const SessionClaimsInputSchema = z.object({
  /** User id. */
  sub: z.string().uuid(),
  /** Tenant id. */
  tid: z.string().uuid(),
  role: SessionRoleSchema,
  /** Session id: the row a logout revokes. */
  jti: z.string().min(1).max(128),
});
export type SessionClaimsInput = z.infer<typeof SessionClaimsInputSchema>;

/** What a verifier gets back from a token whose signature, issuer, audience and expiry checked out. */
export const SessionClaimsSchema = SessionClaimsInputSchema.extend({
  iss: z.string().min(1),
  aud: z.union([z.string().min(1), z.array(z.string().min(1)).nonempty()]),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type SessionClaims = z.infer<typeof SessionClaimsSchema>;

/** A public key as verifiers need it. */
export interface VerificationKey {
  readonly kid: string;
  /** `{kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig'}`: never has `d`. */
  readonly publicJwk: JWK;
}

/** A key pair the auth service signs with. The private half is a KeyObject, which never prints. */
export interface SigningKey extends VerificationKey {
  readonly privateKey: KeyLike;
}

function assertKid(kid: string): void {
  if (!KID_PATTERN.test(kid)) {
    throw new SecurityException(SecurityErrorCode.SigningKeyInvalid, 'kid must be 1-64 characters of [A-Za-z0-9._-]');
  }
}

async function publicJwkOf(privateKey: KeyLike, kid: string): Promise<JWK> {
  // Derived from the private key rather than trusted from input, so what we publish always
  // verifies what we sign.
  const { kty, crv, x } = await exportJWK(createPublicKey(privateKey as KeyObject));
  return { kty, crv, x, kid, alg: SESSION_TOKEN_ALGORITHM, use: 'sig' };
}

/** A fresh Ed25519 signing key. */
export async function generateSigningKey(kid: string): Promise<SigningKey> {
  assertKid(kid);
  const { privateKey } = await generateKeyPair(SESSION_TOKEN_ALGORITHM, { crv: 'Ed25519', extractable: true });
  return { kid, privateKey, publicJwk: await publicJwkOf(privateKey, kid) };
}

/** The private JWK as JSON, for the auth service's secret store. Contains the private key: never log it. */
export async function exportSigningKey(key: SigningKey): Promise<string> {
  const { kty, crv, x, d } = await exportJWK(key.privateKey);
  return JSON.stringify({ kty, crv, x, d, kid: key.kid, alg: SESSION_TOKEN_ALGORITHM, use: 'sig' });
}

const PrivateJwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1).optional(),
  d: z.string().min(1),
  kid: z.string().regex(KID_PATTERN),
  alg: z.literal(SESSION_TOKEN_ALGORITHM).optional(),
});

/** Reads what `exportSigningKey` wrote. Errors say which field is wrong, never its value. */
export async function importSigningKey(json: string): Promise<SigningKey> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    // No cause: a JSON.parse message quotes the input, which is the private key.
    throw new SecurityException(SecurityErrorCode.SigningKeyInvalid, 'signing key is not valid JSON');
  }
  const parsed = PrivateJwkSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].join(', ');
    throw new SecurityException(SecurityErrorCode.SigningKeyInvalid, `signing key must be an Ed25519 private JWK with a kid; bad: ${fields}`);
  }
  const { kid, kty, crv, d, x } = parsed.data;
  let privateKey: KeyLike;
  try {
    privateKey = (await importJWK({ kty, crv, d, x }, SESSION_TOKEN_ALGORITHM)) as KeyLike;
  } catch {
    throw new SecurityException(SecurityErrorCode.SigningKeyInvalid, `signing key ${kid} could not be imported`);
  }
  const publicJwk = await publicJwkOf(privateKey, kid);
  if (x !== undefined && x !== publicJwk.x) {
    throw new SecurityException(SecurityErrorCode.SigningKeyInvalid, `signing key ${kid}: x does not belong to d`);
  }
  return { kid, privateKey, publicJwk };
}

export interface SignOptions {
  issuer: string;
  audience: string;
  /** Defaults to 24 h; at most the signer's `maxTtlSeconds`. */
  ttlSeconds?: number;
}

export interface TokenSignerOptions {
  /**
   * Longest lifetime `sign` accepts (default 24 h). A retired key stays in `jwks()` this long
   * (plus the verifiers' clock tolerance) after it was retired, so its tokens verify until they expire.
   */
  maxTtlSeconds?: number;
  /** Keys retired before this process started, e.g. read back from the secret store. */
  retired?: readonly { key: VerificationKey; retiredAt: Date }[];
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

/**
 * The auth service's key ring: one active key signs; retired keys are only published, until
 * no token they signed can still be valid.
 */
export class TokenSigner {
  private active: SigningKey;
  private readonly retired = new Map<string, { key: VerificationKey; publishUntilMs: number }>();
  private readonly maxTtlSeconds: number;
  private readonly now: () => number;

  constructor(active: SigningKey, options: TokenSignerOptions = {}) {
    this.maxTtlSeconds = options.maxTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
    if (!Number.isInteger(this.maxTtlSeconds) || this.maxTtlSeconds < 1) {
      throw new SecurityException(SecurityErrorCode.ConfigurationInvalid, 'maxTtlSeconds must be a positive integer');
    }
    this.now = options.now ?? Date.now;
    this.active = active;
    for (const { key, retiredAt } of options.retired ?? []) this.retire(key, retiredAt.getTime());
  }

  get activeKid(): string {
    return this.active.kid;
  }

  /** Makes `next` the signing key; the previous one keeps being published until its tokens expire. */
  rotate(next: SigningKey): void {
    // A reused kid would make verifiers check old tokens against the new key (or the reverse).
    if (next.kid === this.active.kid || this.jwks().keys.some((k) => k.kid === next.kid)) {
      throw new SecurityException(SecurityErrorCode.ConfigurationInvalid, `key id ${next.kid} is still published; pick a new kid`);
    }
    this.retire(this.active, this.now());
    this.active = next;
  }

  /** The public keys verifiers should trust now: the active key first, then unexpired retired keys. */
  jwks(): JSONWebKeySet {
    const now = this.now();
    for (const [kid, entry] of this.retired) if (entry.publishUntilMs <= now) this.retired.delete(kid);
    return {
      keys: [this.active.publicJwk, ...[...this.retired.values()].map((e) => e.key.publicJwk)].map((jwk) => ({ ...jwk })),
    };
  }

  /** Signs a session token with the active key (`alg: EdDSA`, `kid`, `typ: JWT`, `iat`, `exp`). */
  async sign(claims: SessionClaimsInput, options: SignOptions): Promise<string> {
    const parsed = SessionClaimsInputSchema.safeParse(claims);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
      throw new SecurityException(SecurityErrorCode.ClaimsInvalid, `session claims invalid: ${fields}`, { cause: parsed.error });
    }
    const ttl = options.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > this.maxTtlSeconds) {
      throw new SecurityException(SecurityErrorCode.ClaimsInvalid, `ttlSeconds must be an integer in 1..${this.maxTtlSeconds}`);
    }
    if (!options.issuer || !options.audience) {
      throw new SecurityException(SecurityErrorCode.ClaimsInvalid, 'issuer and audience are required');
    }
    const { sub, tid, role, jti } = parsed.data;
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({ tid, role })
      .setProtectedHeader({ alg: SESSION_TOKEN_ALGORITHM, kid: this.active.kid, typ: TOKEN_TYPE })
      .setSubject(sub)
      .setJti(jti)
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .sign(this.active.privateKey);
  }

  private retire(key: VerificationKey, retiredAtMs: number): void {
    if (key.kid === this.active.kid && key !== this.active) {
      throw new SecurityException(SecurityErrorCode.ConfigurationInvalid, `key id ${key.kid} is already the active key`);
    }
    const publishUntilMs = retiredAtMs + (this.maxTtlSeconds + MAX_CLOCK_TOLERANCE_SECONDS) * 1000;
    this.retired.set(key.kid, { key, publishUntilMs });
  }
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Seconds of clock skew forgiven on `exp`/`iat`; default and maximum 5. */
  clockToleranceSeconds?: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

const PublicJwkSchema = z
  .object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().min(1), kid: z.string().regex(KID_PATTERN) })
  .passthrough()
  .refine((jwk) => !('d' in jwk), { message: 'a private key does not belong in a JWKS' });
const JwksSchema = z.object({ keys: z.array(PublicJwkSchema) });

type KeyResolver = (header?: JWSHeaderParameters, token?: FlattenedJWSInput) => Promise<KeyLike>;

/**
 * Verifies session tokens against a public JWKS. The algorithm is pinned to EdDSA (no `none`,
 * no HS256 with the public key as secret), a `kid` is required, and issuer and audience must match.
 */
export class TokenVerifier {
  private keys!: KeyResolver;
  private readonly clockTolerance: number;
  private readonly now: () => number;

  constructor(
    jwks: JSONWebKeySet,
    private readonly options: TokenVerifierOptions,
  ) {
    if (!options.issuer || !options.audience) {
      throw new SecurityException(SecurityErrorCode.ConfigurationInvalid, 'issuer and audience are required');
    }
    this.clockTolerance = options.clockToleranceSeconds ?? MAX_CLOCK_TOLERANCE_SECONDS;
    if (!(this.clockTolerance >= 0 && this.clockTolerance <= MAX_CLOCK_TOLERANCE_SECONDS)) {
      throw new SecurityException(
        SecurityErrorCode.ConfigurationInvalid,
        `clockToleranceSeconds must be between 0 and ${MAX_CLOCK_TOLERANCE_SECONDS}`,
      );
    }
    this.now = options.now ?? Date.now;
    this.setJwks(jwks);
  }

  /** Replaces the trusted keys, e.g. after fetching the auth service's JWKS again following a rotation. */
  setJwks(jwks: JSONWebKeySet): void {
    const parsed = JwksSchema.safeParse(jwks);
    if (!parsed.success) {
      const where = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ');
      throw new SecurityException(SecurityErrorCode.ConfigurationInvalid, `JWKS must hold Ed25519 public keys with kids; bad: ${where}`);
    }
    const local = createLocalJWKSet(jwks);
    this.keys = async (header, token) => {
      // Without a kid, jose would try the only key of the set; insist on an explicit one.
      if (!header?.kid) throw new SecurityException(SecurityErrorCode.TokenInvalid, 'token has no kid');
      return local(header, token);
    };
  }

  /** The token's claims, or `TokenExpired` / `TokenInvalid` with the reason in the message. */
  async verify(token: string): Promise<SessionClaims> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new SecurityException(SecurityErrorCode.TokenInvalid, 'token is empty or too long');
    }
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: [SESSION_TOKEN_ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.clockTolerance,
        currentDate: new Date(this.now()),
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
        typ: TOKEN_TYPE,
      }));
    } catch (error) {
      throw toTokenException(error);
    }
    const claims = SessionClaimsSchema.safeParse(payload);
    if (!claims.success) {
      const fields = [...new Set(claims.error.issues.map((i) => i.path.join('.')))].join(', ');
      throw new SecurityException(SecurityErrorCode.TokenInvalid, `token claims invalid: ${fields}`, { cause: claims.error });
    }
    return claims.data;
  }
}

/** jose's error codes → ours. jose messages name claims and algorithms, never the token. */
function toTokenException(error: unknown): SecurityException {
  if (error instanceof SecurityException) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const reason = (() => {
    switch (code) {
      case 'ERR_JWT_EXPIRED':
        return undefined;
      case 'ERR_JOSE_ALG_NOT_ALLOWED':
        return 'token algorithm not allowed';
      case 'ERR_JWKS_NO_MATCHING_KEY':
        return 'token signed by an unknown key';
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        return 'token signature invalid';
      case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
        return `token claim ${String((error as { claim?: unknown }).claim)} invalid`;
      default:
        return 'token malformed';
    }
  })();
  if (reason === undefined) return new SecurityException(SecurityErrorCode.TokenExpired, 'token expired', { cause: error });
  return new SecurityException(SecurityErrorCode.TokenInvalid, reason, { cause: error });
}
