import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waiting, as an input: the service waits through this (the login delay), so a test can see
 * what was asked for and decide when the wait ends, instead of measuring the machine's clock.
 */
export abstract class Sleeper {
  abstract sleep(ms: number): Promise<void>;
}

/** A timer, never a busy wait: other requests run meanwhile. */
export class TimerSleeper extends Sleeper {
  async sleep(ms: number): Promise<void> {
    await sleep(ms);
  }
}
