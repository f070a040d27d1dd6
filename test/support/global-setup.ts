import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { SERVICES_MODE, testDatabaseUrl, testRedisUrl } from './services';

const CLAIM_KEY = 'auth-service:test-run';

/**
 * Names the run, and in services mode proves both services answer (failing loudly otherwise)
 * and claims an empty Redis index for the run.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TEST_RUN_ID = randomBytes(4).toString('hex');
  if (!SERVICES_MODE) return;

  const pg = new Client({ connectionString: testDatabaseUrl(), connectionTimeoutMillis: 5_000 });
  try {
    await pg.connect();
    await pg.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `test:services needs PostgreSQL at TEST_DATABASE_URL (${redact(testDatabaseUrl())}), which cannot be reached: ${describe(error)}`,
    );
  } finally {
    await pg.end().catch(() => undefined);
  }

  const redis = new Redis(testRedisUrl(), {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5_000,
  });
  try {
    await redis.connect();
    process.env.TEST_REDIS_DB = String(await claimEmptyIndex(redis, process.env.TEST_RUN_ID));
  } catch (error) {
    throw new Error(
      `test:services needs Redis at TEST_REDIS_URL (${redact(testRedisUrl())}), which cannot be reached or has no free index: ${describe(error)}`,
    );
  } finally {
    redis.disconnect();
  }
}

/** The first index (1-15) that is empty, claimed with a marker so a parallel run skips it. */
async function claimEmptyIndex(redis: Redis, id: string): Promise<number> {
  for (let index = 1; index <= 15; index += 1) {
    await redis.select(index);
    if ((await redis.dbsize()) !== 0) continue;
    if ((await redis.set(CLAIM_KEY, id, 'EX', 3600, 'NX')) === 'OK') return index;
  }
  throw new Error('every Redis index from 1 to 15 holds data');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
