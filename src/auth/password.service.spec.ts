import { BackgroundTasks } from '../common/background/background-tasks';
import { RateLimitedError } from '../rate-limit/rate-limited.error';
import type { UserPrincipal } from '../security/principal';
import type { User } from '../users/user.entity';
import { WeakPasswordError } from '../users/users.errors';
import {
  InvalidCredentialsError,
  InvalidCurrentPasswordError,
  InvalidLinkTokenError,
} from './auth.errors';
import {
  authPolicyWorld,
  meta,
  NEW_PASSWORD,
  PASSWORD,
  type AuthPolicyWorld,
} from './auth-policy.fixture';
import { LoginService } from './login.service';
import { PasswordService } from './password.service';
import { SessionTokensService, type IssuedTokens } from './session-tokens.service';

const GUESSES = 3;

// Password policy (docs/auth.md → Passwords, docs/security.md → Password reset) on the real
// memory store, the real UsersService and bcrypt at cost 4; the users table is in memory.
describe('PasswordService', () => {
  let world: AuthPolicyWorld;
  let passwords: PasswordService;
  let sessions: SessionTokensService;
  let user: User;

  beforeAll(async () => {
    world = await authPolicyWorld({
      THROTTLE_PASSWORD_CHANGE_LIMIT: String(GUESSES),
      THROTTLE_FORGOT_COOLDOWN: '120',
    });
    passwords = world.get(PasswordService);
    sessions = world.get(SessionTokensService);
  });
  afterAll(() => world.close());
  beforeEach(async () => {
    user = await world.register();
  });

  const signIn = (password = PASSWORD): Promise<IssuedTokens> =>
    world.get(LoginService).login({ email: user.email, password }, meta);
  /** Signs in and answers the principal an access token of that session would carry. */
  const signedIn = async (): Promise<UserPrincipal> => {
    const before = new Set((await sessions.list(user.id)).map((s) => s.id));
    await signIn();
    const [session] = (await sessions.list(user.id)).filter((s) => !before.has(s.id));
    const now = Math.floor(Date.now() / 1000);
    return {
      type: 'user',
      userId: user.id,
      sessionId: session.id,
      roles: user.roles,
      token: { jti: 'spec', iat: now, exp: now + 900 },
    };
  };
  /** Asks for a reset link and answers the token the mail carries (null when none was sent). */
  const forgot = async (ip = meta.ip): Promise<string | null> => {
    const before = world.mailer.sent.length;
    await passwords.forgot(user.email, { ...meta, ip });
    await world.get(BackgroundTasks).settled();
    const mail = world.mailer.sent.slice(before).find((m) => m.to === user.email);
    return mail === undefined ? null : (/token=([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1] ?? null);
  };

  describe('change', () => {
    it('keeps the caller’s session, ends the others, and swaps the password', async () => {
      const principal = await signedIn();
      await signedIn();
      await signedIn();
      await passwords.change(principal, PASSWORD, NEW_PASSWORD, meta);
      const survivors = await sessions.list(user.id);
      expect(survivors.map((s) => s.id)).toEqual([principal.sessionId]);
      await expect(signIn(PASSWORD)).rejects.toBeInstanceOf(InvalidCredentialsError);
      await expect(signIn(NEW_PASSWORD)).resolves.toMatchObject({ user: { id: user.id } });
      expect(world.audit.ofType('password.changed').filter((e) => e.userId === user.id)).toEqual([
        expect.objectContaining({ details: { sessions: 2 } }),
      ]);
    });

    it('spends a budget of wrong guesses, shared by every session, that right ones do not touch', async () => {
      const principal = await signedIn();
      for (let i = 0; i < GUESSES - 1; i += 1)
        await expect(
          passwords.change(principal, 'not the password', NEW_PASSWORD, meta),
        ).rejects.toBeInstanceOf(InvalidCurrentPasswordError);
      // A right guess gives its slot back: the budget still has one wrong guess left.
      await passwords.change(principal, PASSWORD, NEW_PASSWORD, meta);
      await expect(
        passwords.change(principal, 'not the password', PASSWORD, meta),
      ).rejects.toBeInstanceOf(InvalidCurrentPasswordError);
      // Spent: refused before bcrypt, even with the right password.
      await expect(
        passwords.change(principal, NEW_PASSWORD, PASSWORD, meta),
      ).rejects.toBeInstanceOf(RateLimitedError);
    });

    it('takes at most the budget of concurrent wrong guesses to bcrypt', async () => {
      const principal = await signedIn();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          passwords.change(principal, 'nope nope', NEW_PASSWORD, meta),
        ),
      );
      const reasons = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error) : null));
      expect(reasons.filter((r) => r instanceof InvalidCurrentPasswordError)).toHaveLength(GUESSES);
      expect(reasons.filter((r) => r instanceof RateLimitedError)).toHaveLength(10 - GUESSES);
    });

    it('ends a reset link mailed before it', async () => {
      const token = await forgot();
      expect(token).not.toBeNull();
      await passwords.change(await signedIn(), PASSWORD, NEW_PASSWORD, meta);
      await expect(passwords.reset(token as string, PASSWORD, meta)).rejects.toBeInstanceOf(
        InvalidLinkTokenError,
      );
    });
  });

  describe('forgot and reset', () => {
    it('resets once with the mailed token, ending every session', async () => {
      const before = await signIn();
      const token = await forgot();
      if (token === null) throw new Error('no reset mail was sent');
      await passwords.reset(token, NEW_PASSWORD, meta);
      await expect(sessions.refresh(before.refreshToken, meta)).rejects.toThrow();
      await expect(sessions.list(user.id)).resolves.toEqual([]);
      await expect(passwords.reset(token, 'another fine password 7', meta)).rejects.toEqual(
        expect.objectContaining({ code: 'invalid_reset_token' }),
      );
      await expect(signIn(NEW_PASSWORD)).resolves.toMatchObject({ user: { id: user.id } });
    });

    it('checks the new password before using the token up', async () => {
      const token = await forgot();
      if (token === null) throw new Error('no reset mail was sent');
      await expect(passwords.reset(token, 'short', meta)).rejects.toBeInstanceOf(WeakPasswordError);
      await passwords.reset(token, NEW_PASSWORD, meta);
    });

    it('mails once per cooldown whoever asks, and nothing for an unknown or disabled account', async () => {
      await expect(forgot('192.0.2.1')).resolves.not.toBeNull();
      await expect(forgot('192.0.2.2')).resolves.toBeNull();
      const events = world.audit
        .ofType('password.reset_requested')
        .filter((e) => e.userId === user.id);
      expect(events.map((e) => e.details)).toEqual([{ mailed: true }, { mailed: false }]);

      const sent = world.mailer.sent.length;
      await passwords.forgot('nobody@example.com', meta);
      world.users.alter(user.id, { disabledAt: new Date() });
      await passwords.forgot(user.email, meta);
      await world.get(BackgroundTasks).settled();
      expect(world.mailer.sent.length).toBe(sent);
    });

    it('refuses a token that was never issued', async () => {
      await expect(passwords.reset('A'.repeat(43), NEW_PASSWORD, meta)).rejects.toBeInstanceOf(
        InvalidLinkTokenError,
      );
    });
  });
});
