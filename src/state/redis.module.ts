import { Module, OnApplicationShutdown, Inject } from '@nestjs/common';
import { KeyValueStore } from './key-value.store';
import { MemoryKeyValueStore } from './memory-key-value.store';
import { RedisConnection } from './redis-connection';
import { RedisKeyValueStore } from './redis-key-value.store';
import { RedisHealth } from './redis.health';
import { Clock, SystemClock } from '../common/time/clock';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/** Shared state: Redis when REDIS_URL is set, process memory otherwise. */
@Module({
  providers: [
    RedisConnection,
    RedisHealth,
    { provide: Clock, useClass: SystemClock },
    {
      provide: KeyValueStore,
      inject: [RedisConnection, APP_CONFIG, Clock],
      useFactory: (connection: RedisConnection, config: AppConfig, clock: Clock): KeyValueStore =>
        connection.client
          ? new RedisKeyValueStore(connection.client, config.redis.keyPrefix)
          : new MemoryKeyValueStore(() => clock.now()),
    },
  ],
  exports: [RedisConnection, KeyValueStore, RedisHealth],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(KeyValueStore) private readonly store: KeyValueStore) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.store instanceof RedisKeyValueStore) await this.store.close();
    if (this.store instanceof MemoryKeyValueStore) this.store.close();
  }
}
