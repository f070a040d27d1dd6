import { DataSource } from 'typeorm';
import { ApiKey } from '../src/api-keys/api-key.entity';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { User } from '../src/users/user.entity';
import { bearer, login, PASSWORD, register, type SignedIn, uniqueEmail } from './support/accounts';
import { issueKey, withoutRequestId } from './support/api-keys';
import { rawRequest } from './support/raw-http';
import { FixtureModule } from './support/fixture.controller';
import { createTestApp, type TestApp } from './support/test-app';

const ADMIN_EMAIL = 'limits-admin@example.com';
const NUL = '\u0000';

/** `[[[…"x"…]]]`, `depth` arrays deep. */
const nested = (depth: number): string => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;

describe('input limits', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [FixtureModule],
      env: { ADMIN_EMAIL, ADMIN_PASSWORD: PASSWORD, BODY_LIMIT: '1mb' },
    });
    admin = await login(t, ADMIN_EMAIL);
  });
  afterAll(() => t.close());

  const postJson = (path: string, raw: string | Buffer, token?: string) => {
    const req = t.http().post(path).set('content-type', 'application/json');
    if (token !== undefined) void req.set(...bearer(token));
    return req.send(raw);
  };

  const expectRefused = (
    res: { status: number; body: Record<string, unknown> },
    field: string,
    problem: RegExp,
  ) => {
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      code: 'validation_failed',
      details: [{ field, problem: expect.stringMatching(problem) }],
    });
    expect(res.body.message).toContain(field);
  };

  const countUsers = (email: string) =>
    t.app.get(DataSource).getRepository(User).countBy({ email });

  describe('nesting depth', () => {
    it.each([33, 1_500, 100_000])(
      'refuses a body nested %i levels deep with 400 naming the field',
      async (depth) => {
        const res = await postJson('/api/v1/test/echo', `{"name":${nested(depth)}}`);
        expectRefused(res, 'name', /more than 32 levels deep/);
      },
    );

    it('refuses deep nesting at the top level and on every real route', async () => {
      // A top-level array names its first element, the way validation errors name items.
      expectRefused(await postJson('/api/v1/test/echo', nested(2_000)), '0', /levels deep/);
      const register = await postJson(
        '/api/v1/auth/register',
        `{"email":"deep@example.com","password":"x","name":${nested(1_500)}}`,
      );
      expectRefused(register, 'name', /levels deep/);
      const key = await postJson(
        '/api/v1/admin/api-keys',
        `{"name":"k","rateLimit":${`{"a":`.repeat(1_500)}1${'}'.repeat(1_500)}}`,
        admin.accessToken,
      );
      expectRefused(key, 'rateLimit', /levels deep/);
    });

    it('still reaches validation at 32 levels', async () => {
      const res = await postJson('/api/v1/test/echo', `{"name":${nested(31)}}`);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([{ field: 'name', problem: 'must be a string' }]),
      );
    });
  });

  describe('strings', () => {
    it.each([
      ['a NUL', `"al${'\\u0000'}ice"`, /NUL/],
      ['a lone high surrogate', '"al\\ud800ice"', /lone surrogates/],
      ['a lone low surrogate', '"\\udc00"', /lone surrogates/],
      ['a reversed pair', '"\\udc00\\ud800"', /lone surrogates/],
    ])('refuses %s in a body string with 400 naming the field', async (_, json, problem) => {
      const res = await postJson('/api/v1/test/echo', `{"name":${json}}`);
      expectRefused(res, 'name', problem);
    });

    it('accepts a well-formed surrogate pair', async () => {
      const res = await postJson('/api/v1/test/echo', '{"name":"\\ud83d\\ude00"}').expect(200);
      expect(res.body).toEqual({ name: '😀' });
    });

    it('names nested fields and property names', async () => {
      const inArray = await postJson(
        '/api/v1/admin/api-keys',
        `{"name":"k","scopes":["metrics:read","x${'\\u0000'}"]}`,
        admin.accessToken,
      );
      expectRefused(inArray, 'scopes.1', /NUL/);
      const inKey = await postJson('/api/v1/test/echo', '{"name":"a","b\\u0000":1}');
      expectRefused(inKey, 'body', /property name that must not contain NUL/);
    });

    it('refuses bytes that are not UTF-8 instead of turning them into U+FFFD', async () => {
      const send = (bytes: number[]) =>
        rawRequest(t, {
          method: 'POST',
          path: '/api/v1/test/echo',
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat([
            Buffer.from('{"name":"al'),
            Buffer.from(bytes),
            Buffer.from('ice"}'),
          ]),
        });
      for (const bytes of [
        [0xff, 0xfe],
        // An encoded surrogate half (CESU-8) is not UTF-8 either.
        [0xed, 0xa0, 0x80],
        // A truncated sequence.
        [0xe2, 0x82],
      ]) {
        const res = await send(bytes);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({
          code: 'validation_failed',
          details: [{ field: 'body', problem: 'must be valid UTF-8' }],
        });
      }
      const ok = await send([0xc3, 0xa9]);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ name: 'aléice' });
    });

    it('refuses a NUL in the register name and writes no account', async () => {
      const email = uniqueEmail('nul');
      const res = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ email, password: PASSWORD, name: `Al${NUL}ice` });
      expectRefused(res, 'name', /NUL/);
      expect(await countUsers(email)).toBe(0);
    });

    it('refuses a lone surrogate in the register name and writes no account', async () => {
      const email = uniqueEmail('surrogate');
      const res = await postJson(
        '/api/v1/auth/register',
        JSON.stringify({ email, password: PASSWORD, name: 'Al\ud800ice' }),
      );
      expectRefused(res, 'name', /lone surrogates/);
      expect(await countUsers(email)).toBe(0);
    });

    it('refuses a NUL in an API-key name and issues no key', async () => {
      const repo = t.app.get(DataSource).getRepository(ApiKey);
      const before = await repo.count();
      const res = await t
        .http()
        .post('/api/v1/admin/api-keys')
        .set(...bearer(admin.accessToken))
        .send({ name: `billing${NUL}sync` });
      expectRefused(res, 'name', /NUL/);
      expect(await repo.count()).toBe(before);
    });

    it.each([
      ['an encoded surrogate half', '%ED%A0%80'],
      ['a byte that is not UTF-8', '%FF'],
      ['a truncated sequence', '%E2%82'],
    ])('refuses %s in the admin email filter with 400 naming it', async (_, encoded) => {
      const res = await t
        .http()
        .get(`/api/v1/admin/users?limit=5&email=ali${encoded}ce`)
        .set(...bearer(admin.accessToken));
      expectRefused(res, 'email', /percent-encoded UTF-8/);
    });

    it('refuses a NUL in the email filter and names it', async () => {
      const res = await t
        .http()
        .get('/api/v1/admin/users?email=ali%00ce')
        .set(...bearer(admin.accessToken));
      expectRefused(res, 'email', /NUL/);
    });

    it('refuses a NUL in a password instead of letting bcrypt stop reading at it', async () => {
      const user = await register(t);
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: `${PASSWORD}${NUL}anything` });
      expectRefused(res, 'password', /NUL/);
    });
  });

  describe('emails', () => {
    // 196 characters as sent and a valid address, but 316 once lower-cased: each `İ` becomes `i̇`.
    const growing = `${'x'.repeat(64)}@${`${'İ'.repeat(15)}.`.repeat(8)}com`;

    it.each(['register', 'login', 'password/forgot'])(
      'refuses on %s an email longer than 254 characters once lower-cased',
      async (route) => {
        expect(growing.length).toBeLessThanOrEqual(254);
        expect(growing.toLowerCase().length).toBeGreaterThan(254);
        const res = await t
          .http()
          .post(`/api/v1/auth/${route}`)
          .send(
            route === 'password/forgot'
              ? { email: growing }
              : { email: growing, password: PASSWORD },
          );
        expectRefused(res, 'email', /at most 254 characters long once lower-cased/);
      },
    );

    it('refuses an admin email filter longer than 254 characters once lower-cased', async () => {
      const res = await t
        .http()
        .get(`/api/v1/admin/users?email=${encodeURIComponent('İ'.repeat(160))}`)
        .set(...bearer(admin.accessToken));
      expectRefused(res, 'email', /once lower-cased/);
    });
  });

  describe('numbers', () => {
    it.each([
      ['page', '100000000000000000000', /must not be greater than 1000000/],
      ['page', '1e400', /integer/],
      ['page', '1000001', /must not be greater than 1000000/],
      ['limit', '100000000000000000000', /must not be greater than 100/],
      ['limit', '-100000000000000000000', /must not be less than 1/],
    ])('refuses ?%s=%s on both admin lists with 400 naming it', async (name, value, problem) => {
      for (const list of ['users', 'api-keys']) {
        const res = await t
          .http()
          .get(`/api/v1/admin/${list}?${name}=${value}`)
          .set(...bearer(admin.accessToken));
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.details).toEqual(
          expect.arrayContaining([{ field: name, problem: expect.stringMatching(problem) }]),
        );
      }
    });

    it('answers the last allowed page with an empty list', async () => {
      const res = await t
        .http()
        .get('/api/v1/admin/users?page=1000000&limit=100')
        .set(...bearer(admin.accessToken))
        .expect(200);
      expect(res.body).toMatchObject({ items: [], page: 1_000_000, limit: 100 });
    });

    it.each([
      [{ name: 'k', rateLimit: { limit: 1e20, ttlSeconds: 60 } }, 'rateLimit.limit'],
      [{ name: 'k', rateLimit: { limit: 10, ttlSeconds: 1e300 } }, 'rateLimit.ttlSeconds'],
      [{ name: 'k', rateLimit: { limit: -1e20, ttlSeconds: 60 } }, 'rateLimit.limit'],
      [{ name: 'k', expiresAt: '+275760-09-13T00:00:00.000Z' }, 'expiresAt'],
      [{ name: 'k', expiresAt: '10000-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'k', expiresAt: '-271821-04-20T00:00:00.000Z' }, 'expiresAt'],
      [{ name: 'k', expiresAt: 1e20 }, 'expiresAt'],
      [{ name: 'k', expiresAt: 4_102_444_800_000 }, 'expiresAt'],
      [{ name: 'k', expiresAt: true }, 'expiresAt'],
      [{ name: 'k', expiresAt: ['2030-01-01T00:00:00Z'] }, 'expiresAt'],
    ])('refuses an API key %j with 400 naming %s', async (body, field) => {
      const res = await t
        .http()
        .post('/api/v1/admin/api-keys')
        .set(...bearer(admin.accessToken))
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
    });

    it('still issues a key that expires in the year 9999', async () => {
      const { body } = await issueKey(t, admin.accessToken, {
        name: 'far future',
        expiresAt: '9999-12-31T00:00:00Z',
      });
      expect(body.expiresAt).toBe('9999-12-31T00:00:00.000Z');
    });

    it.each([1e20, -1e20, 1.5, 30 * 86_400 + 1])(
      'refuses a rotation with graceSeconds %d',
      async (graceSeconds) => {
        const { id } = await issueKey(t, admin.accessToken);
        const res = await t
          .http()
          .post(`/api/v1/admin/api-keys/${id}/rotate`)
          .set(...bearer(admin.accessToken))
          .send({ graceSeconds });
        expect(res.status).toBe(400);
        expect(res.body.details).toEqual([expect.objectContaining({ field: 'graceSeconds' })]);
      },
    );
  });

  describe('passwords past bcrypt’s 72 bytes', () => {
    // 72 bytes, strong enough for the policy.
    const LONG = 'Vq7#xTm2$Lp9!Rz4&Kw8@Nj3%Hd6^Fb1*Gs5(Yc0)Ue'.padEnd(72, 'aB3$');

    it('signs in only with the exact password, never with a suffix', async () => {
      expect(Buffer.byteLength(LONG)).toBe(72);
      const user = await register(t, uniqueEmail('long'), LONG);
      await login(t, user.email, LONG);
      const wrong = await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: 'not the password at all' })
        .expect(401);
      for (const suffix of ['x', ' and more', 'é']) {
        const res = await t
          .http()
          .post('/api/v1/auth/login')
          .send({ email: user.email, password: `${LONG}${suffix}` })
          .expect(401);
        // The same answer as any wrong password: nothing tells that the length was the problem.
        expect(withoutRequestId(res.body)).toEqual(withoutRequestId(wrong.body));
        expect(res.body.code).toBe('invalid_credentials');
      }
      // Counted as the wrong password it is.
      const failures = await t.app
        .get(DataSource)
        .getRepository(AuditEvent)
        .find({ where: { userId: user.userId, type: 'login.failed' } });
      expect(failures.map((event) => event.reason)).toEqual(Array(4).fill('bad_password'));
    });

    it('refuses a suffixed current password on password change', async () => {
      const user = await register(t, uniqueEmail('long-change'), LONG);
      const res = await t
        .http()
        .post('/api/v1/auth/password/change')
        .set(...bearer(user.accessToken))
        .send({ currentPassword: `${LONG}x`, newPassword: 'a new correct horse battery staple' })
        .expect(400);
      expect(res.body.code).toBe('invalid_current_password');
      await login(t, user.email, LONG);
    });

    it('refuses to register a password over 72 bytes', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/register')
        .send({ email: uniqueEmail('too-long'), password: `${LONG}x` })
        .expect(400);
      expect(res.body.details).toEqual([
        { field: 'password', problem: expect.stringMatching(/at most 72 bytes/) },
      ]);
    });
  });

  describe('Cache-Control', () => {
    it.each(['/%61pi/v1/auth/login', '/api/%761/auth/login', '/api/v1/auth/%6cogin'])(
      'marks tokens as not storable on %s',
      async (path) => {
        const user = await register(t);
        const res = await t
          .http()
          .post(path)
          .set('x-auth-mode', 'body')
          .send({ email: user.email, password: PASSWORD })
          .expect(200);
        expect(res.body.accessToken).toEqual(expect.any(String));
        expect(res.headers['cache-control']).toBe('no-store');
      },
    );

    it('marks an admin list on a percent-encoded path as not storable', async () => {
      const res = await t
        .http()
        .get('/%61pi/v1/admin/users')
        .set(...bearer(admin.accessToken))
        .expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });
});
