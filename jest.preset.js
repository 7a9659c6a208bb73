// Shared Jest settings: swc (with decorator metadata for Nest) transforms TypeScript;
// type-checking is the separate `typecheck` target.
const path = require('node:path');

const root = __dirname;
const libs = ['contracts', 'messaging', 'observability', 'llm', 'connectors', 'testing', 'runtime', 'security', 'persistence'];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2023',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((lib) => [`^@mosaic/${lib}$`, path.join(root, 'libs', lib, 'src', 'index.ts')])),
    '^@mosaic/connectors/testing$': path.join(root, 'libs', 'connectors', 'src', 'testing.ts'),
  },
  testMatch: ['**/?(*.)+(spec|integration-spec|e2e-spec).ts'],
};
