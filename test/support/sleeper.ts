import { Sleeper } from '../../src/common/time/sleeper';

/**
 * A Sleeper a test controls: it records every wait the service asks for, and ends a wait only
 * when the test says so (`release()`), or at once while `immediate` is set. No assertion then
 * depends on how fast the machine is.
 */
export class ControlledSleeper extends Sleeper {
  readonly requested: number[] = [];
  immediate = true;
  private readonly held: (() => void)[] = [];

  sleep(ms: number): Promise<void> {
    this.requested.push(ms);
    if (this.immediate) return Promise.resolve();
    return new Promise((resolve) => this.held.push(resolve));
  }

  /** How many waits have not ended yet. */
  get waiting(): number {
    return this.held.length;
  }

  /** Ends every wait in progress. */
  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }
}
