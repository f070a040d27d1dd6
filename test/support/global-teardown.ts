import Redis from 'ioredis';
import { Client } from 'pg';
import { databasePrefix, SERVICES_MODE, testDatabaseUrl, testRedisUrl } from './services';

/** Drops the run's databases and empties its Redis index. */
export default async function globalTeardown(): Promise<void> {
  const id = process.env.TEST_RUN_ID;
  if (!SERVICES_MODE || id === undefined) return;

  const pg = new Client({ connectionString: testDatabaseUrl() });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${databasePrefix(id)}%`],
    );
    for (const { datname } of rows)
      await pg.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await pg.end();
  }

  if (process.env.TEST_REDIS_DB !== undefined) {
    const redis = new Redis(testRedisUrl(), {
      db: Number(process.env.TEST_REDIS_DB),
      maxRetriesPerRequest: 1,
    });
    try {
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
  }
}
