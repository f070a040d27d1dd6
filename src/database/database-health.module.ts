import { Module } from '@nestjs/common';
import { DatabaseEndpointModule } from './database-endpoint.module';
import { DatabaseHealth } from './database.health';

/**
 * The database ping, for the health endpoints. A static module, so that a feature imports it
 * without `DatabaseModule.forRoot`'s configuration; the data source it pings is the root's.
 */
@Module({
  imports: [DatabaseEndpointModule],
  providers: [DatabaseHealth],
  exports: [DatabaseHealth],
})
export class DatabaseHealthModule {}
