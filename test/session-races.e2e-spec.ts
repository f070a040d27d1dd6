import type { Response } from 'supertest';
import { SessionTokensService } from '../src/auth/session-tokens.service';
import { RefreshSessionStore } from '../src/tokens/refresh-session.store';
import {
  bearer,
  login,
  me,
  PASSWORD,
  refresh,
  register,
  uniqueEmail,
  type SignedIn,
} from './support/accounts';
import { lastMail, tokenIn } from './support/outbox';
import { SERVICES_MODE } from './support/services';
import { createTestApp, type TestApp } from './support/test-app';

/**
 * Two flows at once on one account: whatever order their steps run in, a session that one of
 * them ends (or that began under credentials the other one changed) must not survive. Each race
 * runs many rounds with the two requests started at varying offsets; the assertions hold for
 * every ordering. The "paused" tests force the worst ordering through a hook in the app.
 */
const ROUNDS = SERVICES_MODE ? 50 : 12;
const NEW_PASSWORD = 'lantern orbit velvet quarry';
const ADMIN_EMAIL = 'race-admin@example.com';
const RESET_SUBJECT = 'Reset your password';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts a request after `ms` milliseconds (a supertest request starts when awaited). */
async function after(ms: number, start: () => PromiseLike<Response>): Promise<Response> {
  if (ms > 0) await sleep(ms);
  return start();
}

/** Offsets for a round: one of the two requests waits 0–16 ms, alternating which one. */
function offsets(round: number): [number, number] {
  const wait = (round % 9) * 2;
  return round % 2 === 0 ? [wait, 0] : [0, wait];
}

describe('races between flows that end sessions', () => {
  let t: TestApp;
  let admin: SignedIn;

  const liveSessions = (userId: string) => t.app.get(RefreshSessionStore).list(userId);
  const logout = (refreshToken: string) =>
    t.http().post('/api/v1/auth/logout').send({ refreshToken });
  const loginRequest = (email: string, password = PASSWORD) =>
    t.http().post('/api/v1/auth/login').set('x-auth-mode', 'body').send({ email, password });
  const resetRequest = (token: string) =>
    t.http().post('/api/v1/auth/password/reset').send({ token, password: NEW_PASSWORD });
  const disableRequest = (userId: string, disabled = true) =>
    t
      .http()
      .patch(`/api/v1/admin/users/${userId}`)
      .set(...bearer(admin.accessToken))
      .send({ disabled });
  const changeRequest = (user: SignedIn) =>
    t
      .http()
      .post('/api/v1/auth/password/change')
      .set(...bearer(user.accessToken))
      .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });

  async function resetLink(email: string): Promise<string> {
    await t.http().post('/api/v1/auth/password/forgot').send({ email }).expect(202);
    return tokenIn(await lastMail(t, email, RESET_SUBJECT));
  }

  /** Whatever a login answered, nothing it handed out works and the user has no live session. */
  async function expectNothingLives(userId: string, answers: Response[]): Promise<void> {
    for (const res of answers.filter((answer) => answer.status === 200)) {
      await me(t, res.body.accessToken as string).expect(401);
      await refresh(t, res.body.refreshToken as string).expect(401);
    }
    await expect(liveSessions(userId)).resolves.toEqual([]);
  }

  /**
   * Runs `during` while a login for `email` has checked the password but not yet opened its
   * session: the ordering that let a session of the old credentials live on.
   */
  async function loginPausedBeforeOpening(
    email: string,
    during: () => Promise<void>,
  ): Promise<Response> {
    const sessions = t.app.get(SessionTokensService);
    const open = sessions.open.bind(sessions);
    const spy = jest
      .spyOn(sessions, 'open')
      .mockImplementation(async (...args: Parameters<SessionTokensService['open']>) => {
        if (args[0].email === email) await during();
        return open(...args);
      });
    try {
      return await loginRequest(email);
    } finally {
      spy.mockRestore();
    }
  }

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_EMAIL, ADMIN_PASSWORD: PASSWORD, APP_URL: 'https://app.example.test' },
    });
    admin = await login(t, ADMIN_EMAIL);
  });
  afterAll(() => t.close());

  describe('logout racing a refresh', () => {
    // Which tokens the two requests carry: the session's first token (T0) or its successor
    // (T1), T0 then being the previous token inside the grace window.
    const variants = [
      { name: 'both the current token', rotateFirst: false, logout: 0, refresh: 0 },
      {
        name: 'logout the previous token, refresh the current',
        rotateFirst: true,
        logout: 0,
        refresh: 1,
      },
      { name: 'both the current token after a rotation', rotateFirst: true, logout: 1, refresh: 1 },
      { name: 'both the previous token', rotateFirst: true, logout: 0, refresh: 0 },
    ] as const;

    it.each(variants)(
      'leaves no live session or successor ($name)',
      async ({ rotateFirst, logout: logoutWith, refresh: refreshWith }) => {
        for (let round = 0; round < ROUNDS; round += 1) {
          const user = await register(t);
          const tokens = [user.refreshToken];
          const accessTokens = [user.accessToken];
          if (rotateFirst) {
            const next = await refresh(t, user.refreshToken).expect(200);
            tokens.push(next.body.refreshToken as string);
            accessTokens.push(next.body.accessToken as string);
          }
          const [logoutWait, refreshWait] = offsets(round);
          const [loggedOut, refreshed] = await Promise.all([
            after(logoutWait, () => logout(tokens[logoutWith])),
            after(refreshWait, () => refresh(t, tokens[refreshWith])),
          ]);
          expect(loggedOut.status).toBe(204);
          expect([200, 401]).toContain(refreshed.status);
          await expectNothingLives(user.userId, [refreshed]);
          for (const token of tokens) await refresh(t, token).expect(401);
          for (const token of accessTokens) await me(t, token).expect(401);
        }
      },
    );

    it('ends the session when the logout lands in the same millisecond as the rotation', async () => {
      const user = await register(t);
      const frozen = jest.spyOn(Date, 'now').mockReturnValue(Date.now());
      try {
        const next = await refresh(t, user.refreshToken).expect(200);
        // The token just replaced, inside the grace window and at the very same instant.
        await logout(user.refreshToken).expect(204);
        await refresh(t, next.body.refreshToken as string).expect(401);
        await me(t, next.body.accessToken as string).expect(401);
      } finally {
        frozen.mockRestore();
      }
      await expect(liveSessions(user.userId)).resolves.toEqual([]);
    });
  });

  describe('a login with the old password racing a password reset', () => {
    it('never leaves a session of the old password alive', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const user = await register(t);
        const link = await resetLink(user.email);
        const [loginWait, resetWait] = offsets(round);
        const [loggedIn, reset] = await Promise.all([
          after(loginWait, () => loginRequest(user.email)),
          after(resetWait, () => resetRequest(link)),
        ]);
        expect(reset.status).toBe(204);
        expect([200, 401]).toContain(loggedIn.status);
        await expect(liveSessions(user.userId)).resolves.toHaveLength(0);
        await expectNothingLives(user.userId, [loggedIn]);
        // The new password signs in at once.
        const again = await login(t, user.email, NEW_PASSWORD);
        await me(t, again.accessToken).expect(200);
      }
    });

    it('refuses the login that checked the old password before the reset ran', async () => {
      const user = await register(t);
      const link = await resetLink(user.email);
      const loggedIn = await loginPausedBeforeOpening(user.email, async () => {
        await resetRequest(link).expect(204);
      });
      expect(loggedIn.status).toBe(401);
      expect(loggedIn.body.code).toBe('invalid_credentials');
      await expect(liveSessions(user.userId)).resolves.toEqual([]);
      await login(t, user.email, NEW_PASSWORD);
    });

    it('refuses the login that checked the old password before a password change ran', async () => {
      const user = await register(t);
      const loggedIn = await loginPausedBeforeOpening(user.email, async () => {
        await changeRequest(user).expect(204);
      });
      expect(loggedIn.status).toBe(401);
      // The session that changed the password is the only one left, and it still works.
      expect((await liveSessions(user.userId)).length).toBe(1);
      await me(t, user.accessToken).expect(200);
      await refresh(t, user.refreshToken).expect(200);
    });
  });

  describe('a login racing an admin disable', () => {
    it('never leaves a working token for the disabled user', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const user = await register(t);
        const [loginWait, disableWait] = offsets(round);
        const [loggedIn, disabled] = await Promise.all([
          after(loginWait, () => loginRequest(user.email)),
          after(disableWait, () => disableRequest(user.userId)),
        ]);
        expect(disabled.status).toBe(200);
        expect([200, 401]).toContain(loggedIn.status);
        await expectNothingLives(user.userId, [loggedIn]);
        await me(t, user.accessToken).expect(401);
      }
    });

    it('refuses the login that checked the password before the disable ran', async () => {
      const user = await register(t);
      const loggedIn = await loginPausedBeforeOpening(user.email, async () => {
        await disableRequest(user.userId).expect(200);
      });
      expect(loggedIn.status).toBe(401);
      expect(loggedIn.body.code).toBe('invalid_credentials');
      await expect(liveSessions(user.userId)).resolves.toEqual([]);
    });

    it('refuses the login that checked the password before a logout-all ran', async () => {
      const user = await register(t);
      const loggedIn = await loginPausedBeforeOpening(user.email, async () => {
        await t
          .http()
          .post('/api/v1/auth/logout-all')
          .set(...bearer(user.accessToken))
          .expect(204);
      });
      expect(loggedIn.status).toBe(401);
      await expect(liveSessions(user.userId)).resolves.toEqual([]);
      // Signing in again right away works.
      await me(t, (await login(t, user.email)).accessToken).expect(200);
    });
  });

  describe('reset links issued before the credentials changed', () => {
    it('stop working once the password is changed', async () => {
      const user = await register(t);
      const link = await resetLink(user.email);
      await changeRequest(user).expect(204);
      const res = await t
        .http()
        .post('/api/v1/auth/password/reset')
        .send({ token: link, password: 'quiet harbor mosaic pepper' })
        .expect(400);
      expect(res.body.code).toBe('invalid_reset_token');
      await login(t, user.email, NEW_PASSWORD);
    });

    it('stop working once the account is disabled, and stay dead after it is enabled again', async () => {
      const user = await register(t);
      const link = await resetLink(user.email);
      await disableRequest(user.userId).expect(200);
      await disableRequest(user.userId, false).expect(200);
      const res = await resetRequest(link).expect(400);
      expect(res.body.code).toBe('invalid_reset_token');
      await login(t, user.email, PASSWORD);
    });

    it('a link asked for after the change works', async () => {
      const user = await register(t);
      await changeRequest(user).expect(204);
      await resetRequest(await resetLink(user.email)).expect(204);
    });
  });

  it('a new account signs in and works (no generation was ever bumped)', async () => {
    const user = await register(t, uniqueEmail('fresh'));
    await me(t, user.accessToken).expect(200);
    await me(t, (await login(t, user.email)).accessToken).expect(200);
  });
});
