import { setTimeout as delay } from 'node:timers/promises';
import type Redis from 'ioredis';
import { DependencyUnavailableError } from '../common/errors/dependency-unavailable.error';
import { KeyValueStore, type AtomicScript } from './key-value.store';
import { REDIS_COMMAND_TIMEOUT_MS } from './redis-client.factory';

/**
 * Shared state in Redis. Every key and channel carries the configured prefix, so several
 * deployments (or test runs) can share one Redis without seeing each other. Any Redis failure
 * becomes DependencyUnavailableError: callers fail closed.
 */
export class RedisKeyValueStore extends KeyValueStore {
  readonly mode = 'redis';
  private readonly scriptShas = new Map<string, string>();
  private subscriber?: Redis;
  private readonly handlers = new Map<string, ((message: string) => void)[]>();
  private readonly gapHandlers: (() => void)[] = [];

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  get(key: string): Promise<string | null> {
    return this.call(() => this.client.get(this.k(key)));
  }

  mget(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.call(() => this.client.mget(keys.map((key) => this.k(key))));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.call(() =>
      ttlMs === undefined
        ? this.client.set(this.k(key), value)
        : this.client.set(this.k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs))),
    );
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const reply = await this.call(() =>
      this.client.set(this.k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
    );
    return reply === 'OK';
  }

  del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0);
    return this.call(() => this.client.del(...keys.map((key) => this.k(key))));
  }

  pttl(key: string): Promise<number> {
    return this.call(() => this.client.pttl(this.k(key)));
  }

  async run<T>(script: AtomicScript<T>, keys: string[], args: (string | number)[]): Promise<T> {
    const prefixed = keys.map((key) => this.k(key));
    const reply = await this.call(async () => {
      let sha = this.scriptShas.get(script.name);
      if (sha === undefined) {
        sha = (await this.client.script('LOAD', script.lua)) as string;
        this.scriptShas.set(script.name, sha);
      }
      try {
        return await this.client.evalsha(sha, prefixed.length, ...prefixed, ...args);
      } catch (error) {
        // A restarted or flushed Redis forgets loaded scripts: load it again once.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        this.scriptShas.delete(script.name);
        return this.client.eval(script.lua, prefixed.length, ...prefixed, ...args);
      }
    });
    return script.fromRedis ? script.fromRedis(reply) : (reply as T);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.call(() => this.client.publish(this.k(channel), message));
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    const name = this.k(channel);
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
    // While Redis is down the subscription waits in the offline queue and goes through on
    // reconnect (ioredis also re-subscribes after every reconnect); boot does not wait for it.
    const subscribed = this.subscriberConnection().subscribe(name);
    subscribed.catch(() => undefined);
    await Promise.race([
      subscribed,
      delay(REDIS_COMMAND_TIMEOUT_MS, undefined, { ref: false }),
    ]).catch(() => undefined);
  }

  onSubscriptionGap(handler: () => void): void {
    this.gapHandlers.push(handler);
  }

  async ping(): Promise<void> {
    await this.call(() => this.client.ping());
  }

  /** Closes the subscriber connection; the command connection belongs to RedisConnection. */
  async close(): Promise<void> {
    await quit(this.subscriber);
  }

  private subscriberConnection(): Redis {
    if (this.subscriber === undefined) {
      // A connection in subscriber mode can do nothing else: it gets one of its own.
      const subscriber = this.client.duplicate({ enableOfflineQueue: true, lazyConnect: false });
      subscriber.on('message', (channel: string, message: string) => {
        for (const handler of this.handlers.get(channel) ?? []) handler(message);
      });
      subscriber.on('error', () => undefined); // reconnects by itself; health reports the outage
      let connectedBefore = false;
      subscriber.on('ready', () => {
        if (connectedBefore) for (const handler of this.gapHandlers) handler();
        connectedBefore = true;
      });
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (isRedisDataError(error)) throw error;
      throw new DependencyUnavailableError('redis', { cause: error });
    }
  }
}

/** Errors that Redis itself answered (a script error, WRONGTYPE) are bugs, not outages. */
function isRedisDataError(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ReplyError' &&
    !/^(LOADING|BUSY|MASTERDOWN|READONLY|CLUSTERDOWN|NOSCRIPT)/.test(error.message)
  );
}

async function quit(client: Redis | undefined): Promise<void> {
  if (client === undefined || client.status === 'end') return;
  // Not connected (Redis down): QUIT would wait in the offline queue; stop reconnecting instead.
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
