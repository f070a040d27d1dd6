import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthModule } from '../database/database-health.module';
import { RedisModule } from '../state/redis.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), DatabaseHealthModule, RedisModule],
  controllers: [HealthController],
})
export class HealthModule {}
