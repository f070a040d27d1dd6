// Two projects: unit specs next to the code (no network), and e2e suites that boot the real app.
// `npm test` runs both on the embedded defaults; `npm run test:services` runs the e2e suites
// against the PostgreSQL and Redis named by TEST_DATABASE_URL / TEST_REDIS_URL.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  // e2e suites boot an app (and, on the embedded defaults, a PGlite server) per suite.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      // One line saying that the atomic scripts' Lua bodies did not run (they do in test:services).
      globalTeardown: '<rootDir>/src/state/unexercised-lua.teardown.ts',
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 30,
    },
  ],
};
