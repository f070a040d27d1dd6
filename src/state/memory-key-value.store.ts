import { EventEmitter } from 'node:events';
import { KeyValueStore, type AtomicScript, type SyncStore } from './key-value.store';

interface Entry {
  value: string | Set<string>;
  expiresAt?: number;
}

const SWEEP_INTERVAL_MS = 30_000;

/**
 * Process-memory state for a single instance (embedded mode and tests). Expired entries vanish
 * on access and in a periodic sweep, so memory stays bounded by what is live.
 */
export class MemoryKeyValueStore extends KeyValueStore {
  readonly mode = 'memory';
  private readonly entries = new Map<string, Entry>();
  private readonly bus = new EventEmitter();
  private readonly sweeper: NodeJS.Timeout;

  /** The synchronous view handed to memory scripts: what Lua's redis.call can do. */
  private readonly sync: SyncStore = {
    get: (key) => this.read(key),
    set: (key, value, ttlMs) => this.write(key, value, ttlMs),
    del: (key) => this.live(key) !== undefined && this.entries.delete(key),
    pttl: (key) => this.remaining(key),
    pexpire: (key, ttlMs) => {
      const entry = this.live(key);
      if (entry === undefined) return false;
      entry.expiresAt = this.now() + ttlMs;
      return true;
    },
    sadd: (key, member) => {
      const entry = this.live(key);
      if (entry === undefined) this.entries.set(key, { value: new Set([member]) });
      else setOf(key, entry).add(member);
    },
    srem: (key, member) => {
      const entry = this.live(key);
      if (entry === undefined) return;
      const members = setOf(key, entry);
      members.delete(member);
      if (members.size === 0) this.entries.delete(key);
    },
    smembers: (key) => {
      const entry = this.live(key);
      return entry === undefined ? [] : [...setOf(key, entry)];
    },
  };

  constructor(private readonly now: () => number = Date.now) {
    super();
    this.bus.setMaxListeners(0);
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
    this.bus.removeAllListeners();
  }

  get(key: string): Promise<string | null> {
    return settle(() => this.read(key));
  }

  mget(keys: string[]): Promise<(string | null)[]> {
    return settle(() => keys.map((key) => this.read(key)));
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.write(key, value, ttlMs);
    return Promise.resolve();
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key) !== undefined) return Promise.resolve(false);
    this.write(key, value, ttlMs);
    return Promise.resolve(true);
  }

  del(...keys: string[]): Promise<number> {
    return Promise.resolve(
      keys.filter((key) => this.live(key) !== undefined && this.entries.delete(key)).length,
    );
  }

  pttl(key: string): Promise<number> {
    return Promise.resolve(this.remaining(key));
  }

  run<T>(script: AtomicScript<T>, keys: string[], args: (string | number)[]): Promise<T> {
    return settle(() => script.memory(this.sync, keys, args.map(String)));
  }

  publish(channel: string, message: string): Promise<void> {
    // Deliver asynchronously, as Redis does: a publisher never runs subscribers inline.
    setImmediate(() => this.bus.emit(channel, message));
    return Promise.resolve();
  }

  subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    this.bus.on(channel, handler);
    return Promise.resolve();
  }

  onSubscriptionGap(): void {
    // In-process delivery is never interrupted.
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private read(key: string): string | null {
    const entry = this.live(key);
    if (entry === undefined) return null;
    if (typeof entry.value !== 'string') throw new WrongTypeError(key);
    return entry.value;
  }

  private write(key: string, value: string, ttlMs?: number): void {
    this.entries.set(key, {
      value,
      expiresAt: ttlMs === undefined ? undefined : this.now() + ttlMs,
    });
  }

  private remaining(key: string): number {
    const entry = this.live(key);
    if (entry === undefined) return -2;
    return entry.expiresAt === undefined ? -1 : entry.expiresAt - this.now();
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}

/** Redis answers WRONGTYPE for a string command on a set (and back); so does the memory store. */
export class WrongTypeError extends Error {
  constructor(key: string) {
    super(`WRONGTYPE Operation against key "${key}" holding the wrong kind of value`);
  }
}

/** Runs synchronous work and reports its outcome as a promise, as an I/O call would. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function setOf(key: string, entry: Entry): Set<string> {
  if (typeof entry.value === 'string') throw new WrongTypeError(key);
  return entry.value;
}
