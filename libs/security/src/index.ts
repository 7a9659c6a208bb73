// Security primitives for the auth service and the gateway: passwords, session tokens, API keys,
// the credential vault and rate limits. Nothing here logs; nothing here returns a secret it did
// not create for the caller.
export * from './security.exception';
export * from './passwords';
export * from './jwt';
export * from './api-keys';
export * from './vault';
export * from './rate-limiter';
