export * from './infra-env';
export * from './sse-client';
export * from './mosaic-test-stack';
