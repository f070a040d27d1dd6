/**
 * The time, as an input: what the memory store expires keys by (the throttler's windows, single
 * use tokens), so that a test can move it instead of waiting for it.
 */
export abstract class Clock {
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}
