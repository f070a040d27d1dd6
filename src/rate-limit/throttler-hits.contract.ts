import { scriptContract } from '../state/script-contract.fixture';
import { ThrottlerHitsStorage } from './throttler-hits.storage';

/**
 * The throttler's fixed window: hits counted atomically from the first one, the hit past the
 * limit blocking the counter for the block duration, a new start once the block has run out.
 * Held against memory and Redis.
 */
export const throttlerHitsContract = scriptContract(
  'ThrottlerHitsStorage',
  ['throttler-hit'],
  (current) => {
    const TTL = 60_000;
    const BLOCK = 120_000;
    let storage: ThrottlerHitsStorage;
    let advance: (ms: number) => Promise<void>;
    beforeEach(() => {
      const made = current();
      storage = new ThrottlerHitsStorage(made.store);
      advance = (ms) => made.clock.advance(ms);
    });
    const hit = (limit = 3, key = 'client-1', name = 'contract') =>
      storage.increment(key, TTL, limit, BLOCK, name);

    it('counts every one of many concurrent hits exactly once', async () => {
      const records = await Promise.all(Array.from({ length: 20 }, () => hit(100)));
      expect(records.map((r) => r.totalHits).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(records.every((r) => !r.isBlocked && r.timeToExpire === 60)).toBe(true);
    });

    it('blocks the hit past the limit for the block duration, and says how long is left', async () => {
      for (let i = 1; i <= 3; i += 1)
        expect(await hit()).toEqual({
          totalHits: i,
          timeToExpire: 60,
          isBlocked: false,
          timeToBlockExpire: 0,
        });
      expect(await hit()).toEqual({
        totalHits: 4,
        timeToExpire: 60,
        isBlocked: true,
        timeToBlockExpire: 120,
      });
      await advance(30_000);
      expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 90 });
    });

    it('starts a new window when the first one ends, and counts names and keys apart', async () => {
      await hit();
      await hit();
      expect(await hit(3, 'client-2')).toMatchObject({ totalHits: 1 });
      expect(await hit(3, 'client-1', 'other')).toMatchObject({ totalHits: 1 });
      await advance(40_000);
      expect(await hit()).toMatchObject({ totalHits: 3, timeToExpire: 20 });
      await advance(20_000);
      expect(await hit()).toEqual({
        totalHits: 1,
        timeToExpire: 60,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
    });

    it('counts from one again once a block has run out', async () => {
      for (let i = 0; i < 4; i += 1) await hit();
      await advance(BLOCK);
      const after = await hit();
      expect(after.isBlocked).toBe(false);
      expect(after.totalHits).toBe(1);
    });
  },
);
