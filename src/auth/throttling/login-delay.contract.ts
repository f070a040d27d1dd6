import { loadConfig } from '../../config/app-config';
import { scriptContract, type TestClock } from '../../state/script-contract.fixture';
import { TimerSleeper } from '../../common/time/sleeper';
import { LoginDelay } from './login-delay';

const WINDOW_MS = 900_000;

/**
 * The counting behind the progressive login delay: consecutive failures per email, in a window
 * that starts with the first one, reset by a success, never losing a concurrent failure. The
 * schedule is milliseconds (1, 2, 4, …) so that each answer names the count it was given, and
 * the waits cost nothing. Held against memory and Redis.
 */
export const loginDelayContract = scriptContract(
  'LoginDelay',
  ['login-failure-count'],
  (current) => {
    let clock: TestClock;
    let delay: LoginDelay;
    beforeEach(() => {
      const made = current();
      clock = made.clock;
      const config = loadConfig({
        NODE_ENV: 'test',
        THROTTLE_LOGIN_TTL: String(WINDOW_MS / 1000),
        LOGIN_DELAY_AFTER: '3',
        LOGIN_DELAY_BASE_MS: '1',
        LOGIN_DELAY_MAX_MS: '64',
      });
      delay = new LoginDelay(made.store, config, new TimerSleeper());
    });

    const failures = async (email: string, count: number): Promise<number[]> => {
      const waits: number[] = [];
      for (let i = 0; i < count; i += 1) waits.push(await delay.failed(email));
      return waits;
    };

    it('waits from the third consecutive failure, doubling up to the maximum', async () => {
      await expect(failures('a@example.com', 9)).resolves.toEqual([0, 0, 1, 2, 4, 8, 16, 32, 64]);
      await expect(failures('b@example.com', 1)).resolves.toEqual([0]);
    });

    it('starts again after a success', async () => {
      await failures('a@example.com', 4);
      await delay.succeeded('a@example.com');
      await expect(failures('a@example.com', 3)).resolves.toEqual([0, 0, 1]);
    });

    it('counts within a window that starts with the first failure and is not extended', async () => {
      await failures('a@example.com', 2);
      await clock.advance(WINDOW_MS - 10_000);
      await expect(failures('a@example.com', 1)).resolves.toEqual([1]);
      await clock.advance(10_000);
      await expect(failures('a@example.com', 3)).resolves.toEqual([0, 0, 1]);
    });

    it('loses no failure of many concurrent ones', async () => {
      const waits = await Promise.all(
        Array.from({ length: 8 }, () => delay.failed('race@example.com')),
      );
      expect(waits.sort((x, y) => x - y)).toEqual([0, 0, 1, 2, 4, 8, 16, 32]);
    });
  },
);
