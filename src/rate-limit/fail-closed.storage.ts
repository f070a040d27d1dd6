import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { DependencyUnavailableError } from '../common/errors/dependency-unavailable.error';

/**
 * Wraps the Redis throttler storage: keys get the deployment's `REDIS_KEY_PREFIX`, and any Redis
 * failure becomes a 503. A limiter that cannot count refuses; it never becomes unlimited.
 */
export class FailClosedThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly inner: ThrottlerStorage,
    private readonly keyPrefix: string,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      return await this.inner.increment(
        `${this.keyPrefix}rl:${key}`,
        ttl,
        limit,
        blockDuration,
        throttlerName,
      );
    } catch (error) {
      throw new DependencyUnavailableError('redis', { cause: error });
    }
  }
}
