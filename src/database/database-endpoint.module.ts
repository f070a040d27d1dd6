import { Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseEndpoint } from './database-endpoint';

/** Where the database is (a real server, or the embedded one, started here). One per app. */
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
export class DatabaseEndpointModule {}
