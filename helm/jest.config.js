module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'helm',
  rootDir: __dirname,
  // Builds the Go renderer on first use (a few seconds) and renders the chart a dozen times.
  testTimeout: 120000,
};
