import { Logger as NestLogger, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { createFastifyAdapter } from './http-server';
import type { AppConfig } from './config/app-config';
import { holdEmbeddedDataDir } from './database/embedded/data-dir-lock';

/**
 * Creates, configures and starts the HTTP server: what `npm start` runs. `root` is AppModule
 * unless a caller mounts a module next to it (the benchmark's guarded route).
 */
export async function startServer(
  config: AppConfig,
  root: DynamicModule = AppModule.forRoot(config),
): Promise<NestFastifyApplication> {
  // Before Nest starts anything: a data directory in use is a message (main.ts), not a failed boot.
  await holdEmbeddedDataDir(config);
  const app = await NestFactory.create<NestFastifyApplication>(
    root,
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
    // The one warning of a laptop boot (generated secrets are logged at info: production
    // refuses to start without configured ones).
    logger.warn(
      `Embedded mode: ${embedded.join(', ')}. Fine for a laptop; in production set DATABASE_URL and REDIS_URL.`,
    );
  }
  const url = `http://localhost:${config.port}`;
  logger.log(`Listening on ${url}${config.http.docsEnabled ? ` (API docs at ${url}/docs)` : ''}`);
  return app;
}
