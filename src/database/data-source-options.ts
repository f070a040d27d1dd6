import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export interface DataSourceSettings {
  url: string;
  /** The embedded server serves one session at a time: its pool must hold a single connection. */
  embedded: boolean;
  /** Every entity, listed once in src/entities.ts: the database layer imports no feature. */
  entities: DataSourceOptions['entities'];
}

export function buildDataSourceOptions({
  url,
  embedded,
  entities,
}: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    // Schema changes only ever come from committed migrations.
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite: no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    extra: {
      max: embedded ? 1 : 10,
      connectionTimeoutMillis: 5_000,
      // A query stuck on a lock must not hold a request (and its pool slot) forever.
      statement_timeout: 10_000,
      application_name: 'auth-service',
    },
  };
}
