import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { DatabaseEndpoint } from './database-endpoint';
import { DatabaseEndpointModule } from './database-endpoint.module';
import { runMigrations } from './migrations-runner';

/** PostgreSQL through TypeORM: a real server, or the embedded one; migrations at boot. */
@Module({})
export class DatabaseModule {
  /** `entities` comes from the composition root, so that this module imports no feature. */
  static forRoot(config: AppConfig, entities: DataSourceOptions['entities']): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        DatabaseEndpointModule,
        TypeOrmModule.forRootAsync({
          imports: [DatabaseEndpointModule],
          inject: [DatabaseEndpoint],
          useFactory: (endpoint: DatabaseEndpoint) => ({
            ...buildDataSourceOptions({
              url: endpoint.url,
              embedded: endpoint.isEmbedded,
              entities,
            }),
            logging: false,
            retryAttempts: 10,
            retryDelay: 3_000,
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (config.database.migrationsRun) {
              await runMigrations(dataSource, { lock: config.database.url !== undefined });
            }
            return dataSource;
          },
        }),
      ],
    };
  }
}
