/**
 * End-to-end tests: the real services as processes, on the machine's PostgreSQL,
 * Redis and RabbitMQ, under a database, key prefix and queue names of their own.
 */
const base = require('./jest.preset');

module.exports = {
  ...base,
  displayName: 'e2e',
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/e2e/support/global-setup.ts',
  globalTeardown: '<rootDir>/e2e/support/global-teardown.ts',
  // One system serves every test file; files run one after another against it.
  maxWorkers: 1,
  testTimeout: 60_000,
};
