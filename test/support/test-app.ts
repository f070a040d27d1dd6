import type { Abstract, DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { createFastifyAdapter } from '../../src/http-server';
import { IN_MEMORY, loadConfig, type AppConfig } from '../../src/config/app-config';
import {
  databasePrefix,
  runId,
  runRedisUrl,
  SERVICES_MODE,
  testDatabaseUrl,
  withDatabase,
} from './services';

const GENEROUS_LIMITS: Record<string, string> = {
  THROTTLE_LOGIN_LIMIT: '10000',
  THROTTLE_LOGIN_EMAIL_LIMIT: '10000',
  THROTTLE_LOGIN_IP_LIMIT: '10000',
  THROTTLE_AUTH_LIMIT: '10000',
  THROTTLE_FORGOT_LIMIT: '10000',
  THROTTLE_FORGOT_IP_LIMIT: '10000',
  // Suites ask for several reset links in a row; the throttling suite tests the cooldown.
  THROTTLE_FORGOT_COOLDOWN: '0',
  THROTTLE_LOGIN_DEVICE_LIMIT: '10000',
  THROTTLE_PASSWORD_CHANGE_LIMIT: '10000',
  THROTTLE_SIGNED_IN_LIMIT: '10000',
  LOGIN_DELAY_BASE_MS: '0',
};

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** The environment the app was built from; pass it on to boot a second instance of the same deployment. */
  env: Record<string, string>;
  http: () => TestAgent;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  /** Extra variables on top of the test defaults. */
  env?: Record<string, string>;
  /** Fixture modules (test-only routes). */
  imports?: (Type | DynamicModule)[];
  /** Providers replaced by test doubles (a clock, a sleeper): time as an input. */
  overrides?: { provide: Type | Abstract<unknown> | symbol; useValue: unknown }[];
}

/**
 * Boots the real application (same module, same Fastify setup as main.ts) on the embedded
 * defaults, or in services mode on a database and Redis key space of its own.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BCRYPT_ROUNDS: '4',
    PGLITE_DATA_DIR: IN_MEMORY,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'auth-test-')),
    // Suites sign in many times from one address; the throttling suite sets real limits.
    ...GENEROUS_LIMITS,
    ...(SERVICES_MODE ? await servicesEnv() : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const builder = Test.createTestingModule({
    imports: [AppModule.forRoot(config), ...(options.imports ?? [])],
  });
  for (const { provide, useValue } of options.overrides ?? [])
    builder.overrideProvider(provide).useValue(useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(config),
    {
      bodyParser: false,
    },
  );
  await configureApp(app, config);
  try {
    await app.init();
  } catch (error) {
    // A boot that fails half-way has started things (the embedded database): stop them.
    await app.close().catch(() => undefined);
    throw error;
  }
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    env,
    http: () => request(app.getHttpServer()),
    close: () => app.close(),
  };
}

/** Services mode: a fresh database and Redis key prefix for one app (or one group of instances). */
export async function servicesEnv(): Promise<{
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_KEY_PREFIX: string;
}> {
  const name = `${databasePrefix(runId())}${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    DATABASE_URL: withDatabase(testDatabaseUrl(), name),
    REDIS_URL: runRedisUrl(),
    REDIS_KEY_PREFIX: `${name}:`,
  };
}
