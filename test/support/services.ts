/**
 * Which backing services the e2e suites run against. `npm test`: the embedded defaults (PGlite,
 * memory). `npm run test:services` (TEST_SERVICES=1): the PostgreSQL and Redis named by
 * TEST_DATABASE_URL and TEST_REDIS_URL, each run in databases and a Redis index of its own.
 */
export const SERVICES_MODE = process.env.TEST_SERVICES === '1';

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** The Redis URL with the index that global-setup claimed for this run. */
export function runRedisUrl(): string {
  const url = new URL(testRedisUrl());
  url.pathname = `/${process.env.TEST_REDIS_DB ?? '0'}`;
  return url.toString();
}

export function runId(): string {
  const id = process.env.TEST_RUN_ID;
  if (id === undefined) throw new Error('TEST_RUN_ID is unset: the e2e global setup did not run');
  return id;
}

/** Databases of one run share this prefix, so the teardown can find and drop them all. */
export function databasePrefix(id: string): string {
  return `auth_test_${id}_`;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
