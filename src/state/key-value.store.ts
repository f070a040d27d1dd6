/**
 * The shared, expiring state the service keeps outside PostgreSQL: refresh sessions, denylists,
 * single-use tokens, cache invalidation messages. Redis when REDIS_URL is set (every instance
 * shares it), process memory otherwise. Both implementations pass one contract suite.
 */
export abstract class KeyValueStore {
  abstract readonly mode: 'redis' | 'memory';

  abstract get(key: string): Promise<string | null>;
  abstract mget(keys: string[]): Promise<(string | null)[]>;
  /** Stores a value; with `ttlMs` it disappears after that many milliseconds. */
  abstract set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Stores a value only when the key is absent; true when it was stored. */
  abstract setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes keys; answers how many existed. */
  abstract del(...keys: string[]): Promise<number>;
  /** Remaining lifetime in milliseconds: -1 without expiry, -2 when the key does not exist. */
  abstract pttl(key: string): Promise<number>;
  /** Runs a script atomically: nothing else touches the store while it runs. */
  abstract run<T>(script: AtomicScript<T>, keys: string[], args: (string | number)[]): Promise<T>;
  abstract publish(channel: string, message: string): Promise<void>;
  abstract subscribe(channel: string, handler: (message: string) => void): Promise<void>;
  /**
   * Calls `handler` each time the subscription comes back after an interruption: messages
   * published meanwhile were lost, so whatever they would have invalidated must be dropped.
   */
  abstract onSubscriptionGap(handler: () => void): void;
  /** Resolves when the store answers; rejects with DependencyUnavailableError otherwise. */
  abstract ping(): Promise<void>;
}

/**
 * One atomic operation written twice: in Lua for Redis and in synchronous JavaScript for the
 * memory store (atomic because it never awaits). The store contract suite keeps both honest.
 * Scripts take the current time from their arguments, never from the server clock, so both
 * implementations agree on it.
 */
export interface AtomicScript<T> {
  name: string;
  /** Lua with KEYS and ARGV; keys arrive already prefixed. */
  lua: string;
  memory: (store: SyncStore, keys: string[], args: string[]) => T;
  /** Turns the Lua reply into T (Lua has no booleans or objects). Identity when omitted. */
  fromRedis?: (reply: unknown) => T;
}

/** What a memory script may do: the same operations as the Lua side, synchronously. */
export interface SyncStore {
  get(key: string): string | null;
  set(key: string, value: string, ttlMs?: number): void;
  del(key: string): boolean;
  pttl(key: string): number;
  pexpire(key: string, ttlMs: number): boolean;
  sadd(key: string, member: string): void;
  srem(key: string, member: string): void;
  smembers(key: string): string[];
}
