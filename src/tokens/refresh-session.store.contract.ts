import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../state/key-value.store';
import { scriptContract, type TestClock } from '../state/script-contract.fixture';
import {
  createSession,
  endSession,
  endSessionByToken,
  listSessions,
  rotateSession,
  startNewGeneration,
} from './refresh-session.scripts';
import { RefreshSessionStore, type IssuedRefreshToken } from './refresh-session.store';
import type { RefreshTokenCodec, RefreshTokenParts } from './refresh-token';
import { testRefreshTokenCodec } from './refresh-token-codec.fixture';
import { tokenKeys } from './token-keys';

const HOUR = 3_600_000;
const origin = { userAgent: 'test-agent', ip: '203.0.113.9' };

/**
 * The rules of refresh sessions (docs/auth.md → Refresh tokens and sessions), held against the memory store and
 * Redis alike: their atomic scripts are written twice and must agree.
 */
export const refreshSessionStoreContract = scriptContract(
  'RefreshSessionStore',
  [
    createSession.name,
    rotateSession.name,
    endSessionByToken.name,
    endSession.name,
    startNewGeneration.name,
    listSessions.name,
  ],
  (current) => {
    let store: KeyValueStore;
    let clock: TestClock;
    let codec: RefreshTokenCodec;
    let sessions: RefreshSessionStore;
    const parts = (token: string): RefreshTokenParts => {
      const parsed = codec.parse(token);
      if (parsed === null) throw new Error('the store minted a token its codec refuses');
      return parsed;
    };
    /** Opens a session under the user's current generation; fails the test when refused. */
    const open = async (userId: string, now = clock.now()): Promise<IssuedRefreshToken> => {
      const issued = await sessions.create(
        userId,
        await sessions.generation(userId),
        HOUR,
        origin,
        now,
      );
      if (issued === null) throw new Error('the session was refused');
      return issued;
    };
    const rotated = async (token: string, now = clock.now()): Promise<string> => {
      const rotation = await sessions.rotate(parts(token), 10_000, now);
      if (rotation.result !== 'rotated')
        throw new Error(`expected a rotation, got ${rotation.result}`);
      return rotation.issued.token;
    };

    beforeAll(async () => {
      codec = await testRefreshTokenCodec();
    });
    beforeEach(() => {
      ({ store, clock } = current());
      sessions = new RefreshSessionStore(store, codec);
    });

    it('opens a session that lists with where it came from', async () => {
      const userId = randomUUID();
      const now = clock.now();
      const { token, session } = await open(userId, now);
      expect(parts(token)).toMatchObject({ userId, sessionId: session.id });
      const [listed] = await sessions.list(userId);
      expect(listed).toEqual({
        id: session.id,
        userId,
        createdAt: new Date(now),
        lastUsedAt: new Date(now),
        expiresAt: new Date(now + HOUR),
        userAgent: 'test-agent',
        ip: '203.0.113.9',
      });
    });

    it('rotates the current token, keeping the absolute end', async () => {
      const userId = randomUUID();
      const start = clock.now();
      const first = await open(userId, start);
      const rotation = await sessions.rotate(parts(first.token), 10_000, start + 1_000);
      if (rotation.result !== 'rotated')
        throw new Error(`expected a rotation, got ${rotation.result}`);
      expect(rotation.issued.token).not.toBe(first.token);
      expect(rotation.issued.session.expiresAt).toEqual(new Date(start + HOUR));
      expect(rotation.issued.session.lastUsedAt).toEqual(new Date(start + 1_000));
    });

    it('answers the previous token within the grace window with "grace", leaving the session', async () => {
      const userId = randomUUID();
      const start = clock.now();
      const first = await open(userId, start);
      const second = await rotated(first.token, start);
      await expect(sessions.rotate(parts(first.token), 10_000, start + 5_000)).resolves.toEqual({
        result: 'grace',
      });
      await expect(sessions.rotate(parts(second), 10_000, start + 6_000)).resolves.toMatchObject({
        result: 'rotated',
      });
    });

    it('treats the previous token after the grace window as reuse and ends the session', async () => {
      const userId = randomUUID();
      const start = clock.now();
      const first = await open(userId, start);
      const second = await rotated(first.token, start);
      await expect(sessions.rotate(parts(first.token), 10_000, start + 10_001)).resolves.toEqual({
        result: 'reuse',
      });
      await expect(sessions.rotate(parts(second), 10_000, start + 10_002)).resolves.toEqual({
        result: 'missing',
      });
      await expect(sessions.list(userId)).resolves.toEqual([]);
    });

    it('lets exactly one of many concurrent rotations of one token win', async () => {
      const userId = randomUUID();
      const { token } = await open(userId);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => sessions.rotate(parts(token), 10_000)),
      );
      expect(outcomes.filter((o) => o.result === 'rotated')).toHaveLength(1);
      expect(outcomes.filter((o) => o.result === 'grace')).toHaveLength(19);
    });

    it('refuses a token after the session has expired', async () => {
      const userId = randomUUID();
      const start = clock.now();
      const { token } = await open(userId, start);
      await expect(sessions.rotate(parts(token), 10_000, start + HOUR + 1)).resolves.toEqual({
        result: 'missing',
      });
    });

    it('ends one session and leaves the others', async () => {
      const userId = randomUUID();
      const a = await open(userId);
      const b = await open(userId);
      await expect(sessions.end(userId, a.session.id)).resolves.toBe(true);
      await expect(sessions.end(userId, a.session.id)).resolves.toBe(false);
      expect((await sessions.list(userId)).map((s) => s.id)).toEqual([b.session.id]);
    });

    describe('credential generations', () => {
      it('start at 0 and go up by one with each new generation', async () => {
        const userId = randomUUID();
        await expect(sessions.generation(userId)).resolves.toBe(0);
        await sessions.newGeneration(userId);
        await sessions.newGeneration(userId);
        await expect(sessions.generation(userId)).resolves.toBe(2);
        // Without expiry: a lost counter would bring earlier generations back.
        await expect(store.pttl(tokenKeys.generation(userId))).resolves.toBe(-1);
      });

      it('end every session of one user and no one else’s', async () => {
        const userId = randomUUID();
        const other = randomUUID();
        const a = await open(userId);
        await open(userId);
        const kept = await open(other);
        await expect(sessions.newGeneration(userId)).resolves.toEqual({ ended: 2, kept: false });
        await expect(sessions.list(userId)).resolves.toEqual([]);
        await expect(sessions.rotate(parts(a.token), 10_000)).resolves.toEqual({
          result: 'missing',
        });
        expect((await sessions.list(other)).map((s) => s.id)).toEqual([kept.session.id]);
      });

      it('refuse to open a session under a generation that is no longer current', async () => {
        const userId = randomUUID();
        const readBefore = await sessions.generation(userId);
        await sessions.newGeneration(userId);
        await expect(sessions.create(userId, readBefore, HOUR, origin)).resolves.toBeNull();
        await expect(sessions.list(userId)).resolves.toEqual([]);
        // A generation read afterwards opens one.
        const now = await sessions.generation(userId);
        await expect(sessions.create(userId, now, HOUR, origin)).resolves.toMatchObject({
          session: { userId },
        });
      });

      it('refuse to rotate, and drop, a session of an earlier generation', async () => {
        const userId = randomUUID();
        const { token } = await open(userId);
        // The counter moved without the session: as a store could only hold if a generation
        // bump had missed it.
        await store.set(tokenKeys.generation(userId), '1');
        await expect(sessions.rotate(parts(token), 10_000)).resolves.toEqual({ result: 'missing' });
        // Dropped, not merely skipped: it stays gone with the counter back where it was.
        await store.set(tokenKeys.generation(userId), '0');
        await expect(sessions.list(userId)).resolves.toEqual([]);
      });

      it('keep one session on request, re-stamped with the new generation and its tokens', async () => {
        const userId = randomUUID();
        const start = clock.now();
        const mine = await open(userId, start);
        const other = await open(userId, start);
        const outcome = await sessions.newGeneration(userId, mine.session.id);
        expect(outcome).toEqual({ ended: 1, kept: true });
        expect((await sessions.list(userId)).map((s) => s.id)).toEqual([mine.session.id]);
        const next = await rotated(mine.token, start + 1_000);
        await expect(sessions.rotate(parts(other.token), 10_000)).resolves.toEqual({
          result: 'missing',
        });
        // The kept session keeps its absolute end.
        const [listed] = await sessions.list(userId);
        expect(listed.expiresAt).toEqual(new Date(start + HOUR));
        expect(parts(next).sessionId).toBe(mine.session.id);
      });

      it('keep nothing when the session to keep is not live', async () => {
        const userId = randomUUID();
        const mine = await open(userId);
        await sessions.end(userId, mine.session.id);
        await expect(sessions.newGeneration(userId, mine.session.id)).resolves.toEqual({
          ended: 0,
          kept: false,
        });
        await expect(sessions.list(userId)).resolves.toEqual([]);
      });
    });

    describe('ending a session by one of its tokens', () => {
      it('ends it with the current token', async () => {
        const userId = randomUUID();
        const { token } = await open(userId);
        await expect(sessions.endByToken(parts(token))).resolves.toBe('current');
        await expect(sessions.list(userId)).resolves.toEqual([]);
      });

      it('ends it with the previous token, inside the grace window too, so its successor dies', async () => {
        const userId = randomUUID();
        const start = clock.now();
        const first = await open(userId, start);
        const second = await rotated(first.token, start);
        // The same millisecond as the rotation: a refresh and a logout racing.
        await expect(sessions.endByToken(parts(first.token), start)).resolves.toBe('previous');
        await expect(sessions.rotate(parts(second), 10_000, start)).resolves.toEqual({
          result: 'missing',
        });
        await expect(sessions.list(userId)).resolves.toEqual([]);
      });

      it('ends it with an older token of the session, answering "older"', async () => {
        const userId = randomUUID();
        const first = await open(userId);
        const second = await rotated(first.token);
        const third = await rotated(second);
        await expect(sessions.endByToken(parts(first.token))).resolves.toBe('older');
        await expect(sessions.rotate(parts(third), 10_000)).resolves.toEqual({
          result: 'missing',
        });
      });

      it('answers "missing" for a session that is gone, or of an earlier generation', async () => {
        const userId = randomUUID();
        const a = await open(userId);
        await sessions.end(userId, a.session.id);
        await expect(sessions.endByToken(parts(a.token))).resolves.toBe('missing');

        const b = await open(userId);
        await store.set(tokenKeys.generation(userId), '1');
        await expect(sessions.endByToken(parts(b.token))).resolves.toBe('missing');
        await store.set(tokenKeys.generation(userId), '0');
        await expect(sessions.list(userId)).resolves.toEqual([]);
      });

      it('leaves no live session or successor, whichever of a refresh and a logout goes first', async () => {
        for (let round = 0; round < 20; round += 1) {
          const userId = randomUUID();
          const first = await open(userId);
          const previous = round % 2 === 1;
          const presented = previous ? await rotated(first.token) : first.token;
          const refreshed = previous ? first.token : presented;
          const [rotation] = await Promise.all([
            round % 4 < 2 ? sessions.rotate(parts(refreshed), 10_000) : Promise.resolve(null),
            sessions.endByToken(parts(presented)),
            round % 4 >= 2 ? sessions.rotate(parts(refreshed), 10_000) : Promise.resolve(null),
          ]);
          if (rotation?.result === 'rotated') {
            await expect(sessions.rotate(parts(rotation.issued.token), 10_000)).resolves.toEqual({
              result: 'missing',
            });
          }
          await expect(sessions.list(userId)).resolves.toEqual([]);
        }
      });
    });
  },
);
