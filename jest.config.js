// Runs every project's tests in one Jest process pool (used by `npm test`).
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/services/*/jest.config.js', '<rootDir>/e2e/jest.config.js', '<rootDir>/cli/jest.config.js', '<rootDir>/eval/jest.config.js', '<rootDir>/deploy/jest.config.js', '<rootDir>/helm/jest.config.js'],
};
