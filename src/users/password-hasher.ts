import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Piscina } from 'piscina';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { PasswordChecksBusyError } from './password-checks-busy.error';
import { PASSWORD_MAX_BYTES } from './password-policy';

/** bcrypt reads at most 72 bytes and stops at a NUL: past either, input would be ignored. */
function fitsBcrypt(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') <= PASSWORD_MAX_BYTES && !password.includes('\u0000');
}

/**
 * How far below the event loop the hashing threads run: nice 19, a scheduler weight of 15
 * against the event loop's 1024, so a request never waits behind a hash for long, while hashing
 * still gets every cycle nothing else wants. A login storm then slows logins, not every other
 * route (docs/performance.md: at nice 10 the storm still showed in the p99).
 */
export const HASHING_NICE_INCREMENT = 19;
/** Password checks waiting for a thread, per instance, before login answers 503. */
export const HASHING_QUEUE_LIMIT = 512;
/** How long shutdown waits for the checks already running (one takes about 0.25 s at cost 12). */
const CLOSE_TIMEOUT_MS = 10_000;

type HashTask =
  | { op: 'hash'; password: string; rounds: number }
  | { op: 'compare'; password: string; hash: string };

/**
 * bcrypt at the configured cost, in a pool of worker threads (one per core) at a lower
 * scheduling priority than the event loop (password-hash.worker.js), so hashing neither blocks
 * the event loop nor competes with it for the CPU. More checks waiting than the queue holds
 * answer 503 at once rather than waiting for minutes.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit, OnApplicationShutdown {
  private dummyHash = '';
  private readonly pool: Piscina<HashTask, string | boolean>;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    const threads = Math.max(1, availableParallelism());
    this.pool = new Piscina({
      filename: join(__dirname, 'password-hash.worker.js'),
      minThreads: threads,
      maxThreads: threads,
      maxQueue: HASHING_QUEUE_LIMIT,
      niceIncrement: HASHING_NICE_INCREMENT,
      closeTimeout: CLOSE_TIMEOUT_MS,
    });
  }

  async onModuleInit(): Promise<void> {
    // Compared against when the email is unknown, so that answer takes as long as a wrong password.
    this.dummyHash = await this.hash(randomBytes(16).toString('hex'));
  }

  /**
   * After the HTTP server has closed: Nest runs module-destroy hooks before it stops taking
   * requests, and a login in flight at SIGTERM still needs its password checked. Checks still
   * queued are refused; the ones running finish first: a worker thread terminated inside bcrypt's
   * synchronous call aborts the whole process (the addon throws into a stopped environment).
   */
  async onApplicationShutdown(): Promise<void> {
    // A close that times out is reported as the pool's 'error' and ends in a destroy anyway.
    await this.pool.close({ force: true }).catch(() => undefined);
  }

  async hash(password: string): Promise<string> {
    // The policy refuses these first; hashing one anyway would store a hash of its first 72 bytes.
    if (!fitsBcrypt(password)) throw new RangeError('password not fit for bcrypt');
    return (await this.run({
      op: 'hash',
      password,
      rounds: this.config.passwords.bcryptRounds,
    })) as string;
  }

  /**
   * bcrypt reads only the first 72 bytes, so a longer password would match whenever its first 72
   * bytes do. No stored password is longer (the policy refuses it), so it is simply wrong: it
   * costs one comparison like any wrong password and answers false, and every caller (login,
   * password change) counts it as the failure it is.
   */
  async verify(password: string, hash: string): Promise<boolean> {
    if (!fitsBcrypt(password)) return this.verifyNothing(password);
    return (await this.run({ op: 'compare', password, hash })) as boolean;
  }

  /** Spends the time of one verification and answers false: for unknown accounts. */
  async verifyNothing(password: string): Promise<false> {
    await this.run({ op: 'compare', password, hash: this.dummyHash });
    return false;
  }

  private async run(task: HashTask): Promise<string | boolean> {
    if (this.pool.queueSize >= HASHING_QUEUE_LIMIT) throw new PasswordChecksBusyError();
    return this.pool.run(task);
  }
}
