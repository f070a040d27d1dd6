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
  keys: number;
  totalBytes: number;
  bytesPerSession: number;
  /** Of which the session keys ({u:<id>}:s:<sid>, a JSON string); the rest is the index sets. */
  sessionKeyBytes: number;
  indexBytes: number;
  layout: string;
}

/**
 * Opens `count` sessions through the service's own RefreshSessionStore on a RedisKeyValueStore
 * (the classes the service uses, built by hand with the service's configuration), one user per
 * session, then sums MEMORY USAGE of the keys they created: the session and the user's index.
 */
export async function measureRedisMemory(config: AppConfig, count: number): Promise<RedisMemory> {
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
    for (let done = 0; done < count; done += 200) {
      const batch = Array.from({ length: Math.min(200, count - done) }, async () => {
        const userId = randomUUID();
        const issued = await sessions.create(userId, 0, ttlMs, origin);
        if (issued === null) throw new Error('session not created');
        keys.push(
          config.redis.keyPrefix + tokenKeys.session(userId, issued.session.id),
          config.redis.keyPrefix + tokenKeys.sessions(userId),
        );
      });
      await Promise.all(batch);
    }
    let sessionKeyBytes = 0;
    let indexBytes = 0;
    for (let i = 0; i < keys.length; i += 1000) {
      const pipeline = raw.pipeline();
      for (const key of keys.slice(i, i + 1000))
        pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
      for (const [j, [error, bytes]] of ((await pipeline.exec()) ?? []).entries()) {
        if (error !== null) throw error;
        if (typeof bytes !== 'number') throw new Error(`MEMORY USAGE answered ${String(bytes)}`);
        // The keys alternate: a session key, then its user's index.
        if ((i + j) % 2 === 0) sessionKeyBytes += bytes;
        else indexBytes += bytes;
      }
    }
    const totalBytes = sessionKeyBytes + indexBytes;
    return {
      sessions: count,
      keys: keys.length,
      totalBytes,
      bytesPerSession: totalBytes / count,
      sessionKeyBytes,
      indexBytes,
      layout:
        'one user per session (the typical case): a session key and a one-member index per user',
    };
  } finally {
    for (let i = 0; i < keys.length; i += 1000) await raw.unlink(...keys.slice(i, i + 1000));
    raw.disconnect();
    await store.close();
    client.disconnect();
  }
}
