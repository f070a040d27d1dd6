/**
 * The data source of the TypeORM CLI (`npm run migration:*`). It uses the same options as the
 * application. With DATABASE_URL unset it starts the embedded database in ./.data/pglite, so
 * migrations can be generated and run on a laptop with nothing installed.
 */
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { loadConfig } from './config/app-config';
import { buildDataSourceOptions } from './database/data-source-options';
import { EmbeddedPostgres } from './database/embedded/embedded-postgres';
import { ENTITIES } from './entities';

async function createCliDataSource(): Promise<DataSource> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  if (config.database.url !== undefined) {
    return new DataSource(
      buildDataSourceOptions({ url: config.database.url, embedded: false, entities: ENTITIES }),
    );
  }
  const embedded = await EmbeddedPostgres.start(config.database.embeddedDataDir);
  // The CLI never closes what it did not open: stop the embedded server (PGlite flushes its
  // files) once the command is done and the process is about to exit.
  embedded.unref();
  let stopping = false;
  process.on('beforeExit', () => {
    if (stopping) return;
    stopping = true;
    void embedded.stop();
  });
  return new DataSource(
    buildDataSourceOptions({ url: embedded.url, embedded: true, entities: ENTITIES }),
  );
}

export default createCliDataSource();
