import type { AppConfig } from '../../config/app-config';
import { MemoryKeyValueStore } from '../../state/memory-key-value.store';
import { ResetMailGate } from './reset-mail-gate';

describe('ResetMailGate', () => {
  let now: number;
  let store: MemoryKeyValueStore;
  let gate: ResetMailGate;
  const COOLDOWN_MS = 120_000;

  beforeEach(() => {
    now = 5_000_000;
    store = new MemoryKeyValueStore(() => now);
    const throttle = { forgotCooldown: 120, forgotLimit: 3, forgotTtl: 3600 };
    gate = new ResetMailGate(store, { throttle } as unknown as AppConfig);
  });
  afterEach(() => store.close());

  it('sends one mail per email per cooldown, whoever asks', async () => {
    expect(await gate.admit('a@example.com', '192.0.2.1')).toBe(true);
    expect(await gate.admit('a@example.com', '192.0.2.2')).toBe(false);
    expect(await gate.admit('b@example.com', '192.0.2.1')).toBe(true);
    now += COOLDOWN_MS - 1;
    expect(await gate.admit('a@example.com', '192.0.2.3')).toBe(false);
    now += 1;
    expect(await gate.admit('a@example.com', '192.0.2.3')).toBe(true);
  });

  it('caps the mail one address can cause to one email, not what others can', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect(await gate.admit('a@example.com', '192.0.2.1')).toBe(true);
      now += COOLDOWN_MS;
    }
    expect(await gate.admit('a@example.com', '192.0.2.1')).toBe(false);
    expect(await gate.admit('a@example.com', '192.0.2.9')).toBe(true); // the owner's address
    now += 3600_000;
    expect(await gate.admit('a@example.com', '192.0.2.1')).toBe(true);
  });

  it('never leaves the owner more than one cooldown without a fresh link', async () => {
    // Attackers on 50 addresses ask every 7 seconds for two hours; the owner every 13 minutes.
    const mails: number[] = [];
    const refusedOwner: number[] = [];
    const end = now + 2 * 3600_000;
    let tick = 0;
    while (now < end) {
      const attacker = `203.0.113.${tick % 50}`;
      if (tick % 7 === 0 && (await gate.admit('victim@example.com', attacker))) mails.push(now);
      if (tick % 780 === 0) {
        if (await gate.admit('victim@example.com', '192.0.2.200')) mails.push(now);
        else refusedOwner.push(now);
      }
      now += 1000;
      tick += 1;
    }
    expect(refusedOwner.length).toBeGreaterThan(0);
    // Every refusal of the owner falls within one cooldown after a mail to their mailbox.
    for (const at of refusedOwner)
      expect(mails.some((sent) => sent <= at && at - sent < COOLDOWN_MS)).toBe(true);
    // And never more than one mail per cooldown reached the mailbox.
    for (let i = 1; i < mails.length; i += 1)
      expect(mails[i] - mails[i - 1]).toBeGreaterThanOrEqual(COOLDOWN_MS);
  });

  it('with a cooldown of 0, sends every time within the per-address cap', async () => {
    const throttle = { forgotCooldown: 0, forgotLimit: 2, forgotTtl: 3600 };
    const open = new ResetMailGate(store, { throttle } as unknown as AppConfig);
    expect(await open.admit('c@example.com', '192.0.2.1')).toBe(true);
    expect(await open.admit('c@example.com', '192.0.2.1')).toBe(true);
    expect(await open.admit('c@example.com', '192.0.2.1')).toBe(false);
  });
});
