import { randomUUID } from 'node:crypto';
import { scriptContract, type TestClock } from '../state/script-contract.fixture';
import type { KeyValueStore } from '../state/key-value.store';
import { RefreshSessionStore } from './refresh-session.store';
import { testRefreshTokenCodec } from './refresh-token-codec.fixture';
import { accessTokenRevoked, RevocationStore, type AccessTokenRef } from './revocation.store';
import { tokenKeys } from './token-keys';

const MINUTE = 60_000;

/** The per-request revocation check, against the memory store and Redis alike. */
export const revocationStoreContract = scriptContract(
  'RevocationStore',
  [accessTokenRevoked.name],
  (current) => {
    let store: KeyValueStore;
    let clock: TestClock;
    let sessions: RefreshSessionStore;
    let revocations: RevocationStore;

    beforeEach(async () => {
      ({ store, clock } = current());
      sessions = new RefreshSessionStore(store, await testRefreshTokenCodec());
      revocations = new RevocationStore(store);
    });

    async function tokenOfNewSession(userId: string, now = clock.now()): Promise<AccessTokenRef> {
      const issued = await sessions.create(
        userId,
        await sessions.generation(userId),
        MINUTE,
        { userAgent: null, ip: null },
        now,
      );
      if (issued === null) throw new Error('the session was refused');
      const iat = Math.floor(now / 1000);
      return { userId, sessionId: issued.session.id, jti: randomUUID(), iat, exp: iat + 900 };
    }

    it('admits a token of a live session of the current generation', async () => {
      await expect(revocations.isRevoked(await tokenOfNewSession(randomUUID()))).resolves.toBe(
        false,
      );
    });

    it('refuses a denied jti, and a token whose session ended', async () => {
      const denied = await tokenOfNewSession(randomUUID());
      await revocations.deny(denied, clock.now());
      await expect(revocations.isRevoked(denied)).resolves.toBe(true);
      const ended = await tokenOfNewSession(randomUUID());
      await sessions.end(ended.userId, ended.sessionId);
      await expect(revocations.isRevoked(ended)).resolves.toBe(true);
    });

    it('refuses a token whose session reached its end, though the user has others', async () => {
      const start = clock.now();
      const token = await tokenOfNewSession(randomUUID(), start);
      const origin = { userAgent: null, ip: null };
      await sessions.create(token.userId, 0, 10 * MINUTE, origin, start);
      await expect(revocations.isRevoked(token, start + MINUTE - 1)).resolves.toBe(false);
      await expect(revocations.isRevoked(token, start + MINUTE)).resolves.toBe(true);
    });

    it('refuses a token of an unknown session of a user with sessions', async () => {
      const token = await tokenOfNewSession(randomUUID());
      await expect(revocations.isRevoked({ ...token, sessionId: 'x'.repeat(22) })).resolves.toBe(
        true,
      );
    });

    it('refuses a token whose session belongs to an earlier generation', async () => {
      const token = await tokenOfNewSession(randomUUID());
      // Even if the session were still there, its generation is no longer the user's.
      await store.set(tokenKeys.generation(token.userId), '1');
      await expect(revocations.isRevoked(token)).resolves.toBe(true);
    });

    it('keeps admitting the session a new generation keeps', async () => {
      const token = await tokenOfNewSession(randomUUID());
      const other = await tokenOfNewSession(token.userId);
      await sessions.newGeneration(token.userId, token.sessionId);
      await expect(revocations.isRevoked(token)).resolves.toBe(false);
      await expect(revocations.isRevoked(other)).resolves.toBe(true);
    });
  },
);
