import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import type Redis from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { createRedisClient } from './redis-client.factory';

const BOOT_WAIT_MS = 3_000;

/**
 * The Redis connection of this instance, or none in memory mode. Boot waits briefly for Redis
 * but never fails because of it: the instance starts, reports "not ready" and reconnects by
 * itself, so a Redis restart needs no restart of the service.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: Redis | null;
  private lastError?: string;

  constructor(@InjectConfig() config: AppConfig) {
    this.client = config.redis.url ? createRedisClient(config.redis.url, 'auth-service') : null;
    this.client?.on('error', (error: Error) => {
      // ioredis repeats the same error on every retry: log each new one once.
      if (error.message !== this.lastError) this.logger.warn(`Redis unavailable: ${error.message}`);
      this.lastError = error.message;
    });
    this.client?.on('ready', () => {
      if (this.lastError !== undefined) this.logger.log('Redis connection restored');
      this.lastError = undefined;
    });
  }

  async onModuleInit(): Promise<void> {
    if (this.client === null) return;
    const connected = this.client.connect().then(
      () => true,
      () => false,
    );
    const ready = await Promise.race([connected, delay(BOOT_WAIT_MS, false, { ref: false })]);
    if (!ready)
      this.logger.warn(
        'Redis is not reachable yet; starting anyway and retrying in the background',
      );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client === null || this.client.status === 'end') return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
