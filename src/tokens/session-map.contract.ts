import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../state/key-value.store';
import { scriptContract, type TestClock } from '../state/script-contract.fixture';
import { createSession, listSessions, rotateSession } from './refresh-session.scripts';
import {
  RefreshSessionStore,
  SESSIONS_PER_USER,
  type IssuedRefreshToken,
} from './refresh-session.store';
import type { RefreshTokenCodec, RefreshTokenParts } from './refresh-token';
import { testRefreshTokenCodec } from './refresh-token-codec.fixture';
import { tokenKeys } from './token-keys';

const HOUR = 3_600_000;
const origin = { userAgent: 'test-agent', ip: '203.0.113.9' };

/**
 * What the session map keeps and for how long (session-record.ts): bounded fields, the removal
 * of sessions no longer live, the per-user limit, the key's expiry, unreadable records. The
 * rotation rules are in refresh-session.store.contract.ts. Held against memory and Redis.
 */
export const sessionMapContract = scriptContract(
  'The session map',
  [createSession.name, listSessions.name, rotateSession.name],
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
    const open = async (userId: string, now = clock.now()): Promise<IssuedRefreshToken> => {
      const issued = await sessions.create(userId, 0, HOUR, origin, now);
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

    it('keeps a bounded user agent and an address without the record separator', async () => {
      const userId = randomUUID();
      const userAgent = `Mozilla/5.0 |${'x'.repeat(400)}`;
      const issued = await sessions.create(userId, 0, HOUR, { userAgent, ip: '10.0.0.1|x' });
      expect(issued?.session).toMatchObject({
        userAgent: userAgent.slice(0, 256),
        ip: '10.0.0.1x',
      });
      const [listed] = await sessions.list(userId);
      expect(listed).toMatchObject({ userAgent: userAgent.slice(0, 256), ip: '10.0.0.1x' });
    });

    it('keeps a session without a user agent or address', async () => {
      const userId = randomUUID();
      await sessions.create(userId, 0, HOUR, { userAgent: null, ip: null });
      const [listed] = await sessions.list(userId);
      expect(listed).toMatchObject({ userAgent: null, ip: null });
    });

    it('removes the sessions that are no longer live when the next one opens', async () => {
      const userId = randomUUID();
      const start = clock.now();
      const old = await open(userId, start);
      await sessions.create(userId, 0, 3 * HOUR, origin, start + HOUR + 1);
      // The expired session is gone from the store, not merely hidden: back at its own time,
      // the list would still show it otherwise.
      const listed = await sessions.list(userId, start + 1);
      expect(listed.map((s) => s.id)).not.toContain(old.session.id);
      expect(listed).toHaveLength(1);
    });

    it('keeps at most SESSIONS_PER_USER, ending the least recently used first', async () => {
      const userId = randomUUID();
      const start = clock.now();
      const opened: IssuedRefreshToken[] = [];
      for (let i = 0; i < SESSIONS_PER_USER; i += 1) opened.push(await open(userId, start + i));
      // The first one opened is used again: the second is now the least recently used.
      const again = await rotated(opened[0].token, start + SESSIONS_PER_USER);
      const newest = await open(userId, start + SESSIONS_PER_USER + 1);
      const ids = (await sessions.list(userId, start + SESSIONS_PER_USER + 2)).map((s) => s.id);
      expect(ids).toHaveLength(SESSIONS_PER_USER);
      expect(ids).not.toContain(opened[1].session.id);
      expect(ids).toEqual(expect.arrayContaining([opened[0].session.id, newest.session.id]));
      await expect(sessions.rotate(parts(opened[1].token), 10_000)).resolves.toEqual({
        result: 'missing',
      });
      expect(parts(again).sessionId).toBe(opened[0].session.id);
    });

    it('treats a record it cannot read as no session, and drops it', async () => {
      const userId = randomUUID();
      const { session } = await open(userId);
      const key = tokenKeys.sessions(userId);
      const bad = ['1|0|abc||', '|1e3|1e3|1e3|1.2.3.4|ua'].join('');
      await store.set(key, `\n${session.id}|${bad}`, HOUR);
      await expect(sessions.list(userId)).resolves.toEqual([]);
      await expect(store.pttl(key)).resolves.toBe(-2);
    });

    it("lets the user's sessions expire with the last of them", async () => {
      const userId = randomUUID();
      await sessions.create(userId, 0, HOUR, origin);
      await sessions.create(userId, 0, 2 * HOUR, origin);
      const ttl = await store.pttl(tokenKeys.sessions(userId));
      expect(ttl).toBeGreaterThan(HOUR);
      expect(ttl).toBeLessThanOrEqual(2 * HOUR);
      await clock.advance(2 * HOUR);
      await expect(store.pttl(tokenKeys.sessions(userId))).resolves.toBe(-2);
    });
  },
);
