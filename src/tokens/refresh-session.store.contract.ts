import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../redis/key-value.store';
import { RefreshSessionStore } from './refresh-session.store';
import { parseRefreshToken, type RefreshTokenParts } from './refresh-token';

const HOUR = 3_600_000;
const origin = { userAgent: 'test-agent', ip: '203.0.113.9' };

/**
 * The rules of refresh sessions (ARCHITECTURE.md → State), held against the memory store and
 * Redis alike: their atomic scripts are written twice and must agree.
 */
export function refreshSessionStoreContract(
  name: string,
  makeStore: () => Promise<KeyValueStore>,
  cleanup: () => Promise<void>,
): void {
  describe(`RefreshSessionStore contract: ${name}`, () => {
    let sessions: RefreshSessionStore;
    const parts = (token: string): RefreshTokenParts =>
      parseRefreshToken(token) as RefreshTokenParts;

    beforeEach(async () => {
      sessions = new RefreshSessionStore(await makeStore());
    });
    afterAll(cleanup);

    it('opens a session that lists with where it came from', async () => {
      const userId = randomUUID();
      const now = Date.now();
      const { token, session } = await sessions.create(userId, HOUR, origin, now);
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
      const start = Date.now();
      const first = await sessions.create(userId, HOUR, origin, start);
      const rotation = await sessions.rotate(parts(first.token), 10_000, start + 1_000);
      if (rotation.result !== 'rotated')
        throw new Error(`expected a rotation, got ${rotation.result}`);
      expect(rotation.issued.token).not.toBe(first.token);
      expect(rotation.issued.session.expiresAt).toEqual(new Date(start + HOUR));
      expect(rotation.issued.session.lastUsedAt).toEqual(new Date(start + 1_000));
    });

    it('answers the previous token within the grace window with "grace", leaving the session', async () => {
      const userId = randomUUID();
      const start = Date.now();
      const first = await sessions.create(userId, HOUR, origin, start);
      const second = await sessions.rotate(parts(first.token), 10_000, start);
      await expect(sessions.rotate(parts(first.token), 10_000, start + 5_000)).resolves.toEqual({
        result: 'grace',
      });
      if (second.result !== 'rotated') throw new Error('expected a rotation');
      await expect(
        sessions.rotate(parts(second.issued.token), 10_000, start + 6_000),
      ).resolves.toMatchObject({ result: 'rotated' });
    });

    it('treats the previous token after the grace window as reuse and ends the session', async () => {
      const userId = randomUUID();
      const start = Date.now();
      const first = await sessions.create(userId, HOUR, origin, start);
      const second = await sessions.rotate(parts(first.token), 10_000, start);
      await expect(sessions.rotate(parts(first.token), 10_000, start + 10_001)).resolves.toEqual({
        result: 'reuse',
      });
      if (second.result !== 'rotated') throw new Error('expected a rotation');
      await expect(
        sessions.rotate(parts(second.issued.token), 10_000, start + 10_002),
      ).resolves.toEqual({ result: 'missing' });
      await expect(sessions.list(userId)).resolves.toEqual([]);
    });

    it('lets exactly one of many concurrent rotations of one token win', async () => {
      const userId = randomUUID();
      const { token } = await sessions.create(userId, HOUR, origin);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => sessions.rotate(parts(token), 10_000)),
      );
      expect(outcomes.filter((o) => o.result === 'rotated')).toHaveLength(1);
      expect(outcomes.filter((o) => o.result === 'grace')).toHaveLength(19);
    });

    it('refuses a token after the session has expired', async () => {
      const userId = randomUUID();
      const start = Date.now();
      const { token } = await sessions.create(userId, HOUR, origin, start);
      await expect(sessions.rotate(parts(token), 10_000, start + HOUR + 1)).resolves.toEqual({
        result: 'missing',
      });
    });

    it('ends one session and leaves the others', async () => {
      const userId = randomUUID();
      const a = await sessions.create(userId, HOUR, origin);
      const b = await sessions.create(userId, HOUR, origin);
      await expect(sessions.end(userId, a.session.id)).resolves.toBe(true);
      await expect(sessions.end(userId, a.session.id)).resolves.toBe(false);
      expect((await sessions.list(userId)).map((s) => s.id)).toEqual([b.session.id]);
    });

    it('ends every session of one user and no one else’s', async () => {
      const userId = randomUUID();
      const other = randomUUID();
      await sessions.create(userId, HOUR, origin);
      await sessions.create(userId, HOUR, origin);
      const kept = await sessions.create(other, HOUR, origin);
      await expect(sessions.endAll(userId)).resolves.toBe(2);
      await expect(sessions.list(userId)).resolves.toEqual([]);
      expect((await sessions.list(other)).map((s) => s.id)).toEqual([kept.session.id]);
    });
  });
}
