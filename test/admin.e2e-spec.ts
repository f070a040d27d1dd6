import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { User } from '../src/users/user.entity';
import { UsersService } from '../src/users/users.service';
import {
  bearer,
  login,
  me,
  PASSWORD,
  refresh,
  register,
  type SignedIn,
  uniqueEmail,
} from './support/accounts';
import { SERVICES_MODE } from './support/services';
import { createTestApp, type TestApp } from './support/test-app';

const ADMIN_EMAIL = 'root-admin@example.com';

describe('admin', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_EMAIL: ` ${ADMIN_EMAIL.toUpperCase()} `, ADMIN_PASSWORD: PASSWORD },
    });
    admin = await login(t, ADMIN_EMAIL);
  });
  afterAll(() => t.close());

  it('creates the ADMIN_EMAIL account at boot, with the admin role', async () => {
    const res = await me(t, admin.accessToken).expect(200);
    expect(res.body).toMatchObject({ email: ADMIN_EMAIL, roles: ['user', 'admin'] });
    // No one signed in created it: the audit log names the service itself as the actor.
    const events = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .findBy({ userId: admin.userId, type: 'user.registered' });
    expect(events.map((e) => [e.actorType, e.actorId, e.reason, e.details])).toEqual([
      ['system', null, 'bootstrap_admin', { roles: ['user', 'admin'] }],
    ]);
  });

  it('reads an account by id exactly as TypeORM reads it, every column included', async () => {
    const users = t.app.get(UsersService);
    const repository = t.app.get(DataSource).getRepository(User);
    const { userId } = await register(t);
    await repository.update(userId, {
      name: 'Ada',
      roles: ['user', 'admin'],
      emailVerifiedAt: new Date('2030-01-01T00:00:00.000Z'),
      disabledAt: new Date('2030-01-02T00:00:00.000Z'),
      passwordChangedAt: new Date('2030-01-03T00:00:00.000Z'),
    });
    const read = await users.findById(userId);
    expect(read).toBeInstanceOf(User);
    expect(read).toEqual(await repository.findOneByOrFail({ id: userId }));
    expect(read?.roles).toEqual(['user', 'admin']);
    expect(read?.disabledAt).toEqual(new Date('2030-01-02T00:00:00.000Z'));
    expect(await users.findById(randomUUID())).toBeNull();
  });

  it('lists users a page at a time and finds them by email', async () => {
    const tag = uniqueEmail('listed').split('@')[0];
    await register(t, `${tag}-1@example.com`);
    await register(t, `${tag}-2@example.com`);
    const page = await t
      .http()
      .get(`/api/v1/admin/users?email=${tag}&limit=1&page=2`)
      .set(...bearer(admin.accessToken))
      .expect(200);
    expect(page.body).toMatchObject({ total: 2, page: 2, limit: 1 });
    expect(page.body.items).toEqual([
      expect.objectContaining({ email: `${tag}-2@example.com`, disabled: false, roles: ['user'] }),
    ]);
    expect(JSON.stringify(page.body)).not.toMatch(/passwordHash|\$2b\$/);
  });

  it('refuses a limit over 100 with 400', async () => {
    const res = await t
      .http()
      .get('/api/v1/admin/users?limit=101')
      .set(...bearer(admin.accessToken))
      .expect(400);
    expect(res.body.details).toEqual([{ field: 'limit', problem: 'must not be greater than 100' }]);
  });

  it('disabling a user ends every session at once, and they can no longer log in', async () => {
    const victim = await register(t);
    const second = await login(t, victim.email);
    const res = await t
      .http()
      .patch(`/api/v1/admin/users/${victim.userId}`)
      .set(...bearer(admin.accessToken))
      .send({ disabled: true })
      .expect(200);
    expect(res.body).toMatchObject({ id: victim.userId, disabled: true });
    for (const device of [victim, second]) {
      await me(t, device.accessToken).expect(401);
      await refresh(t, device.refreshToken).expect(401);
    }
    const denied = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: victim.email, password: PASSWORD })
      .expect(401);
    expect(denied.body.message).toBe('Invalid email or password');

    await t
      .http()
      .patch(`/api/v1/admin/users/${victim.userId}`)
      .set(...bearer(admin.accessToken))
      .send({ disabled: false })
      .expect(200);
    await login(t, victim.email);
  });

  it('a granted role comes with the next refresh', async () => {
    const promoted = await register(t);
    await t
      .http()
      .patch(`/api/v1/admin/users/${promoted.userId}`)
      .set(...bearer(admin.accessToken))
      .send({ roles: ['user', 'admin'] })
      .expect(200);
    await t
      .http()
      .get('/api/v1/admin/users')
      .set(...bearer(promoted.accessToken))
      .expect(403);
    const refreshed = await refresh(t, promoted.refreshToken).expect(200);
    expect(refreshed.body.user.roles).toEqual(['user', 'admin']);
    await t
      .http()
      .get('/api/v1/admin/users')
      .set(...bearer(refreshed.body.accessToken))
      .expect(200);
  });

  it('a role taken away ends every session at once', async () => {
    const demoted = await register(t);
    await t
      .http()
      .patch(`/api/v1/admin/users/${demoted.userId}`)
      .set(...bearer(admin.accessToken))
      .send({ roles: ['user', 'admin'] })
      .expect(200);
    const asAdmin = await login(t, demoted.email);
    await t
      .http()
      .get('/api/v1/admin/users')
      .set(...bearer(asAdmin.accessToken))
      .expect(200);
    await t
      .http()
      .patch(`/api/v1/admin/users/${demoted.userId}`)
      .set(...bearer(admin.accessToken))
      .send({ roles: ['user'] })
      .expect(200);
    await t
      .http()
      .get('/api/v1/admin/users')
      .set(...bearer(asAdmin.accessToken))
      .expect(401);
    await refresh(t, asAdmin.refreshToken).expect(401);
  });

  it('a removal that races a grant still ends the tokens that carry the granted role', async () => {
    const rounds = SERVICES_MODE ? 20 : 6;
    const users = t.app.get(UsersService);
    const update = users.update.bind(users);
    let gate: Promise<void> | null = null;
    let arrived: (() => void) | null = null;
    // In every other round the removal is held after it started and before it changes the row,
    // until the grant is done and the user holds a token with the granted role: the interleaving
    // in which a read-then-write removal sees no role to lose.
    const spy = jest.spyOn(users, 'update').mockImplementation(async (id, changes) => {
      if (changes.roles !== undefined && !changes.roles.includes('admin') && gate !== null) {
        arrived?.();
        await gate;
      }
      return update(id, changes);
    });
    const patch = (userId: string, roles: string[]) =>
      t
        .http()
        .patch(`/api/v1/admin/users/${userId}`)
        .set(...bearer(admin.accessToken))
        .send({ roles })
        .then((res) => res);
    let refusalsChecked = 0;
    try {
      for (let round = 0; round < rounds; round += 1) {
        const user = await register(t);
        let open!: () => void;
        const held = round % 2 === 0;
        gate = held ? new Promise<void>((resolve) => (open = resolve)) : null;
        const atGate = new Promise<void>((resolve) => (arrived = resolve));
        const removal = patch(user.userId, ['user']);
        if (held) await atGate;
        const grant = patch(user.userId, ['user', 'admin']);
        expect((await grant).status).toBe(200);
        const refreshed = await refresh(t, user.refreshToken);
        open?.();
        expect((await removal).status).toBe(200);

        const listed = await t
          .http()
          .get(`/api/v1/admin/users?email=${encodeURIComponent(user.email)}`)
          .set(...bearer(admin.accessToken))
          .expect(200);
        const finalRoles = listed.body.items[0].roles as string[];
        if (refreshed.status !== 200) continue; // the removal ended the session first
        const token = refreshed.body.accessToken as string;
        const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
          roles: string[];
        };
        if (claims.roles.every((role) => finalRoles.includes(role))) continue;
        refusalsChecked += 1;
        await me(t, token).expect(401);
        await t
          .http()
          .get('/api/v1/admin/users')
          .set(...bearer(token))
          .expect(401);
      }
    } finally {
      gate = null;
      spy.mockRestore();
    }
    // The held rounds always end with the role gone from a token that had it.
    expect(refusalsChecked).toBeGreaterThanOrEqual(rounds / 2);
  });

  it('refuses unknown roles and fields', async () => {
    const user = await register(t);
    await t
      .http()
      .patch(`/api/v1/admin/users/${user.userId}`)
      .set(...bearer(admin.accessToken))
      .send({ roles: ['root'] })
      .expect(400);
    await t
      .http()
      .patch(`/api/v1/admin/users/${user.userId}`)
      .set(...bearer(admin.accessToken))
      .send({ email: 'x@example.com' })
      .expect(400);
  });

  it('answers 404 for an unknown user and 400 for a malformed id', async () => {
    await t
      .http()
      .patch('/api/v1/admin/users/00000000-0000-4000-8000-000000000000')
      .set(...bearer(admin.accessToken))
      .send({ disabled: true })
      .expect(404);
    await t
      .http()
      .patch('/api/v1/admin/users/not-a-uuid')
      .set(...bearer(admin.accessToken))
      .send({ disabled: true })
      .expect(400);
  });

  it('does not let an admin lock themselves out', async () => {
    const res = await t
      .http()
      .patch(`/api/v1/admin/users/${admin.userId}`)
      .set(...bearer(admin.accessToken))
      .send({ disabled: true })
      .expect(400);
    expect(res.body.code).toBe('self_lockout');
  });

  it('logs a user out everywhere', async () => {
    const user = await register(t);
    await t
      .http()
      .post(`/api/v1/admin/users/${user.userId}/logout-all`)
      .set(...bearer(admin.accessToken))
      .expect(204);
    await me(t, user.accessToken).expect(401);
    await refresh(t, user.refreshToken).expect(401);
    const events = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .findBy({ userId: user.userId, type: 'admin.logout_all' });
    expect(events.map((e) => [e.actorType, e.actorId])).toEqual([['user', admin.userId]]);
  });

  describe('a user id in another spelling', () => {
    const caps = (id: string): string => id.toUpperCase();

    it('disabling through an upper-case id ends the sessions of the user it names', async () => {
      const victim = await register(t);
      const res = await t
        .http()
        .patch(`/api/v1/admin/users/${caps(victim.userId)}`)
        .set(...bearer(admin.accessToken))
        .send({ disabled: true })
        .expect(200);
      expect(res.body).toMatchObject({ id: victim.userId, disabled: true });
      await me(t, victim.accessToken).expect(401);
      await refresh(t, victim.refreshToken).expect(401);
      const events = await t.app
        .get(DataSource)
        .getRepository(AuditEvent)
        .find({ where: { type: 'admin.user_updated', actorId: admin.userId } });
      const mine = events.filter(
        (event) => event.userId?.toLowerCase() === victim.userId.toLowerCase(),
      );
      expect(mine.map((event) => [event.userId, event.actorType])).toEqual([
        [victim.userId, 'user'],
      ]);
    });

    it('a role taken away through an upper-case id ends the sessions at once', async () => {
      const demoted = await register(t);
      await t
        .http()
        .patch(`/api/v1/admin/users/${demoted.userId}`)
        .set(...bearer(admin.accessToken))
        .send({ roles: ['user', 'admin'] })
        .expect(200);
      const asAdmin = await login(t, demoted.email);
      await t
        .http()
        .patch(`/api/v1/admin/users/${caps(demoted.userId)}`)
        .set(...bearer(admin.accessToken))
        .send({ roles: ['user'] })
        .expect(200);
      await t
        .http()
        .get('/api/v1/admin/users')
        .set(...bearer(asAdmin.accessToken))
        .expect(401);
      await me(t, demoted.accessToken).expect(401);
      await refresh(t, asAdmin.refreshToken).expect(401);
    });

    it('logout-all through an upper-case id ends every session of the user', async () => {
      const user = await register(t);
      const second = await login(t, user.email);
      await t
        .http()
        .post(`/api/v1/admin/users/${caps(user.userId)}/logout-all`)
        .set(...bearer(admin.accessToken))
        .expect(204);
      for (const device of [user, second]) {
        await me(t, device.accessToken).expect(401);
        await refresh(t, device.refreshToken).expect(401);
      }
    });

    it('a mixed-case id is the same user, and a granted role shows under the canonical id', async () => {
      const user = await register(t);
      const mixed = user.userId.replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c));
      const res = await t
        .http()
        .patch(`/api/v1/admin/users/${mixed}`)
        .set(...bearer(admin.accessToken))
        .send({ roles: ['user', 'admin'] })
        .expect(200);
      expect(res.body).toMatchObject({ id: user.userId, roles: ['user', 'admin'] });
    });

    it.each([
      ['disable', { disabled: true }],
      ['remove the admin role', { roles: ['user'] }],
      ['remove every role', { roles: [] }],
    ])(
      'refuses an admin who tries to %s themselves through an upper-case id',
      async (_label, body) => {
        const res = await t
          .http()
          .patch(`/api/v1/admin/users/${caps(admin.userId)}`)
          .set(...bearer(admin.accessToken))
          .send(body)
          .expect(400);
        expect(res.body.code).toBe('self_lockout');
        const still = await me(t, admin.accessToken).expect(200);
        expect(still.body.roles).toEqual(['user', 'admin']);
      },
    );

    it('answers 404 for an unknown id in capitals and 400 naming the id for a malformed one', async () => {
      for (const path of ['', '/logout-all']) {
        const method = path === '' ? 'patch' : 'post';
        await t
          .http()
          [method](`/api/v1/admin/users/ABCDEF00-0000-4000-8000-00000000000A${path}`)
          .set(...bearer(admin.accessToken))
          .send(path === '' ? { disabled: true } : undefined)
          .expect(404);
        for (const bad of ['not-a-uuid', `{${admin.userId}}`, `${admin.userId}0`]) {
          const res = await t
            .http()
            [method](`/api/v1/admin/users/${encodeURIComponent(bad)}${path}`)
            .set(...bearer(admin.accessToken))
            .send(path === '' ? { disabled: true } : undefined)
            .expect(400);
          expect(res.body).toMatchObject({
            code: 'validation_failed',
            details: [{ field: 'id', problem: 'must be a UUID' }],
          });
        }
      }
    });
  });

  it('records audit events without secrets', async () => {
    const user = await register(t);
    await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'wrong password here' })
      .expect(401);
    const events = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .find({ where: { userId: user.userId }, order: { createdAt: 'ASC' } });
    // The user's own doings have no separate actor.
    expect(events.map((e) => [e.type, e.reason, e.actorType, e.actorId])).toEqual([
      ['user.registered', null, null, null],
      ['login.failed', 'bad_password', null, null],
    ]);
    expect(events[1]).toMatchObject({
      ip: expect.stringMatching(/127\.0\.0\.1/),
      requestId: expect.any(String),
    });
    expect(JSON.stringify(events)).not.toMatch(/wrong password|correct horse|\$2b\$/);
  });
});
