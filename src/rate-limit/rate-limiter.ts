import { Inject, Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { tooManyRequestsHeaders, type RateLimitState } from './rate-limit-headers';
import { RateLimitedError } from './rate-limited.error';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/** One fixed-window limit: `limit` hits per `ttlSeconds` for one key. */
export interface RateLimit {
  /** Names the counter family, e.g. `api-key`; part of the storage key. */
  name: string;
  key: string;
  limit: number;
  ttlSeconds: number;
}

/**
 * Counts hits through the throttler storage (ThrottlerHitsStorage: the shared store, so every
 * instance shares the counters). A refused hit does not extend the window; a storage outage
 * refuses the request (503), never lets it pass.
 */
@Injectable()
export class RateLimiter {
  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage) {}

  /** Counts one hit; throws RateLimitedError (429) past the limit. */
  async consume(limit: RateLimit): Promise<RateLimitState> {
    const ttlMs = limit.ttlSeconds * 1000;
    const record = await this.storage.increment(limit.key, ttlMs, limit.limit, ttlMs, limit.name);
    if (record.isBlocked) {
      throw new RateLimitedError(tooManyRequestsHeaders(limit.limit, record.timeToBlockExpire));
    }
    return {
      limit: limit.limit,
      remaining: Math.max(0, limit.limit - record.totalHits),
      resetSeconds: Math.max(0, record.timeToExpire),
    };
  }
}
