import { DynamicModule, Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { buildDataSourceOptions } from './data-source-options';
import { DatabaseEndpoint } from './database-endpoint';
import { DatabaseHealth } from './database.health';
import { runMigrations } from './migrations-runner';

@Module({
  providers: [
    {
      provide: DatabaseEndpoint,
      inject: [APP_CONFIG, ModuleRef],
      useFactory: (config: AppConfig, moduleRef: ModuleRef) =>
        DatabaseEndpoint.open(config, async () => {
          const dataSource = moduleRef.get(DataSource, { strict: false });
          if (dataSource.isInitialized) await dataSource.destroy();
        }),
    },
  ],
  exports: [DatabaseEndpoint],
})
class DatabaseEndpointModule {}

/** PostgreSQL through TypeORM: a real server, or the embedded one; migrations at boot. */
@Module({})
export class DatabaseModule {
  /** `entities` comes from the composition root, so that this module imports no feature. */
  static forRoot(config: AppConfig, entities: DataSourceOptions['entities']): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
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
      providers: [DatabaseHealth],
      exports: [DatabaseHealth],
    };
  }
}
