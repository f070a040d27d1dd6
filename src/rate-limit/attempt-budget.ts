import { Injectable } from '@nestjs/common';
import { sha256 } from '../common/crypto/sha256';
import { KeyValueStore, type AtomicScript } from '../state/key-value.store';
import { RateLimitedError } from './rate-limited.error';
import { tooManyRequestsHeaders } from './rate-limit-headers';
import type { RateLimit } from './rate-limiter';

/**
 * KEYS: counter. ARGV: limit, window ms. Takes one slot when fewer than `limit` are taken and
 * answers the window's remaining ms; answers minus the remaining ms when none is left (nothing
 * is counted then, so a refusal never extends the window). The window starts with its first slot.
 */
const reserveSlot: AtomicScript<number> = {
  name: 'attempt-budget-reserve',
  lua: `
    local used = tonumber(redis.call('GET', KEYS[1]) or '0')
    local ttl = redis.call('PTTL', KEYS[1])
    if used >= tonumber(ARGV[1]) and ttl > 0 then return -ttl end
    if ttl <= 0 then
      redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
      return tonumber(ARGV[2])
    end
    redis.call('INCR', KEYS[1])
    return ttl`,
  memory: (store, [key], [limit, windowMs]) => {
    const used = Number(store.get(key) ?? '0');
    const ttl = store.pttl(key);
    if (used >= Number(limit) && ttl > 0) return -ttl;
    if (ttl <= 0) {
      store.set(key, '1', Number(windowMs));
      return Number(windowMs);
    }
    store.set(key, String(used + 1), ttl);
    return ttl;
  },
  fromRedis: (reply) => Number(reply),
};

/** KEYS: counter. Gives one slot back, keeping the window's end. */
const refundSlot: AtomicScript<void> = {
  name: 'attempt-budget-refund',
  lua: `
    local used = tonumber(redis.call('GET', KEYS[1]) or '0')
    if used > 0 then redis.call('DECR', KEYS[1]) end`,
  memory: (store, [key]) => {
    const used = Number(store.get(key) ?? '0');
    const ttl = store.pttl(key);
    if (used > 0 && ttl > 0) store.set(key, String(used - 1), ttl);
  },
  fromRedis: () => undefined,
};

/** A slot taken by reserve(): give it back with refund() when the attempt turns out fine. */
export interface Reservation {
  readonly key: string;
}

/**
 * A budget of failures that is spent before the attempt is checked: reserve() takes a slot
 * atomically (or refuses with 429), the caller checks, and gives the slot back when the attempt
 * succeeded. Only failures stay counted, yet concurrent attempts cannot all be checked before
 * the first failure is counted: at most `limit` checks run per window, whatever the concurrency.
 * A store outage throws DependencyUnavailableError (503): the check never runs unlimited.
 */
@Injectable()
export class AttemptBudget {
  constructor(private readonly store: KeyValueStore) {}

  async reserve(limit: RateLimit): Promise<Reservation> {
    const key = `budget:${limit.name}:${sha256(limit.key)}`;
    const answer = await this.store.run(reserveSlot, [key], [limit.limit, limit.ttlSeconds * 1000]);
    if (answer < 0) {
      throw new RateLimitedError(tooManyRequestsHeaders(limit.limit, -answer / 1000));
    }
    return { key };
  }

  async refund(reservation: Reservation): Promise<void> {
    await this.store.run(refundSlot, [reservation.key], []);
  }
}
