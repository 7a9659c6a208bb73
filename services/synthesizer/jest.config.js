module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'synthesizer',
  rootDir: __dirname,
};
