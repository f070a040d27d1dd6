import { Module } from '@nestjs/common';
import { KeyValueStore } from '../state/key-value.store';
import { RedisModule } from '../state/redis.module';
import { AttemptBudget } from './attempt-budget';
import { RATE_LIMIT_STORAGE, RateLimiter } from './rate-limiter';
import { ThrottlerHitsStorage } from './throttler-hits.storage';

/**
 * Rate-limit counters on the shared store: in Redis when REDIS_URL is set (shared by every
 * instance), else in memory; one atomic script either way (throttler-hits.storage.ts).
 */
@Module({
  imports: [RedisModule],
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [KeyValueStore],
      useFactory: (store: KeyValueStore) => new ThrottlerHitsStorage(store),
    },
    RateLimiter,
    AttemptBudget,
  ],
  exports: [RATE_LIMIT_STORAGE, RateLimiter, AttemptBudget],
})
export class RateLimitModule {}
