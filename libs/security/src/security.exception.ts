/**
 * What went wrong in a security primitive. Values are stable strings: services map them to
 * HTTP statuses and metrics labels, so never rename one in place.
 *
 * Client-caused (a service answers 401/403/429 without detail): `TokenInvalid`, `TokenExpired`,
 * `ApiKeyMalformed`. Server-side (500/503, page someone): everything else.
 */
export enum SecurityErrorCode {
  /** Signature, algorithm, key id, issuer, audience or claims of a token did not check out. */
  TokenInvalid = 'token_invalid',
  /** The token was valid once; its `exp` has passed. */
  TokenExpired = 'token_expired',
  /** The claims handed to `TokenSigner.sign` are not a valid session. */
  ClaimsInvalid = 'claims_invalid',
  /** A JWK could not be imported as an Ed25519 signing key. */
  SigningKeyInvalid = 'signing_key_invalid',
  /** Not an API key of ours; rejected before any lookup. */
  ApiKeyMalformed = 'api_key_malformed',
  /** A stored password hash is not a PHC argon2 string we can verify. */
  PasswordHashInvalid = 'password_hash_invalid',
  /** `MOSAIC_VAULT_KEYS` (or a vault key) is malformed. */
  VaultKeyInvalid = 'vault_key_invalid',
  /** Tenant, user or datasource of a vault context cannot be encoded unambiguously. */
  VaultContextInvalid = 'vault_context_invalid',
  /** What was handed to the vault to encrypt is not a record of strings (or is too large). */
  CredentialInvalid = 'credential_invalid',
  /** An envelope names a key id that is not in the key ring. */
  UnknownKey = 'unknown_key',
  /** The envelope is malformed, tampered with, or belongs to another tenant/user/datasource. */
  DecryptionFailed = 'decryption_failed',
  /** A rate-limit definition or cost is unusable (programming error). */
  RateLimitInvalid = 'rate_limit_invalid',
  /** Redis failed or did not answer in time; callers must fail closed. */
  RateLimiterUnavailable = 'rate_limiter_unavailable',
  /** An option passed to a constructor is outside what is safe. */
  ConfigurationInvalid = 'configuration_invalid',
}

/**
 * The one error type of `@mosaic/security`. Messages never contain secrets (passwords, tokens,
 * keys, plaintext credentials); a cause is kept only when it cannot contain one either.
 */
export class SecurityException extends Error {
  constructor(
    readonly code: SecurityErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SecurityException';
  }
}

/** True when `error` is a `SecurityException`, optionally with the given code. */
export function isSecurityException(error: unknown, code?: SecurityErrorCode): error is SecurityException {
  return error instanceof SecurityException && (code === undefined || error.code === code);
}
