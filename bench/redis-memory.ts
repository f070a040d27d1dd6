import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { AppConfig } from '../src/config/app-config';
import { ServerSecret } from '../src/common/crypto/server-secret';
import { createRedisClient } from '../src/state/redis-client.factory';
import { RedisKeyValueStore } from '../src/state/redis-key-value.store';
import { RefreshTokenCodec } from '../src/tokens/refresh-token';
import { RefreshSessionStore } from '../src/tokens/refresh-session.store';
import { tokenKeys } from '../src/tokens/token-keys';

export const CHROME_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const CLIENT_IP = '203.0.113.42';

export interface RedisMemory {
  sessions: number;
  sessionsPerUser: number;
  /** One per user: the user's session map (tokenKeys.sessions). */
  keys: number;
  totalBytes: number;
  bytesPerSession: number;
}

/** One session per user (the typical case, and the goal's figure), and five per user. */
export interface RedisMemoryRuns {
  onePerUser: RedisMemory;
  fivePerUser: RedisMemory;
}

/**
 * Opens `count` sessions through the service's own RefreshSessionStore on a RedisKeyValueStore
 * (the classes the service uses, built by hand with the service's configuration),
 * `sessionsPerUser` per user, then sums MEMORY USAGE of the keys they created: each user's
 * session map.
 */
export async function measureRedisMemory(
  config: AppConfig,
  count: number,
  sessionsPerUser = 1,
): Promise<RedisMemory> {
  const url = config.redis.url;
  if (url === undefined) throw new Error('no REDIS_URL');
  const secret = new ServerSecret(config);
  await secret.onModuleInit();
  const client = createRedisClient(url, 'auth-bench-memory');
  await client.connect();
  const store = new RedisKeyValueStore(client, config.redis.keyPrefix);
  const sessions = new RefreshSessionStore(store, new RefreshTokenCodec(secret));
  const raw = new Redis(url, { lazyConnect: true });
  await raw.connect();
  const keys: string[] = [];
  try {
    const ttlMs = config.refresh.ttl * 1000;
    const origin = { userAgent: CHROME_USER_AGENT, ip: CLIENT_IP };
    const users = Math.ceil(count / sessionsPerUser);
    for (let done = 0; done < users; done += 200) {
      const batch = Array.from({ length: Math.min(200, users - done) }, async () => {
        const userId = randomUUID();
        for (let i = 0; i < sessionsPerUser; i += 1) {
          if ((await sessions.create(userId, 0, ttlMs, origin)) === null)
            throw new Error('session not created');
        }
        keys.push(config.redis.keyPrefix + tokenKeys.sessions(userId));
      });
      await Promise.all(batch);
    }
    let totalBytes = 0;
    for (let i = 0; i < keys.length; i += 1000) {
      const pipeline = raw.pipeline();
      for (const key of keys.slice(i, i + 1000))
        pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
      for (const [error, bytes] of (await pipeline.exec()) ?? []) {
        if (error !== null) throw error;
        if (typeof bytes !== 'number') throw new Error(`MEMORY USAGE answered ${String(bytes)}`);
        totalBytes += bytes;
      }
    }
    const opened = users * sessionsPerUser;
    return {
      sessions: opened,
      sessionsPerUser,
      keys: keys.length,
      totalBytes,
      bytesPerSession: totalBytes / opened,
    };
  } finally {
    for (let i = 0; i < keys.length; i += 1000) await raw.unlink(...keys.slice(i, i + 1000));
    raw.disconnect();
    await store.close();
    client.disconnect();
  }
}
