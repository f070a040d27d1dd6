import { setTimeout as delay } from 'node:timers/promises';

/** Polls until `check` passes or the deadline comes; returns the last result either way. */
export async function eventually<T>(
  probe: () => Promise<T>,
  passes: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!passes(value) && Date.now() < deadline) {
    await delay(intervalMs);
    value = await probe();
  }
  return value;
}
