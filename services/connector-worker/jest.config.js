module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'connector-worker',
  rootDir: __dirname,
};
