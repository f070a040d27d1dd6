import { randomUUID } from 'node:crypto';
import { scriptContract, type TestClock } from '../state/script-contract.fixture';
import { LIVE_TOKENS, OneTimeTokenStore, type TokenPurpose } from './one-time-token.store';

const TTL_SECONDS = 1800;

/**
 * The rules of single-use tokens: at most LIVE_TOKENS[purpose] live per user and purpose (a
 * newer one ends the oldest), each used at most once and its use ending the others, gone at its
 * TTL, revocable. Held against memory and Redis.
 */
export const oneTimeTokenStoreContract = scriptContract(
  'OneTimeTokenStore',
  ['one-time-token-issue', 'one-time-token-consume', 'one-time-token-revoke'],
  (current) => {
    let tokens: OneTimeTokenStore;
    let clock: TestClock;
    beforeEach(() => {
      const made = current();
      tokens = new OneTimeTokenStore(made.store);
      clock = made.clock;
    });

    it('answers the user for its token once, then never again', async () => {
      const userId = randomUUID();
      const token = await tokens.issue('password-reset', userId, TTL_SECONDS);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      await expect(tokens.peek('password-reset', token)).resolves.toBe(userId);
      await expect(tokens.peek('password-reset', token)).resolves.toBe(userId);
      await expect(tokens.consume('password-reset', token)).resolves.toBe(userId);
      await expect(tokens.consume('password-reset', token)).resolves.toBeNull();
      await expect(tokens.peek('password-reset', token)).resolves.toBeNull();
      // Using it up cleared the user's pointer too: there is nothing left to revoke.
      await expect(tokens.revoke('password-reset', userId)).resolves.toBe(false);
    });

    it('lets exactly one of many concurrent uses of one token succeed', async () => {
      const userId = randomUUID();
      const token = await tokens.issue('password-reset', userId, TTL_SECONDS);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => tokens.consume('password-reset', token)),
      );
      expect(outcomes.filter((outcome) => outcome === userId)).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === null)).toHaveLength(19);
    });

    it.each(Object.entries(LIVE_TOKENS) as [TokenPurpose, number][])(
      'keeps the newest tokens of %s working, %i of them, and a use ends the others',
      async (purpose, live) => {
        const userId = randomUUID();
        const issued: string[] = [];
        for (let i = 0; i <= live; i += 1) issued.push(await tokens.issue(purpose, userId, 60));
        const [oldest, ...newest] = issued;
        await expect(tokens.peek(purpose, oldest)).resolves.toBeNull();
        for (const token of newest) await expect(tokens.peek(purpose, token)).resolves.toBe(userId);
        await expect(tokens.consume(purpose, newest[newest.length - 1])).resolves.toBe(userId);
        for (const token of issued)
          await expect(tokens.consume(purpose, token)).resolves.toBeNull();
        await expect(tokens.revoke(purpose, userId)).resolves.toBe(false);
      },
    );

    it('ends every live token of the user on revoke', async () => {
      const userId = randomUUID();
      const first = await tokens.issue('password-reset', userId, TTL_SECONDS);
      const second = await tokens.issue('password-reset', userId, TTL_SECONDS);
      await expect(tokens.revoke('password-reset', userId)).resolves.toBe(true);
      await expect(tokens.consume('password-reset', first)).resolves.toBeNull();
      await expect(tokens.consume('password-reset', second)).resolves.toBeNull();
    });

    it('keeps users and purposes apart', async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      const reset = await tokens.issue('password-reset', alice, TTL_SECONDS);
      const verify = await tokens.issue('email-verify', alice, TTL_SECONDS);
      const bobs = await tokens.issue('password-reset', bob, TTL_SECONDS);
      await expect(tokens.consume('email-verify', reset)).resolves.toBeNull();
      await expect(tokens.revoke('email-verify', alice)).resolves.toBe(true);
      await expect(tokens.consume('email-verify', verify)).resolves.toBeNull();
      await expect(tokens.consume('password-reset', reset)).resolves.toBe(alice);
      await expect(tokens.consume('password-reset', bobs)).resolves.toBe(bob);
    });

    it('ends the live token on revoke, and answers whether there was one', async () => {
      const userId = randomUUID();
      const token = await tokens.issue('password-reset', userId, TTL_SECONDS);
      await expect(tokens.revoke('password-reset', userId)).resolves.toBe(true);
      await expect(tokens.peek('password-reset', token)).resolves.toBeNull();
      await expect(tokens.consume('password-reset', token)).resolves.toBeNull();
      await expect(tokens.revoke('password-reset', userId)).resolves.toBe(false);
    });

    it('works until its TTL runs out, and not after', async () => {
      const userId = randomUUID();
      const token = await tokens.issue('password-reset', userId, TTL_SECONDS);
      await clock.advance(TTL_SECONDS * 1000 - 10_000);
      await expect(tokens.peek('password-reset', token)).resolves.toBe(userId);
      await clock.advance(10_000);
      await expect(tokens.consume('password-reset', token)).resolves.toBeNull();
      await expect(tokens.revoke('password-reset', userId)).resolves.toBe(false);
    });

    it('refuses malformed tokens without a lookup', async () => {
      for (const token of ['', 'short', `${'a'.repeat(42)}=`, 'a'.repeat(44)]) {
        await expect(tokens.peek('password-reset', token)).resolves.toBeNull();
        await expect(tokens.consume('password-reset', token)).resolves.toBeNull();
      }
    });
  },
);
