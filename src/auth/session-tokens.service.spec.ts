import { InvalidRefreshTokenError, SessionNotFoundError } from './auth.errors';
import { authPolicyWorld, meta, type AuthPolicyWorld } from './auth-policy.fixture';
import { SessionTokensService, type IssuedTokens } from './session-tokens.service';
import { OneTimeTokenStore } from '../tokens/one-time-token.store';
import { RevocationStore } from '../tokens/revocation.store';
import type { User } from '../users/user.entity';

// Session policy (docs/security.md → Refresh tokens, Session generations) on the real memory
// store. Date is faked (only Date: timers, I/O and bcrypt run for real) so the grace window is
// crossed without waiting.
describe('SessionTokensService', () => {
  let world: AuthPolicyWorld;
  let sessions: SessionTokensService;
  let user: User;
  const GRACE_MS = 10_000;

  beforeAll(async () => {
    world = await authPolicyWorld({ REFRESH_REUSE_GRACE: String(GRACE_MS / 1000) });
    sessions = world.get(SessionTokensService);
  });
  afterAll(() => world.close());
  beforeEach(async () => {
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'setTimeout',
        'setInterval',
        'clearTimeout',
        'clearInterval',
        'clearImmediate',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    jest.setSystemTime(Date.UTC(2030, 0, 1));
    user = await world.register();
  });
  afterEach(() => jest.useRealTimers());

  const later = (ms: number) => jest.setSystemTime(Date.now() + ms);
  const open = async (): Promise<IssuedTokens> => {
    const tokens = await sessions.open(user, await sessions.generation(user.id), meta);
    if (tokens === null) throw new Error('the session was refused');
    return tokens;
  };
  const refusedRefresh = async (token: string): Promise<void> => {
    await expect(sessions.refresh(token, meta)).rejects.toBeInstanceOf(InvalidRefreshTokenError);
  };

  it('rotates: each refresh answers a new token pair for the same session, never extended', async () => {
    const first = await open();
    later(60_000);
    const second = await sessions.refresh(first.refreshToken, meta);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshExpiresIn).toBe(first.refreshExpiresIn - 60);
    const listed = await sessions.list(user.id);
    expect(listed).toHaveLength(1);
    expect(listed[0].lastUsedAt).toEqual(new Date(Date.now()));
  });

  it('refuses the previous token within the grace window and keeps the session', async () => {
    const first = await open();
    const second = await sessions.refresh(first.refreshToken, meta);
    later(GRACE_MS - 1);
    await refusedRefresh(first.refreshToken);
    await expect(sessions.refresh(second.refreshToken, meta)).resolves.toMatchObject({
      user: { id: user.id },
    });
    expect(
      world.audit.ofType('refresh.reuse_detected').filter((e) => e.userId === user.id),
    ).toEqual([]);
  });

  it('treats the previous token after the grace window as reuse: the session ends, audited', async () => {
    const first = await open();
    const second = await sessions.refresh(first.refreshToken, meta);
    later(GRACE_MS + 1);
    await refusedRefresh(first.refreshToken);
    await refusedRefresh(second.refreshToken);
    await expect(sessions.list(user.id)).resolves.toEqual([]);
    const [event] = world.audit
      .ofType('refresh.reuse_detected')
      .filter((e) => e.userId === user.id);
    expect(event).toMatchObject({ userId: user.id, ip: meta.ip });
  });

  it('refuses a token that is not one of ours, and a session that expired', async () => {
    await refusedRefresh('not-a-token');
    const tokens = await open();
    later(world.config.refresh.ttl * 1000);
    await refusedRefresh(tokens.refreshToken);
  });

  it('opens nothing under a generation that is no longer current', async () => {
    const before = await sessions.generation(user.id);
    await sessions.newGeneration(user.id);
    await expect(sessions.open(user, before, meta)).resolves.toBeNull();
    await expect(sessions.list(user.id)).resolves.toEqual([]);
    await expect(
      sessions.open(user, await sessions.generation(user.id), meta),
    ).resolves.not.toBeNull();
  });

  it('ends a session for a disabled user at the next refresh', async () => {
    const tokens = await open();
    world.users.alter(user.id, { disabledAt: new Date() });
    await refusedRefresh(tokens.refreshToken);
    await expect(sessions.list(user.id)).resolves.toEqual([]);
  });

  describe('logout', () => {
    it('ends the session with its current token', async () => {
      const tokens = await open();
      await expect(sessions.signOut({ refreshTokens: [tokens.refreshToken] }, meta)).resolves.toBe(
        true,
      );
      await refusedRefresh(tokens.refreshToken);
      expect(world.audit.ofType('logout').filter((e) => e.userId === user.id)).toHaveLength(1);
    });

    it('ends the session with its previous token, so the successor dies too', async () => {
      const first = await open();
      const second = await sessions.refresh(first.refreshToken, meta);
      await expect(sessions.signOut({ refreshTokens: [first.refreshToken] }, meta)).resolves.toBe(
        true,
      );
      await refusedRefresh(second.refreshToken);
      await expect(sessions.list(user.id)).resolves.toEqual([]);
    });

    it('ends the session with an older token, and audits the reuse', async () => {
      const first = await open();
      const second = await sessions.refresh(first.refreshToken, meta);
      const third = await sessions.refresh(second.refreshToken, meta);
      await expect(sessions.signOut({ refreshTokens: [first.refreshToken] }, meta)).resolves.toBe(
        true,
      );
      await refusedRefresh(third.refreshToken);
      expect(
        world.audit.ofType('refresh.reuse_detected').filter((e) => e.userId === user.id),
      ).toHaveLength(1);
    });

    it('with an access token: denies it and ends its session', async () => {
      const tokens = await open();
      const [session] = await sessions.list(user.id);
      const now = Math.floor(Date.now() / 1000);
      const principal = {
        type: 'user' as const,
        userId: user.id,
        sessionId: session.id,
        roles: user.roles,
        token: { jti: 'jti-1', iat: now, exp: now + 900 },
      };
      await expect(sessions.signOut({ refreshTokens: [], principal }, meta)).resolves.toBe(true);
      await refusedRefresh(tokens.refreshToken);
      await expect(
        world
          .get(RevocationStore)
          .isRevoked({ userId: user.id, sessionId: session.id, ...principal.token }),
      ).resolves.toBe(true);
    });

    it('recognises nothing in tokens that are not ours', async () => {
      await open();
      await expect(sessions.signOut({ refreshTokens: ['garbage', ''] }, meta)).resolves.toBe(false);
      await expect(sessions.list(user.id)).resolves.toHaveLength(1);
    });
  });

  it('signOutEverywhere ends every session and an outstanding reset link, audited', async () => {
    const a = await open();
    const b = await open();
    const link = await world.get(OneTimeTokenStore).issue('password-reset', user.id, 600);
    await expect(sessions.signOutEverywhere(user.id, meta)).resolves.toBe(2);
    await refusedRefresh(a.refreshToken);
    await refusedRefresh(b.refreshToken);
    await expect(world.get(OneTimeTokenStore).consume('password-reset', link)).resolves.toBeNull();
    expect(world.audit.ofType('logout.all').filter((e) => e.userId === user.id)).toHaveLength(1);
  });

  it('ends one session by id, and refuses an unknown one', async () => {
    const a = await open();
    const b = await open();
    const [first] = await sessions.list(user.id);
    await sessions.endSession(user.id, first.id, meta);
    await expect(sessions.endSession(user.id, first.id, meta)).rejects.toBeInstanceOf(
      SessionNotFoundError,
    );
    const alive = await Promise.allSettled(
      [a, b].map((t) => sessions.refresh(t.refreshToken, meta)),
    );
    expect(alive.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('issues access tokens with the user’s current roles', async () => {
    const tokens = await open();
    world.users.alter(user.id, { roles: ['user', 'admin'] });
    const next = await sessions.refresh(tokens.refreshToken, meta);
    const payload = JSON.parse(
      Buffer.from(next.accessToken.split('.')[1], 'base64url').toString(),
    ) as { roles: string[] };
    expect(payload.roles).toEqual(['user', 'admin']);
  });
});
