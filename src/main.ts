import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { createFastifyAdapter } from './http-server';
import { loadConfig, type AppConfig } from './config/app-config';
import { ConfigError } from './config/config.error';

function readConfig(): AppConfig {
  // Variables already in the environment win over the file.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  const config = readConfig();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    createFastifyAdapter(config),
    // JSON only: Fastify's own parser answers 415 for any other content type.
    { bufferLogs: true, bodyParser: false },
  );
  await configureApp(app, config);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);

  const logger = new NestLogger('Bootstrap');
  const embedded = [
    config.database.url === undefined && `PostgreSQL (PGlite, ${config.database.embeddedDataDir})`,
    config.redis.url === undefined && 'Redis (state in process memory)',
  ].filter(Boolean);
  if (embedded.length > 0) {
    logger.warn(
      `Embedded mode: ${embedded.join(', ')}. Fine for a laptop; in production set DATABASE_URL and REDIS_URL.`,
    );
  }
  const url = `http://localhost:${config.port}`;
  logger.log(`Listening on ${url}${config.http.docsEnabled ? ` (API docs at ${url}/docs)` : ''}`);
}

bootstrap().catch((error: unknown) => {
  // A configuration problem found while starting (keys, admin password) is a message, not a crash.
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
