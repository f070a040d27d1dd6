import { EmailNotVerifiedError, InvalidCredentialsError } from './auth.errors';
import {
  authPolicyWorld,
  meta,
  NEW_PASSWORD,
  PASSWORD,
  type AuthPolicyWorld,
} from './auth-policy.fixture';
import { LoginService } from './login.service';
import { SessionTokensService } from './session-tokens.service';
import { UsersService } from '../users/users.service';
import { BackgroundTasks } from '../common/background/background-tasks';

// Login policy (docs/auth.md → Login, docs/security.md → Session generations) on the real memory
// store, the real UsersService and bcrypt at cost 4; the users table is in memory.
describe('LoginService', () => {
  let world: AuthPolicyWorld;
  let login: LoginService;

  beforeAll(async () => {
    world = await authPolicyWorld();
    login = world.get(LoginService);
  });
  afterAll(() => world.close());

  const failures = (userId: string | null) =>
    world.audit.ofType('login.failed').filter((e) => e.userId === userId);

  it('opens a session for the right password, audited, whose refresh token works', async () => {
    const user = await world.register('Right@Example.com');
    const tokens = await login.login({ email: ' right@EXAMPLE.com ', password: PASSWORD }, meta);
    expect(tokens.user.id).toBe(user.id);
    await expect(
      world.get(SessionTokensService).refresh(tokens.refreshToken, meta),
    ).resolves.toMatchObject({ user: { id: user.id } });
    expect(world.audit.ofType('login.succeeded').filter((e) => e.userId === user.id)).toHaveLength(
      1,
    );
  });

  it('answers a wrong password, an unknown email and a disabled account alike', async () => {
    const user = await world.register();
    const disabled = await world.register();
    world.users.alter(disabled.id, { disabledAt: new Date() });
    for (const input of [
      { email: user.email, password: 'wrong password entirely' },
      { email: 'nobody@example.com', password: PASSWORD },
      { email: disabled.email, password: PASSWORD },
    ])
      await expect(login.login(input, meta)).rejects.toEqual(new InvalidCredentialsError());
    expect(failures(user.id).map((e) => e.reason)).toEqual(['bad_password']);
    expect(failures(disabled.id).map((e) => e.reason)).toEqual(['disabled']);
    expect(failures(null).map((e) => e.reason)).toContain('unknown_email');
    await expect(world.get(SessionTokensService).list(disabled.id)).resolves.toEqual([]);
  });

  it('opens no session when the password it checked was replaced meanwhile (generation refusal)', async () => {
    const user = await world.register();
    const users = world.get(UsersService);
    const sessions = world.get(SessionTokensService);
    // The login reads the generation, then the row; right after it read the row (old password),
    // a reset writes the new password and starts a new generation.
    let reads = 0;
    const raceAfterRowRead = (): void =>
      world.users.afterNextRead(async () => {
        reads += 1;
        if (reads < 2) return raceAfterRowRead(); // the email lookup; the row read is next
        const current = await users.getById(user.id);
        await users.setPassword(current, NEW_PASSWORD);
        await sessions.newGeneration(user.id);
      });
    raceAfterRowRead();
    await expect(login.login({ email: user.email, password: PASSWORD }, meta)).rejects.toEqual(
      new InvalidCredentialsError(),
    );
    expect(failures(user.id).map((e) => e.reason)).toEqual(['credentials_changed']);
    await expect(sessions.list(user.id)).resolves.toEqual([]);
    // Afterwards the new password signs in and the old one does not.
    await expect(login.login({ email: user.email, password: PASSWORD }, meta)).rejects.toEqual(
      new InvalidCredentialsError(),
    );
    await expect(
      login.login({ email: user.email, password: NEW_PASSWORD }, meta),
    ).resolves.toMatchObject({ user: { id: user.id } });
  });

  it('registers, signs in and mails a verification link', async () => {
    const registration = await login.register(
      { email: 'new@example.com', password: PASSWORD, name: 'New' },
      meta,
    );
    expect(registration.tokens?.user.id).toBe(registration.user.id);
    await world.get(BackgroundTasks).settled();
    expect(world.mailer.sent.filter((m) => m.to === 'new@example.com')).toHaveLength(1);
  });

  describe('with REQUIRE_EMAIL_VERIFICATION', () => {
    let strict: AuthPolicyWorld;
    beforeAll(async () => {
      strict = await authPolicyWorld({ REQUIRE_EMAIL_VERIFICATION: 'true' });
    });
    afterAll(() => strict.close());

    it('opens nothing until the address is verified', async () => {
      const strictLogin = strict.get(LoginService);
      const registration = await strictLogin.register(
        { email: 'wait@example.com', password: PASSWORD },
        meta,
      );
      expect(registration.tokens).toBeUndefined();
      await expect(
        strictLogin.login({ email: 'wait@example.com', password: PASSWORD }, meta),
      ).rejects.toBeInstanceOf(EmailNotVerifiedError);
      await strict.get(UsersService).markEmailVerified(registration.user.id);
      await expect(
        strictLogin.login({ email: 'wait@example.com', password: PASSWORD }, meta),
      ).resolves.toMatchObject({ user: { id: registration.user.id } });
    });
  });
});
