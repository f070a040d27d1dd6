import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { KeyValueStore } from '../state/key-value.store';
import type { ApiKeyScope } from '../security/scopes';

/** What verification needs of a key, as cached: never the secret. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  secretHash: string;
  scopes: ApiKeyScope[];
  rateLimit: { limit: number; ttlSeconds: number } | null;
  /** As stored; `apiKeyStatus` checks both on every request, cached or not. */
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** How long an entry may serve requests without a database read. */
export const API_KEY_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;
const INVALIDATION_CHANNEL = 'api-keys:invalidate';
/** An unknown id is cached too, so a flood of well-formed made-up keys does not reach the database. */
const UNKNOWN = false;

/**
 * Keys by id, for a few seconds. Revoke and rotate drop the entry here at once and publish the id,
 * so every other instance drops it within the pub/sub delay; when the subscription was interrupted,
 * the whole cache is dropped, since invalidations may have been missed.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit {
  private readonly logger = new Logger('ApiKeys');
  private readonly entries = new LRUCache<string, ApiKeyRecord | typeof UNKNOWN>({
    max: MAX_ENTRIES,
    ttl: API_KEY_CACHE_TTL_MS,
  });
  /** Concurrent requests for one uncached id share one database read. */
  private readonly loading = new Map<string, Promise<ApiKeyRecord | null>>();
  /** Bumped by every invalidation: a read that started before one is used but not cached. */
  private epoch = 0;

  constructor(private readonly store: KeyValueStore) {}

  async onModuleInit(): Promise<void> {
    this.store.onSubscriptionGap(() => this.dropAll());
    await this.store.subscribe(INVALIDATION_CHANNEL, (id) => this.drop(id));
  }

  async get(
    id: string,
    load: (id: string) => Promise<ApiKeyRecord | null>,
  ): Promise<ApiKeyRecord | null> {
    const cached = this.entries.get(id);
    if (cached !== undefined) return cached === UNKNOWN ? null : cached;
    const pending = this.loading.get(id);
    if (pending !== undefined) return pending;

    const epoch = this.epoch;
    const loaded = load(id).then((record) => {
      if (this.epoch === epoch) this.entries.set(id, record ?? UNKNOWN);
      return record;
    });
    this.loading.set(id, loaded);
    try {
      return await loaded;
    } finally {
      this.loading.delete(id);
    }
  }

  /** After a change to a key: drop it here now and tell every other instance. */
  async invalidate(id: string): Promise<void> {
    this.drop(id);
    try {
      await this.store.publish(INVALIDATION_CHANNEL, id);
    } catch (error) {
      // Safe to carry on: while Redis is down no instance accepts an API key (the rate limit
      // fails closed), and when the subscription comes back every instance drops its cache.
      this.logger.warn(
        `Key ${id} changed but the invalidation was not published: ${(error as Error).message}`,
      );
    }
  }

  private drop(id: string): void {
    this.epoch += 1;
    this.entries.delete(id);
    this.loading.delete(id);
  }

  private dropAll(): void {
    this.epoch += 1;
    this.entries.clear();
    this.loading.clear();
  }
}
