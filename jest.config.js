/** One jest run for the whole project: unit tests beside the code, integration tests in test/. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/plugin-api', '<rootDir>/plugin-kit', '<rootDir>/server/src', '<rootDir>/plugins', '<rootDir>/templates', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/package.json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Generous: a test waits for what should succeed, and a busy machine makes everything slower.
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/support/count-reporter.js'],
};
