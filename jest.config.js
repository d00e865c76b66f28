/** Unit tests: pure logic, next to the code they test (`*.spec.ts`), no servers needed. */
const base = require('./jest.preset');

module.exports = {
  ...base,
  displayName: 'unit',
  roots: ['<rootDir>/libs', '<rootDir>/apps'],
  testMatch: ['**/*.spec.ts'],
};
