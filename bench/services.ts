import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import type { Cleanup } from './cleanup';
import { progress } from './progress';

export type Mode = 'real-services' | 'embedded';

/** Everything the servers and the bench share: mode, secrets, environment. */
export interface BenchEnvironment {
  mode: Mode;
  tempDir: string;
  privateKeyPem: string;
  tokenSecret: string;
  adminEmail: string;
  adminPassword: string;
  redis?: { url: string; prefix: string };
  /** The service's environment (without PORT and HOST). */
  env: Record<string, string>;
}

const HIGH = '1000000000';

/** Brute-force and per-key limits lifted: checked on every request, never refusing. */
const LIFTED_LIMITS: Record<string, string> = {
  THROTTLE_LOGIN_LIMIT: HIGH,
  THROTTLE_LOGIN_EMAIL_LIMIT: HIGH,
  THROTTLE_LOGIN_IP_LIMIT: HIGH,
  THROTTLE_LOGIN_DEVICE_LIMIT: HIGH,
  THROTTLE_AUTH_LIMIT: HIGH,
  THROTTLE_SIGNED_IN_LIMIT: HIGH,
  THROTTLE_FORGOT_LIMIT: HIGH,
  THROTTLE_FORGOT_IP_LIMIT: HIGH,
  API_KEY_RATE_LIMIT: HIGH,
};

/** Random hex: no placeholder words, no runs, ~4 bits a character (production-rules.ts). */
const secret = (bytes: number): string => randomBytes(bytes).toString('hex');

async function startSmtpSink(cleanup: Cleanup): Promise<number> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.add('SMTP sink closed', () => new Promise((resolve) => server.close(() => resolve())));
  const address = server.server.address();
  if (address === null || typeof address !== 'object') throw new Error('SMTP sink has no port');
  return address.port;
}

async function createDatabase(adminUrl: string, cleanup: Cleanup): Promise<string> {
  const name = `bench_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  cleanup.add(`database ${name} dropped`, async () => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Deletes every key under the prefix (SCAN, never KEYS). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return deleted;
}

/**
 * Real services when BENCH_DATABASE_URL and BENCH_REDIS_URL (or the TEST_ pair) are set:
 * NODE_ENV=production, a fresh database and Redis prefix for this run, a local SMTP sink.
 * Otherwise the embedded defaults (PGlite, memory) in a temporary DATA_DIR.
 */
export async function prepareEnvironment(cleanup: Cleanup): Promise<BenchEnvironment> {
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL;
  const tempDir = mkdtempSync(join(tmpdir(), 'auth-bench-'));
  cleanup.add(`${tempDir}: data removed, logs kept`, () => {
    for (const entry of readdirSync(tempDir)) {
      if (!entry.endsWith('.log')) rmSync(join(tempDir, entry), { recursive: true, force: true });
    }
    return Promise.resolve();
  });
  const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const tokenSecret = secret(32);
  const adminEmail = 'bench-admin@example.com';
  const adminPassword = `Bench-${secret(16)}`;
  const common: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tempDir,
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    BCRYPT_ROUNDS: '12',
    DATA_DIR: tempDir,
    JWT_PRIVATE_KEYS: privateKeyPem,
    TOKEN_SECRET: tokenSecret,
    API_KEY_PEPPER: secret(32),
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    ...LIFTED_LIMITS,
  };
  if (databaseUrl === undefined || redisUrl === undefined) {
    return {
      mode: 'embedded',
      tempDir,
      privateKeyPem,
      tokenSecret,
      adminEmail,
      adminPassword,
      env: { ...common, NODE_ENV: 'development' },
    };
  }
  const prefix = `bench${process.pid}:`;
  cleanup.add(`redis keys ${prefix}* deleted`, async () => {
    progress(`redis: ${await deleteRedisPrefix(redisUrl, prefix)} keys under ${prefix} deleted`);
  });
  const database = await createDatabase(databaseUrl, cleanup);
  const smtpPort = await startSmtpSink(cleanup);
  return {
    mode: 'real-services',
    tempDir,
    privateKeyPem,
    tokenSecret,
    adminEmail,
    adminPassword,
    redis: { url: redisUrl, prefix },
    env: {
      ...common,
      NODE_ENV: 'production',
      DATABASE_URL: database,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SMTP_ALLOW_PLAINTEXT: 'true',
      APP_URL: 'http://127.0.0.1',
    },
  };
}
