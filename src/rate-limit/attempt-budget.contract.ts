import { scriptContract, type TestClock } from '../state/script-contract.fixture';
import { AttemptBudget } from './attempt-budget';
import { RateLimitedError } from './rate-limited.error';

/**
 * The rules of an attempt budget: at most `limit` slots per window whatever the concurrency, a
 * refusal that neither extends nor shortens the window, refunds that give one slot back within
 * the same window only. Held against memory and Redis.
 */
export const attemptBudgetContract = scriptContract(
  'AttemptBudget',
  ['attempt-budget-reserve', 'attempt-budget-refund'],
  (current) => {
    let budget: AttemptBudget;
    let clock: TestClock;
    let limit: { name: string; key: string; limit: number; ttlSeconds: number };
    beforeEach(() => {
      const made = current();
      budget = new AttemptBudget(made.store);
      clock = made.clock;
      limit = { name: 'contract', key: 'user-1', limit: 5, ttlSeconds: 900 };
    });

    const refusal = async (): Promise<RateLimitedError> => {
      const error: unknown = await budget.reserve(limit).then(
        () => new Error('the slot was granted'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RateLimitedError);
      return error as RateLimitedError;
    };

    it('grants exactly `limit` of many concurrent reservations', async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, () => budget.reserve(limit)),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
      const refused = outcomes.filter((o) => o.status === 'rejected');
      expect(refused).toHaveLength(15);
      for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(RateLimitedError);
    });

    it('refuses with the headers of a 429 until the window that began with the first slot ends', async () => {
      for (let i = 0; i < 5; i += 1) await budget.reserve(limit);
      await clock.advance(100_000);
      expect((await refusal()).headers).toEqual({
        'ratelimit-limit': '5',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '800',
        'retry-after': '800',
      });
      // A refusal counts nothing: the window still ends 900 s after its first slot.
      await clock.advance(790_000);
      await refusal();
      await clock.advance(10_000);
      for (let i = 0; i < 5; i += 1) await budget.reserve(limit);
      await refusal();
    });

    it('gives a refunded slot back within its window', async () => {
      const first = await budget.reserve(limit);
      for (let i = 0; i < 4; i += 1) await budget.reserve(limit);
      await refusal();
      await budget.refund(first);
      await budget.reserve(limit);
      await refusal();
    });

    it('does not refund into a window that ended meanwhile', async () => {
      const stale = await budget.reserve(limit);
      await clock.advance(900_000);
      await budget.refund(stale);
      for (let i = 0; i < 5; i += 1) await budget.reserve(limit);
      await refusal();
    });

    it('keeps budgets apart by key and by name', async () => {
      for (let i = 0; i < 5; i += 1) await budget.reserve(limit);
      await refusal();
      await budget.reserve({ ...limit, key: 'user-2' });
      await budget.reserve({ ...limit, name: 'other' });
    });
  },
);
