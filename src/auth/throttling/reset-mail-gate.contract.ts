import { loadConfig } from '../../config/app-config';
import { scriptContract, type TestClock } from '../../state/script-contract.fixture';
import { ResetMailGate } from './reset-mail-gate';

const COOLDOWN_MS = 120_000;
const WINDOW_MS = 3_600_000;

function gateConfig(cooldownSeconds: number, limit: number) {
  return loadConfig({
    NODE_ENV: 'test',
    THROTTLE_FORGOT_COOLDOWN: String(cooldownSeconds),
    THROTTLE_FORGOT_LIMIT: String(limit),
    THROTTLE_FORGOT_TTL: String(WINDOW_MS / 1000),
  });
}

/**
 * The rules of reset mail (docs/security.md → Password reset): one mail per email per cooldown
 * whoever asks, and at most THROTTLE_FORGOT_LIMIT per email and client address per window, each
 * decided in one atomic step. Held against memory and Redis.
 */
export const resetMailGateContract = scriptContract(
  'ResetMailGate',
  ['reset-mail-admit'],
  (current) => {
    let clock: TestClock;
    let gate: ResetMailGate;
    let open: ResetMailGate;
    beforeEach(() => {
      const made = current();
      clock = made.clock;
      gate = new ResetMailGate(made.store, gateConfig(COOLDOWN_MS / 1000, 3));
      open = new ResetMailGate(made.store, gateConfig(0, 3));
    });

    it('admits one mail per email per cooldown, whoever asks', async () => {
      await expect(gate.admit('a@example.com', '192.0.2.1')).resolves.toBe(true);
      await expect(gate.admit('a@example.com', '192.0.2.2')).resolves.toBe(false);
      await expect(gate.admit('b@example.com', '192.0.2.1')).resolves.toBe(true);
      await clock.advance(COOLDOWN_MS - 10_000);
      await expect(gate.admit('a@example.com', '192.0.2.3')).resolves.toBe(false);
      await clock.advance(10_000);
      await expect(gate.admit('a@example.com', '192.0.2.3')).resolves.toBe(true);
    });

    it('admits exactly one of many concurrent requests for one email', async () => {
      const admitted = await Promise.all(
        Array.from({ length: 20 }, (_, i) => gate.admit('race@example.com', `192.0.2.${i}`)),
      );
      expect(admitted.filter(Boolean)).toHaveLength(1);
    });

    it('caps the mail one address causes to one email per window, not what others cause', async () => {
      for (let i = 0; i < 3; i += 1) {
        await expect(gate.admit('a@example.com', '192.0.2.1')).resolves.toBe(true);
        await clock.advance(COOLDOWN_MS);
      }
      await expect(gate.admit('a@example.com', '192.0.2.1')).resolves.toBe(false);
      await expect(gate.admit('a@example.com', '192.0.2.9')).resolves.toBe(true);
      // The window began with the first mail from 192.0.2.1, 3 cooldowns ago.
      await clock.advance(WINDOW_MS - 3 * COOLDOWN_MS);
      await expect(gate.admit('a@example.com', '192.0.2.1')).resolves.toBe(true);
    });

    it('without a cooldown, admits exactly the cap of many concurrent requests from one address', async () => {
      const admitted = await Promise.all(
        Array.from({ length: 10 }, () => open.admit('c@example.com', '192.0.2.1')),
      );
      expect(admitted.filter(Boolean)).toHaveLength(3);
      await expect(open.admit('c@example.com', '192.0.2.2')).resolves.toBe(true);
    });

    it('does not count a refused request against the address', async () => {
      await expect(gate.admit('d@example.com', '192.0.2.1')).resolves.toBe(true);
      // Refused by the cooldown: nothing is counted for 192.0.2.1.
      for (let i = 0; i < 5; i += 1)
        await expect(gate.admit('d@example.com', '192.0.2.1')).resolves.toBe(false);
      for (let i = 0; i < 2; i += 1) {
        await clock.advance(COOLDOWN_MS);
        await expect(gate.admit('d@example.com', '192.0.2.1')).resolves.toBe(true);
      }
    });
  },
);
