// Test helpers every project may use. This lib depends only on @mosaic/contracts, so
// any lib's specs can import it without a dependency cycle; helpers that start whole
// stacks live with the end-to-end tests (e2e/src/support).
export * from './infra-env';
export * from './sse-client';
export * from './fake-anthropic.server';
