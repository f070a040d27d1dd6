import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../state/key-value.store';
import { scriptContract, type TestClock } from '../state/script-contract.fixture';
import { writeLegacy } from './legacy-sessions.fixture';
import {
  createSession,
  endSession,
  endSessionByToken,
  listSessions,
  rotateSession,
  startNewGeneration,
} from './refresh-session.scripts';
import { RefreshSessionStore } from './refresh-session.store';
import type { RefreshTokenCodec, RefreshTokenParts } from './refresh-token';
import { testRefreshTokenCodec } from './refresh-token-codec.fixture';
import { accessTokenRevoked, RevocationStore } from './revocation.store';
import { tokenKeys } from './token-keys';

const HOUR = 3_600_000;

/**
 * Sessions stored before the session map (session-record.ts → legacy) keep working after an
 * upgrade: every script moves them into the map first, with their tokens, ends and generation.
 */
export const legacySessionsContract = scriptContract(
  'Sessions of the earlier layout',
  [
    createSession.name,
    rotateSession.name,
    endSessionByToken.name,
    endSession.name,
    startNewGeneration.name,
    listSessions.name,
    accessTokenRevoked.name,
  ],
  (current) => {
    let store: KeyValueStore;
    let clock: TestClock;
    let codec: RefreshTokenCodec;
    let sessions: RefreshSessionStore;
    let revocations: RevocationStore;
    const parts = (token: string): RefreshTokenParts => {
      const parsed = codec.parse(token);
      if (parsed === null) throw new Error('a token its codec refuses');
      return parsed;
    };
    const legacy = (userId: string, gen?: number) =>
      writeLegacy(store, codec, userId, { now: clock.now(), ttlMs: HOUR, gen });
    const accessToken = (userId: string, sessionId: string) => {
      const iat = Math.floor(clock.now() / 1000);
      return { userId, sessionId, jti: randomUUID(), iat, exp: iat + 900 };
    };

    beforeAll(async () => {
      codec = await testRefreshTokenCodec();
    });
    beforeEach(() => {
      ({ store, clock } = current());
      sessions = new RefreshSessionStore(store, codec);
      revocations = new RevocationStore(store);
    });

    it('lists them with where they came from, and removes the earlier keys', async () => {
      const userId = randomUUID();
      const now = clock.now();
      const { sessionId } = await legacy(userId);
      await expect(sessions.list(userId, now)).resolves.toEqual([
        {
          id: sessionId,
          userId,
          createdAt: new Date(now),
          lastUsedAt: new Date(now),
          expiresAt: new Date(now + HOUR),
          userAgent: 'legacy-agent',
          ip: '198.51.100.7',
        },
      ]);
      await expect(store.get(tokenKeys.legacySession(userId, sessionId))).resolves.toBeNull();
      await expect(store.pttl(tokenKeys.legacySessionIndex(userId))).resolves.toBe(-2);
      const ttl = await store.pttl(tokenKeys.sessions(userId));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(HOUR);
    });

    it('rotates the token handed out before the upgrade, then its successor', async () => {
      const userId = randomUUID();
      const { token, sessionId } = await legacy(userId);
      const first = await sessions.rotate(parts(token), 10_000);
      if (first.result !== 'rotated') throw new Error(`expected a rotation, got ${first.result}`);
      expect(first.issued.session).toMatchObject({ id: sessionId, userId });
      await expect(sessions.rotate(parts(first.issued.token), 10_000)).resolves.toMatchObject({
        result: 'rotated',
      });
    });

    it('admits the access tokens of a live one, and refuses them once it ended', async () => {
      const userId = randomUUID();
      const { sessionId } = await legacy(userId);
      const token = accessToken(userId, sessionId);
      await expect(revocations.isRevoked(token)).resolves.toBe(false);
      await expect(sessions.end(userId, sessionId)).resolves.toBe(true);
      await expect(revocations.isRevoked(token)).resolves.toBe(true);
    });

    it('ends one by its token, telling which', async () => {
      const userId = randomUUID();
      const { token } = await legacy(userId);
      await expect(sessions.endByToken(parts(token))).resolves.toBe('current');
      await expect(sessions.list(userId)).resolves.toEqual([]);
    });

    it('ends them all with a new generation, keeping the one asked for', async () => {
      const userId = randomUUID();
      const mine = await legacy(userId);
      await legacy(userId);
      await legacy(userId);
      await expect(sessions.newGeneration(userId, mine.sessionId)).resolves.toEqual({
        ended: 2,
        kept: true,
      });
      expect((await sessions.list(userId)).map((s) => s.id)).toEqual([mine.sessionId]);
      await expect(sessions.rotate(parts(mine.token), 10_000)).resolves.toMatchObject({
        result: 'rotated',
      });
    });

    it('keeps them next to sessions opened after the upgrade', async () => {
      const userId = randomUUID();
      const before = await legacy(userId);
      const after = await sessions.create(userId, 0, HOUR, { userAgent: null, ip: null });
      const ids = (await sessions.list(userId)).map((s) => s.id).sort();
      expect(ids).toEqual([before.sessionId, after?.session.id].sort());
    });

    it('never bring back a session of an earlier generation', async () => {
      const userId = randomUUID();
      await sessions.newGeneration(userId);
      const stale = await legacy(userId, 0);
      await expect(sessions.rotate(parts(stale.token), 10_000)).resolves.toEqual({
        result: 'missing',
      });
      await expect(revocations.isRevoked(accessToken(userId, stale.sessionId))).resolves.toBe(true);
      await expect(sessions.list(userId)).resolves.toEqual([]);
    });
  },
);
