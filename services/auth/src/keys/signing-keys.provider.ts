import { Provider } from '@nestjs/common';
import { importSigningKey, TokenSigner } from '@mosaic/security';
import { CONFIG } from '@mosaic/runtime';
import { AuthConfig } from '../config';

/**
 * The session key ring from AUTH_SIGNING_KEYS: the first key signs, the others are published
 * in the JWKS so tokens they signed keep verifying until they expire (key rotation).
 */
export const TokenSignerProvider: Provider = {
  provide: TokenSigner,
  inject: [CONFIG],
  useFactory: async (config: AuthConfig) => {
    let jwks: unknown;
    try {
      jwks = JSON.parse(config.AUTH_SIGNING_KEYS);
    } catch {
      throw new Error('AUTH_SIGNING_KEYS is not valid JSON (expected an array of private JWKs)');
    }
    if (!Array.isArray(jwks) || jwks.length === 0) throw new Error('AUTH_SIGNING_KEYS must be a non-empty JSON array');
    const [active, ...older] = await Promise.all(jwks.map((jwk) => importSigningKey(JSON.stringify(jwk))));
    return new TokenSigner(active!, {
      maxTtlSeconds: config.SESSION_TTL_SECONDS,
      retired: older.map((key) => ({ key, retiredAt: new Date() })),
    });
  },
};
