import { DependencyUnavailableError } from '../common/errors/dependency-unavailable.error';
import type { KeyValueStore } from '../state/key-value.store';
import { MemoryKeyValueStore } from '../state/memory-key-value.store';
import { AttemptBudget } from './attempt-budget';
import { RateLimitedError } from './rate-limited.error';

describe('AttemptBudget', () => {
  let now: number;
  let store: MemoryKeyValueStore;
  let budget: AttemptBudget;
  const limit = { name: 'test', key: 'user-1', limit: 3, ttlSeconds: 900 };

  beforeEach(() => {
    now = 1_000_000;
    store = new MemoryKeyValueStore(() => now);
    budget = new AttemptBudget(store);
  });
  afterEach(() => store.close());

  const refusal = async (): Promise<RateLimitedError> => {
    const error: unknown = await budget.reserve(limit).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    return error as RateLimitedError;
  };

  it('refuses the slot after the limit, with the headers of a 429, until the window ends', async () => {
    for (let i = 0; i < 3; i += 1) await budget.reserve(limit);
    now += 100_000;
    const error = await refusal();
    expect(error.headers).toEqual({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '800',
      'retry-after': '800',
    });
    now += 799_999;
    await refusal(); // a refusal does not extend the window, nor end it early
    now += 1;
    await budget.reserve(limit);
  });

  it('gives a refunded slot back, and only once per reservation', async () => {
    const first = await budget.reserve(limit);
    await budget.reserve(limit);
    await budget.refund(first);
    await budget.reserve(limit);
    await budget.reserve(limit);
    await refusal();
  });

  it('keeps separate budgets per key and per name', async () => {
    for (let i = 0; i < 3; i += 1) await budget.reserve(limit);
    await budget.reserve({ ...limit, key: 'user-2' });
    await budget.reserve({ ...limit, name: 'other' });
  });

  it('does not refund into a window that has ended meanwhile', async () => {
    const stale = await budget.reserve(limit);
    now += 900_000;
    await budget.refund(stale);
    for (let i = 0; i < 3; i += 1) await budget.reserve(limit);
    await refusal();
  });

  it('fails closed when the store is down', async () => {
    const down = {
      run: () => Promise.reject(new DependencyUnavailableError('redis')),
    } as unknown as KeyValueStore;
    await expect(new AttemptBudget(down).reserve(limit)).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });
});
