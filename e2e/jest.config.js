module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  // Every stack shares the test NATS and its durable consumers: one suite at a time.
  maxWorkers: 1,
};
