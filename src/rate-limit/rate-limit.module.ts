import { Module } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RedisConnection } from '../state/redis-connection';
import { RedisModule } from '../state/redis.module';
import { AttemptBudget } from './attempt-budget';
import { FailClosedThrottlerStorage } from './fail-closed.storage';
import { RATE_LIMIT_STORAGE, RateLimiter } from './rate-limiter';

/** Rate-limit counters: in Redis when REDIS_URL is set (shared by every instance), else in memory. */
@Module({
  imports: [RedisModule],
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [RedisConnection, APP_CONFIG],
      useFactory: (connection: RedisConnection, config: AppConfig) =>
        connection.client
          ? new FailClosedThrottlerStorage(
              new ThrottlerStorageRedisService(connection.client),
              config.redis.keyPrefix,
            )
          : new ThrottlerStorageService(),
    },
    RateLimiter,
    AttemptBudget,
  ],
  exports: [RATE_LIMIT_STORAGE, RateLimiter, AttemptBudget],
})
export class RateLimitModule {}
