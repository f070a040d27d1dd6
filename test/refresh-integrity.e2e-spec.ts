import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { RefreshSessionStore } from '../src/tokens/refresh-session.store';
import { me, refresh, register, type SignedIn } from './support/accounts';
import { decodeParts } from './support/app-keys';
import { createTestApp, type TestApp } from './support/test-app';

/**
 * A refresh token carries the user and session ids that every access token shows. What someone
 * who saw an access token (a resource server, a log) can build from them must be refused like
 * any unknown token, before the session is touched.
 */
describe('refresh-token integrity', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const logout = (refreshToken: string) =>
    t.http().post('/api/v1/auth/logout').send({ refreshToken });
  const reuseEvents = (userId: string) =>
    t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .find({ where: { type: 'refresh.reuse_detected', userId } });

  /** The victim's sub and sid from their access token, then bytes of the attacker's choosing. */
  function forge(victim: SignedIn, tailBytes: number): string {
    const { sub, sid } = decodeParts(victim.accessToken).payload as { sub: string; sid: string };
    return Buffer.concat([
      Buffer.from(sub.replace(/-/g, ''), 'hex'),
      Buffer.from(sid, 'base64url'),
      randomBytes(tailBytes),
    ]).toString('base64url');
  }

  // 32: the token format without a MAC; 48: the current length, with 16 made-up MAC bytes.
  it.each([
    ['the format without a MAC', 32],
    ['the current format with a made-up MAC', 48],
  ])(
    'refuses a token forged from an access token (%s) and leaves the session alone',
    async (_, tail) => {
      const victim = await register(t);
      const forged = forge(victim, tail);

      const refused = await refresh(t, forged).expect(401);
      expect(refused.body).toMatchObject({ code: 'invalid_refresh_token' });
      const notLoggedOut = await logout(forged).expect(401);
      expect(notLoggedOut.body).toMatchObject({ code: 'invalid_refresh_token' });

      await expect(t.app.get(RefreshSessionStore).list(victim.userId)).resolves.toHaveLength(1);
      await me(t, victim.accessToken).expect(200);
      await refresh(t, victim.refreshToken).expect(200);
      await expect(reuseEvents(victim.userId)).resolves.toEqual([]);
    },
  );

  it('refuses a genuine token with one character changed, without touching the session', async () => {
    const victim = await register(t);
    const token = victim.refreshToken;
    const tampered = `${token.slice(0, 60)}${token[60] === 'x' ? 'y' : 'x'}${token.slice(61)}`;
    await refresh(t, tampered).expect(401);
    await logout(tampered).expect(401);
    await refresh(t, victim.refreshToken).expect(200);
    await expect(reuseEvents(victim.userId)).resolves.toEqual([]);
  });

  it('still treats a genuine older token as reuse: the session ends and the event is written', async () => {
    const user = await register(t);
    const second = await refresh(t, user.refreshToken).expect(200);
    const third = await refresh(t, second.body.refreshToken as string).expect(200);
    await refresh(t, user.refreshToken).expect(401);
    await refresh(t, third.body.refreshToken as string).expect(401);
    const events = await reuseEvents(user.userId);
    expect(events).toHaveLength(1);
    expect(events[0].details).toEqual({ sessionId: decodeParts(user.accessToken).payload.sid });
  });

  it('logout with a genuine older token ends the session as reuse', async () => {
    const user = await register(t);
    const second = await refresh(t, user.refreshToken).expect(200);
    const third = await refresh(t, second.body.refreshToken as string).expect(200);
    await logout(user.refreshToken).expect(204);
    await refresh(t, third.body.refreshToken as string).expect(401);
    await me(t, third.body.accessToken as string).expect(401);
    await expect(reuseEvents(user.userId)).resolves.toHaveLength(1);
  });
});
