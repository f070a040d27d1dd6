import { createPublicKey } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { User } from '../src/users/user.entity';
import { bearer, login, me, PASSWORD, refresh, register, uniqueEmail } from './support/accounts';
import { decodeParts, signAsApp } from './support/app-keys';
import { createTestApp, type TestApp } from './support/test-app';

describe('accounts and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('register', () => {
    it('creates an account and answers 201 with the token response', async () => {
      const email = uniqueEmail('reg');
      const res = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ email, password: PASSWORD, name: 'Reg' })
        .expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        tokenType: 'Bearer',
        accessToken: expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/),
        expiresIn: 900,
        refreshToken: expect.stringMatching(/^[\w-]{107}$/),
        refreshExpiresIn: 604800,
        user: {
          id: expect.any(String),
          email,
          roles: ['user'],
          emailVerified: false,
          createdAt: expect.any(String),
        },
      });
      const { header, payload } = decodeParts(res.body.accessToken);
      expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
      expect(Object.keys(payload).sort()).toEqual([
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'roles',
        'sid',
        'sub',
      ]);
      expect(payload).toMatchObject({
        iss: 'auth-service',
        aud: 'api',
        sub: res.body.user.id,
        roles: ['user'],
      });
      expect(Number(payload.exp) - Number(payload.iat)).toBe(900);
    });

    it('sets the refresh cookie with its security attributes', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ email: uniqueEmail(), password: PASSWORD })
        .expect(201);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^refresh_token=[\w-]{107};/);
      expect(cookie).toContain('Max-Age=604800');
      expect(cookie).toContain('Path=/api/v1/auth');
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('Secure');
      expect(cookie).toContain('SameSite=Strict');
    });

    it('treats differently cased or padded emails as one account', async () => {
      const local = uniqueEmail('case').split('@')[0];
      const res = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ email: ` ${local.toUpperCase()}@Example.COM `, password: PASSWORD })
        .expect(201);
      expect(res.body.user.email).toBe(`${local}@example.com`);
      const again = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ email: `${local}@example.com`, password: PASSWORD })
        .expect(409);
      expect(again.body).toMatchObject({
        statusCode: 409,
        code: 'email_taken',
        message: 'An account with this email already exists',
      });
    });

    it.each([
      ['a common password', 'password123', /too easy to guess/],
      ['a short password', 'xK9$q', /at least 8 characters/],
      ['the email itself', 'weakling-reg@example.com', /too easy to guess/],
      ['more than 72 bytes', 'é'.repeat(40), /at most 72 bytes/],
    ])('refuses %s with 400 and says why', async (_label, password, reason) => {
      const email = _label === 'the email itself' ? 'weakling-reg@example.com' : uniqueEmail();
      const res = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ email, password })
        .expect(400);
      expect(res.body.code).toBe('weak_password');
      expect(res.body.message).toMatch(reason);
      expect(res.body.details).toEqual([
        { field: 'password', problem: expect.stringMatching(reason) },
      ]);
    });

    it('refuses fields it does not know, such as roles (no mass assignment)', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ email: uniqueEmail(), password: PASSWORD, roles: ['admin'] })
        .expect(400);
      expect(res.body.details).toEqual([
        { field: 'roles', problem: 'property roles should not exist' },
      ]);
    });

    it('refuses an invalid email with 400', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ email: 'not-an-email', password: PASSWORD })
        .expect(400);
      expect(res.body.details).toEqual([{ field: 'email', problem: 'must be an email address' }]);
    });

    it('lets exactly one of 10 parallel registrations of one email through', async () => {
      const email = uniqueEmail('race');
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD }),
        ),
      );
      const statuses = answers.map((res) => res.status).sort();
      expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    });

    it('stores a bcrypt hash, never the password', async () => {
      const { email } = await register(t);
      const user = await t.app.get(DataSource).getRepository(User).findOneByOrFail({ email });
      expect(user.passwordHash).toMatch(/^\$2b\$04\$/);
      expect(user.passwordHash).not.toContain(PASSWORD);
    });
  });

  describe('login', () => {
    it('answers valid credentials with tokens', async () => {
      const { email } = await register(t);
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: email.toUpperCase(), password: PASSWORD })
        .expect(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { email } });
      expect(res.body.refreshToken).toMatch(/^[\w-]{107}$/);
    });

    it('gives a wrong password and an unknown email the same 401', async () => {
      const { email } = await register(t);
      const wrong = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email, password: 'not the password at all' })
        .expect(401);
      const unknown = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: uniqueEmail('ghost'), password: PASSWORD })
        .expect(401);
      for (const res of [wrong, unknown]) {
        expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
        expect(res.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'Invalid email or password',
          code: 'invalid_credentials',
          requestId: res.headers['x-request-id'],
        });
      }
    });
  });

  describe('access tokens', () => {
    it('a protected route without a token answers 401 with a Bearer challenge', async () => {
      const res = await t.http().get('/api/v1/auth/me').expect(401);
      // /auth/me also takes API keys: one challenge per scheme it accepts.
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", ApiKey realm="api"');
      expect(res.body).toMatchObject({ statusCode: 401, code: 'missing_credentials' });
    });

    it('a valid token reaches it', async () => {
      const user = await register(t);
      const res = await me(t, user.accessToken).expect(200);
      expect(res.body).toEqual({
        type: 'user',
        id: user.userId,
        email: user.email,
        roles: ['user'],
        emailVerified: false,
      });
    });

    it('a user token on an admin route answers 403 with insufficient_scope', async () => {
      const user = await register(t);
      const res = await t
        .http()
        .get('/api/v1/admin/users')
        .set(...bearer(user.accessToken))
        .expect(403);
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope"',
      );
      expect(res.body).toMatchObject({ statusCode: 403, code: 'insufficient_scope' });
    });

    it('refuses an expired token with 401, and the refresh token still gets a new pair', async () => {
      const user = await register(t);
      const { payload } = decodeParts(user.accessToken);
      const past = Math.floor(Date.now() / 1000) - 120;
      const expired = signAsApp(t, {
        sub: user.userId,
        sid: payload.sid,
        iat: past - 900,
        exp: past,
      });
      const res = await me(t, expired).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
      const refreshed = await refresh(t, user.refreshToken).expect(200);
      await me(t, refreshed.body.accessToken).expect(200);
    });

    it('publishes a JWKS that verifies the tokens and holds no private member', async () => {
      const user = await register(t);
      const res = await t.http().get('/.well-known/jwks.json').expect(200);
      expect(res.body.keys).toHaveLength(1);
      const [key] = res.body.keys;
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({
        kty: 'RSA',
        alg: 'RS256',
        use: 'sig',
        kid: decodeParts(user.accessToken).header.kid,
      });
      const publicKey = createPublicKey({ key, format: 'jwk' });
      expect(jwt.verify(user.accessToken, publicKey, { algorithms: ['RS256'] })).toMatchObject({
        sub: user.userId,
      });
    });

    it('verify answers 200 for a live token and 401 for a refresh token', async () => {
      const user = await register(t);
      const ok = await t
        .http()
        .post('/api/v1/auth/verify')
        .send({ token: user.accessToken })
        .expect(200);
      expect(ok.body).toEqual({
        valid: true,
        type: 'access',
        sub: user.userId,
        exp: decodeParts(user.accessToken).payload.exp,
      });
      await t.http().post('/api/v1/auth/verify').send({ token: user.refreshToken }).expect(401);
    });
  });

  describe('refresh', () => {
    it('rotates: a new refresh token, and the session keeps its absolute end', async () => {
      const user = await register(t);
      const res = await refresh(t, user.refreshToken).expect(200);
      expect(res.body.refreshToken).not.toBe(user.refreshToken);
      expect(res.body.refreshExpiresIn).toBeLessThanOrEqual(604800);
      expect(decodeParts(res.body.accessToken).payload.sid).toBe(
        decodeParts(user.accessToken).payload.sid,
      );
    });

    it('answers the previous token within the grace window with 401, without ending the session', async () => {
      const user = await register(t);
      const next = await refresh(t, user.refreshToken).expect(200);
      await refresh(t, user.refreshToken).expect(401);
      await refresh(t, next.body.refreshToken).expect(200);
    });

    it('ends the whole session when an older rotated token is replayed', async () => {
      const user = await register(t);
      const second = await refresh(t, user.refreshToken).expect(200);
      const third = await refresh(t, second.body.refreshToken).expect(200);
      // The first token is two rotations old: reuse.
      await refresh(t, user.refreshToken).expect(401);
      await refresh(t, third.body.refreshToken).expect(401);
      await me(t, third.body.accessToken).expect(401);
    });

    it('leaves exactly one valid successor after 20 parallel refreshes of one token', async () => {
      const user = await register(t);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => refresh(t, user.refreshToken)),
      );
      const winners = answers.filter((res) => res.status === 200);
      expect(winners).toHaveLength(1);
      expect(answers.filter((res) => res.status === 401)).toHaveLength(19);
      await refresh(t, winners[0].body.refreshToken).expect(200);
    });

    it.each([['garbage'], ['x'.repeat(86)], ['']])('refuses %j with 401', async (refreshToken) => {
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken }).expect(401);
    });
  });

  describe('logout', () => {
    it('ends the refresh token and the access token at once', async () => {
      const user = await register(t);
      await t
        .http()
        .post('/api/v1/auth/logout')
        .set(...bearer(user.accessToken))
        .send({ refreshToken: user.refreshToken })
        .expect(204);
      await refresh(t, user.refreshToken).expect(401);
      await me(t, user.accessToken).expect(401);
    });

    it('with only the access token, ends that session too', async () => {
      const user = await register(t);
      await t
        .http()
        .post('/api/v1/auth/logout')
        .set(...bearer(user.accessToken))
        .send({})
        .expect(204);
      await me(t, user.accessToken).expect(401);
      await refresh(t, user.refreshToken).expect(401);
    });

    it('answers 401 with neither credential', async () => {
      await t.http().post('/api/v1/auth/logout').send({}).expect(401);
    });

    it('ends the session of the refresh token even when the access token sent along has expired', async () => {
      const user = await register(t);
      const { payload } = decodeParts(user.accessToken);
      const past = Math.floor(Date.now() / 1000) - 3600;
      const expired = signAsApp(t, { ...payload, iat: past - 900, exp: past });
      const res = await t
        .http()
        .post('/api/v1/auth/logout')
        .set(...bearer(expired))
        .send({ refreshToken: user.refreshToken })
        .expect(204);
      expect(res.headers['set-cookie']?.[0]).toMatch(/^refresh_token=;/);
      await refresh(t, user.refreshToken).expect(401);
      await me(t, user.accessToken).expect(401);
    });

    it('ends the session of the refresh token when the access token sent along was revoked', async () => {
      const user = await register(t);
      const other = await login(t, user.email);
      await t
        .http()
        .post('/api/v1/auth/logout')
        .set(...bearer(other.accessToken))
        .send({})
        .expect(204);
      await t
        .http()
        .post('/api/v1/auth/logout')
        .set(...bearer(other.accessToken))
        .send({ refreshToken: user.refreshToken })
        .expect(204);
      await refresh(t, user.refreshToken).expect(401);
    });

    it('answers 401 invalid_token for a bad access token alone', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/logout')
        .set(...bearer('not.a.token'))
        .send({})
        .expect(401);
      expect(res.body.code).toBe('invalid_token');
    });

    it('ends the session of the cookie when the body carries a stale refresh token', async () => {
      const stale = await register(t);
      const browser = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: stale.email, password: PASSWORD })
        .expect(200);
      const cookie = (browser.headers['set-cookie'] as unknown as string[]).find((c) =>
        c.startsWith('refresh_token='),
      );
      expect(cookie).toMatch(/^refresh_token=[A-Za-z0-9_-]{107};/);
      const cookieToken = /^refresh_token=([^;]+)/.exec(cookie as string)?.[1] as string;
      await t
        .http()
        .post('/api/v1/auth/logout')
        .set('cookie', `refresh_token=${cookieToken}`)
        .set('x-requested-with', 'XMLHttpRequest')
        .send({ refreshToken: 'x'.repeat(107) })
        .expect(204);
      await refresh(t, cookieToken).expect(401);
      await refresh(t, stale.refreshToken).expect(200);
    });

    it('logout-all ends every device', async () => {
      const phone = await register(t);
      const laptop = await login(t, phone.email);
      await t
        .http()
        .post('/api/v1/auth/logout-all')
        .set(...bearer(phone.accessToken))
        .expect(204);
      for (const device of [phone, laptop]) {
        await me(t, device.accessToken).expect(401);
        await refresh(t, device.refreshToken).expect(401);
      }
      // Signing in again right away works.
      const again = await login(t, phone.email);
      await me(t, again.accessToken).expect(200);
    });
  });

  describe('sessions', () => {
    it('lists the devices and marks the current one', async () => {
      const phone = await register(t);
      const laptop = await login(t, phone.email);
      const res = await t
        .http()
        .get('/api/v1/auth/sessions')
        .set(...bearer(laptop.accessToken))
        .expect(200);
      expect(res.body.total).toBe(2);
      const items = res.body.items as { current: boolean }[];
      expect(items.map((s) => s.current)).toEqual([false, true]);
      expect(res.body.items[1]).toEqual({
        id: decodeParts(laptop.accessToken).payload.sid,
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        expiresAt: expect.any(String),
        userAgent: null,
        ip: expect.stringMatching(/127\.0\.0\.1/),
        current: true,
      });
    });

    it('ending one session leaves the others', async () => {
      const phone = await register(t);
      const laptop = await login(t, phone.email);
      const phoneSid = decodeParts(phone.accessToken).payload.sid as string;
      await t
        .http()
        .delete(`/api/v1/auth/sessions/${phoneSid}`)
        .set(...bearer(laptop.accessToken))
        .expect(204);
      await me(t, phone.accessToken).expect(401);
      await refresh(t, phone.refreshToken).expect(401);
      await me(t, laptop.accessToken).expect(200);
      await t
        .http()
        .delete(`/api/v1/auth/sessions/${phoneSid}`)
        .set(...bearer(laptop.accessToken))
        .expect(404);
    });

    it("answers 404 for another user's session", async () => {
      const alice = await register(t);
      const bob = await register(t);
      const bobSid = decodeParts(bob.accessToken).payload.sid as string;
      await t
        .http()
        .delete(`/api/v1/auth/sessions/${bobSid}`)
        .set(...bearer(alice.accessToken))
        .expect(404);
      await me(t, bob.accessToken).expect(200);
    });
  });
});

describe('password hashing by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BCRYPT_ROUNDS: '' } });
  });
  afterAll(() => t.close());

  it('uses bcrypt with cost 12 when BCRYPT_ROUNDS is not set', async () => {
    const { email } = await register(t);
    const user = await t.app.get(DataSource).getRepository(User).findOneByOrFail({ email });
    expect(user.passwordHash).toMatch(/^\$2b\$12\$.{53}$/);
  });
});
