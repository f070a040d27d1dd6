import { Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';
import { KeyValueStore, type AtomicScript } from '../../state/key-value.store';
import { sha256 } from '../../common/crypto/sha256';
import { Sleeper } from '../../common/time/sleeper';

/** KEYS: counter. ARGV: ttl ms. Counts one failure; the window starts with the first one. */
const countFailure: AtomicScript<number> = {
  name: 'login-failure-count',
  lua: `
    local n = redis.call('INCR', KEYS[1])
    if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
    return n`,
  memory: (store, [key], [ttl]) => {
    const n = Number(store.get(key) ?? '0') + 1;
    const remaining = store.pttl(key);
    store.set(key, String(n), remaining > 0 ? remaining : Number(ttl));
    return n;
  },
  fromRedis: (reply) => Number(reply),
};

/**
 * Progressive delay (seed 004): from the LOGIN_DELAY_AFTER-th consecutive failure for one
 * email, the failure answer waits LOGIN_DELAY_BASE_MS, doubling with each further failure up
 * to LOGIN_DELAY_MAX_MS. A timer, never a busy wait: other requests run meanwhile. Unknown
 * emails are counted like known ones; a successful login resets the count.
 */
@Injectable()
export class LoginDelay {
  constructor(
    private readonly store: KeyValueStore,
    @InjectConfig() private readonly config: AppConfig,
    private readonly sleeper: Sleeper,
  ) {}

  /** Counts a failure and waits as long as the schedule says; answers the wait in ms. */
  async failed(email: string): Promise<number> {
    const failures = await this.store.run(
      countFailure,
      [keyOf(email)],
      [this.config.throttle.loginTtl * 1000],
    );
    const wait = delayAfter(failures, this.config.loginDelay);
    if (wait > 0) await this.sleeper.sleep(wait);
    return wait;
  }

  async succeeded(email: string): Promise<void> {
    await this.store.del(keyOf(email));
  }
}

/** The schedule: 0 before `after` failures, then base × 2^(failures − after), capped at max. */
export function delayAfter(
  failures: number,
  schedule: { after: number; baseMs: number; maxMs: number },
): number {
  if (failures < schedule.after || schedule.baseMs === 0) return 0;
  const exponent = Math.min(failures - schedule.after, 30);
  return Math.min(schedule.baseMs * 2 ** exponent, schedule.maxMs);
}

function keyOf(email: string): string {
  return `login-failures:${sha256(email)}`;
}
