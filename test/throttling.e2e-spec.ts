import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { AuditEvent } from '../src/audit/audit-event.entity';
import type { UserPrincipal } from '../src/security/principal';
import Redis from 'ioredis';
import { Clock } from '../src/common/time/clock';
import { Sleeper } from '../src/common/time/sleeper';
import { manualClock } from '../src/state/memory-stores.fixture';
import { PasswordHasher } from '../src/users/password-hasher';
import { bearer, PASSWORD, register, uniqueEmail } from './support/accounts';
import { SERVICES_MODE } from './support/services';
import { redisClock } from './support/clocks';
import { ControlledSleeper } from './support/sleeper';
import { createTestApp, type TestApp } from './support/test-app';
import { closedPort } from './support/tcp-proxy';
import { withoutRequestId } from './support/api-keys';
import { eventually } from './support/wait';

const describeServices = SERVICES_MODE ? describe : describe.skip;
const WRONG = 'not the password at all';

let nextIp = 1;
/** A client address of its own for each test (the app trusts the loopback proxy). */
const freshIp = (): string => `203.0.113.${nextIp++}`;

const loginFrom = (t: TestApp, ip: string | undefined, email: string, password = WRONG) => {
  const req = t.http().post('/api/v1/auth/login').set('x-auth-mode', 'body');
  if (ip !== undefined) void req.set('x-forwarded-for', ip);
  return req.send({ email, password });
};

function expect429(res: { status: number; headers: Record<string, string>; body: unknown }) {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({
    statusCode: 429,
    code: 'rate_limited',
    message: 'Too many requests; try again later',
  });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.headers['ratelimit-limit']).toMatch(/^\d+$/);
  expect(res.headers['ratelimit-remaining']).toBe('0');
  expect(res.headers['ratelimit-reset']).toBe(res.headers['retry-after']);
}

describe('brute-force limits on /api/v1/auth', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1',
        THROTTLE_LOGIN_LIMIT: '5',
        THROTTLE_LOGIN_TTL: '60',
        THROTTLE_LOGIN_EMAIL_LIMIT: '8',
        THROTTLE_LOGIN_IP_LIMIT: '12',
        THROTTLE_AUTH_LIMIT: '5',
        THROTTLE_AUTH_TTL: '60',
        THROTTLE_SIGNED_IN_LIMIT: '5',
      },
    });
  });
  afterAll(() => t.close());

  /** Registers from an address of its own, so the public-route budget of the test stays whole. */
  const newAccount = () => {
    const email = uniqueEmail('throttled');
    return t
      .http()
      .post('/api/v1/auth/register')
      .set('x-forwarded-for', freshIp())
      .send({ email, password: PASSWORD })
      .expect(201)
      .then(() => email);
  };

  it('refuses the 6th login for one email from one IP, even with the right password', async () => {
    const email = await newAccount();
    const ip = freshIp();
    for (let i = 0; i < 5; i += 1) await loginFrom(t, ip, email).expect(401);
    const verify = jest.spyOn(t.app.get(PasswordHasher), 'verify');
    try {
      const sixth = await loginFrom(t, ip, email, PASSWORD);
      expect429(sixth);
      expect(sixth.headers['ratelimit-limit']).toBe('5');
      expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(verify).not.toHaveBeenCalled(); // refused before bcrypt
      await loginFrom(t, freshIp(), email, PASSWORD).expect(200);
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
    }
  });

  it('limits an unknown email at the same count with the same answer', async () => {
    const known = await newAccount();
    const unknown = uniqueEmail('nobody');
    const ip = freshIp();
    const answers: Record<string, unknown>[] = [];
    for (const email of [known, unknown]) {
      for (let i = 0; i < 5; i += 1) await loginFrom(t, ip, email).expect(401);
      const refused = await loginFrom(t, ip, email);
      expect429(refused);
      answers.push(withoutRequestId(refused.body as Record<string, unknown>));
    }
    expect(answers[1]).toEqual(answers[0]);
  });

  it('counts every spelling of one email in one bucket', async () => {
    const email = await newAccount();
    const ip = freshIp();
    const [local, domain] = email.split('@');
    const spellings = [
      email,
      `${local}@${domain.toUpperCase()}`,
      ` ${email} `,
      email.toUpperCase(),
      `\t${local}@${domain}`,
    ];
    for (const spelling of spellings) await loginFrom(t, ip, spelling).expect(401);
    expect429(await loginFrom(t, ip, email, PASSWORD));
  });

  it('still lets another email log in from the same IP', async () => {
    const victim = await newAccount();
    const other = await newAccount();
    const ip = freshIp();
    for (let i = 0; i < 5; i += 1) await loginFrom(t, ip, victim).expect(401);
    expect429(await loginFrom(t, ip, victim, PASSWORD));
    await loginFrom(t, ip, other, PASSWORD).expect(200);
    // The victim, from their own address, is not locked out by the attacker's attempts.
    await loginFrom(t, freshIp(), victim, PASSWORD).expect(200);
  });

  it('locks one email for a while across all IPs, and audits the lockout once', async () => {
    const email = await newAccount();
    for (let i = 0; i < 8; i += 1) await loginFrom(t, freshIp(), email).expect(401);
    expect429(await loginFrom(t, freshIp(), email, PASSWORD));
    expect429(await loginFrom(t, freshIp(), email, PASSWORD));
    const user = await t.app
      .get(DataSource)
      .query<{ id: string }[]>('SELECT id FROM users WHERE email = $1', [email]);
    const events = await t.app
      .get(DataSource)
      .getRepository(AuditEvent)
      .findBy({ type: 'login.locked_out', userId: user[0].id });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: 'email_limit' });
  });

  it('does not lock the owner out from an address they signed in from before', async () => {
    const email = await newAccount();
    const home = freshIp();
    await loginFrom(t, home, email, PASSWORD).expect(200); // counts as 1 of the email's 8
    for (let i = 0; i < 7; i += 1) await loginFrom(t, freshIp(), email).expect(401);
    expect429(await loginFrom(t, freshIp(), email, PASSWORD)); // locked for everyone else
    await loginFrom(t, home, email, PASSWORD).expect(200);
    // At home, the per-email-and-IP limit still stops guessing.
    for (let i = 0; i < 3; i += 1) await loginFrom(t, home, email).expect(401); // 5 from home
    expect429(await loginFrom(t, home, email));
  });

  it('limits one IP across many emails', async () => {
    const ip = freshIp();
    for (let i = 0; i < 12; i += 1) await loginFrom(t, ip, uniqueEmail('spray')).expect(401);
    expect429(await loginFrom(t, ip, uniqueEmail('spray')));
  });

  it('answers at most 5 of 50 parallel wrong logins with 401, the rest 429', async () => {
    const email = await newAccount();
    const ip = freshIp();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => loginFrom(t, ip, email).then((res) => res.status)),
    );
    expect(answers.filter((status) => status === 401)).toHaveLength(5);
    expect(answers.filter((status) => status === 429)).toHaveLength(45);
  });

  it.each([
    ['register', (ip: string) => ({ path: '/api/v1/auth/register', ip, body: {} })],
    ['refresh', (ip: string) => ({ path: '/api/v1/auth/refresh', ip, body: {} })],
    ['logout', (ip: string) => ({ path: '/api/v1/auth/logout', ip, body: {} })],
    ['verify', (ip: string) => ({ path: '/api/v1/auth/verify', ip, body: { token: 'x' } })],
    [
      'password/reset',
      (ip: string) => ({
        path: '/api/v1/auth/password/reset',
        ip,
        body: { token: 'x', password: 'y' },
      }),
    ],
    [
      'email/verify',
      (ip: string) => ({ path: '/api/v1/auth/email/verify', ip, body: { token: 'x' } }),
    ],
    [
      'password/forgot',
      (ip: string) => ({
        path: '/api/v1/auth/password/forgot',
        ip,
        body: { email: uniqueEmail() },
      }),
    ],
  ])('answers 429 on %s past the per-IP limit of the public routes', async (_name, build) => {
    const { path, ip, body } = build(freshIp());
    for (let i = 0; i < 5; i += 1) {
      const res = await t.http().post(path).set('x-forwarded-for', ip).send(body);
      expect(res.status).not.toBe(429);
    }
    expect429(await t.http().post(path).set('x-forwarded-for', ip).send(body));
  });

  it('shares one public-route budget between routes', async () => {
    const ip = freshIp();
    for (const path of ['refresh', 'verify', 'logout', 'refresh', 'verify']) {
      await t.http().post(`/api/v1/auth/${path}`).set('x-forwarded-for', ip).send({});
    }
    expect429(
      await t
        .http()
        .post('/api/v1/auth/register')
        .set('x-forwarded-for', ip)
        .send({ email: uniqueEmail(), password: PASSWORD }),
    );
  });

  it('limits signed-in routes per user, not by the public budget', async () => {
    const ip = freshIp();
    const a = await register(t);
    const b = await register(t);
    // The public budget of this IP is spent...
    for (let i = 0; i < 6; i += 1)
      await t.http().post('/api/v1/auth/verify').set('x-forwarded-for', ip).send({});
    // ...yet a signed-in user on it gets their own 5.
    for (let i = 0; i < 5; i += 1) {
      await t
        .http()
        .get('/api/v1/auth/me')
        .set('x-forwarded-for', ip)
        .set(...bearer(a.accessToken))
        .expect(200);
    }
    expect429(
      await t
        .http()
        .get('/api/v1/auth/sessions')
        .set(...bearer(a.accessToken)),
    );
    await t
      .http()
      .get('/api/v1/auth/me')
      .set(...bearer(b.accessToken))
      .expect(200);
  });
});

describe('a short login window', () => {
  let t: TestApp;

  // A window far longer than the test, moved past by the test's clock instead of waited for.
  const clock = manualClock();
  let redis: Redis | undefined;
  let advance: (ms: number) => Promise<void>;
  beforeAll(async () => {
    t = await createTestApp({
      env: { THROTTLE_LOGIN_LIMIT: '5', THROTTLE_LOGIN_TTL: '600' },
      overrides: [{ provide: Clock, useValue: { now: () => clock.now() } }],
    });
    if (SERVICES_MODE) {
      redis = new Redis(t.env.REDIS_URL);
      advance = redisClock(redis, t.env.REDIS_KEY_PREFIX).advance;
    } else {
      advance = clock.advance;
    }
  });
  afterAll(async () => {
    redis?.disconnect();
    await t.close();
  });

  it('lets the right password in again after the window', async () => {
    const { email } = await register(t);
    for (let i = 0; i < 5; i += 1) await loginFrom(t, undefined, email).expect(401);
    const refused = await loginFrom(t, undefined, email, PASSWORD);
    expect429(refused);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // Still refused just before the window ends, let in once it has.
    await advance(retryAfter * 1000 - 5_000);
    expect429(await loginFrom(t, undefined, email, PASSWORD));
    await advance(5_000 + 1_000);
    await loginFrom(t, undefined, email, PASSWORD).expect(200);
  });

  it('ignores X-Forwarded-For while TRUST_PROXY is off', async () => {
    const { email } = await register(t);
    for (let i = 0; i < 5; i += 1) await loginFrom(t, freshIp(), email).expect(401);
    expect429(await loginFrom(t, freshIp(), email, PASSWORD));
  });
});

describe('progressive delay', () => {
  let t: TestApp;
  const sleeper = new ControlledSleeper();
  const schedule = { after: 3, baseMs: 300, maxMs: 600 };

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        LOGIN_DELAY_AFTER: String(schedule.after),
        LOGIN_DELAY_BASE_MS: String(schedule.baseMs),
        LOGIN_DELAY_MAX_MS: String(schedule.maxMs),
      },
      overrides: [{ provide: Sleeper, useValue: sleeper }],
    });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    sleeper.requested.length = 0;
    sleeper.immediate = true;
  });

  it.each([
    ['a known email', true],
    ['an unknown email', false],
  ])('grows from the 3rd failure for %s, and resets on success', async (_name, known) => {
    const email = known ? (await register(t)).email : uniqueEmail('ghost');
    for (let i = 0; i < 5; i += 1) await loginFrom(t, undefined, email, WRONG).expect(401);
    // What the service waited before each answer: nothing, nothing, then doubling, capped.
    expect(sleeper.requested).toEqual([300, 600, 600]);
    if (!known) return;

    await loginFrom(t, undefined, email, PASSWORD).expect(200);
    await loginFrom(t, undefined, email, WRONG).expect(401);
    expect(sleeper.requested).toEqual([300, 600, 600]);
  });

  it('answers a failure only once its wait is over, and holds up no other request meanwhile', async () => {
    const email = uniqueEmail('slow');
    for (let i = 0; i < 3; i += 1) await loginFrom(t, undefined, email, WRONG).expect(401);
    sleeper.immediate = false;
    let answered = false;
    const slow = loginFrom(t, undefined, email, WRONG).then((res) => {
      answered = true;
      return res;
    });
    const waiting = await eventually(
      () => Promise.resolve(sleeper.waiting),
      (n) => n === 1,
    );
    expect(waiting).toBe(1);
    // Another request, and another login, while the failure waits.
    await t.http().get('/health/live').expect(200);
    await loginFrom(t, undefined, uniqueEmail('other'), WRONG).expect(401);
    expect(answered).toBe(false);
    sleeper.release();
    expect((await slow).status).toBe(401);
    expect(sleeper.requested).toEqual([300, 600]);
  });
});

describe('with Redis unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` } });
  });
  afterAll(() => t.close());

  it('refuses with 503 rather than letting requests through unlimited', async () => {
    for (const [path, body] of [
      ['login', { email: uniqueEmail(), password: PASSWORD }],
      ['register', { email: uniqueEmail(), password: PASSWORD }],
      ['verify', { token: 'x' }],
    ] as const) {
      const res = await t.http().post(`/api/v1/auth/${path}`).send(body);
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 503,
        code: 'dependency_unavailable',
      });
    }
    const users = await t.app.get(DataSource).query<unknown[]>('SELECT id FROM users');
    expect(users).toEqual([]);
  });

  it('refuses API keys with 503 too: their rate limit cannot be counted', async () => {
    const admin = { type: 'user', userId: null, sessionId: 's', roles: ['admin'] };
    const meta = { ip: '127.0.0.1', userAgent: null, requestId: 'test' };
    const { key } = await t.app
      .get(ApiKeysService)
      .create({ name: 'outage' }, admin as unknown as UserPrincipal, meta);
    const res = await t.http().get('/api/v1/auth/me').set('x-api-key', key).expect(503);
    expect(res.body.code).toBe('dependency_unavailable');
  });
});

describeServices('limits across instances sharing Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp({
      env: { THROTTLE_LOGIN_LIMIT: '5', THROTTLE_LOGIN_TTL: '60' },
    });
    b = await createTestApp({ env: a.env });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('answers at most 5 of 50 parallel wrong logins split over two instances', async () => {
    const { email } = await register(a);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        loginFrom(i % 2 === 0 ? a : b, undefined, email).then((res) => res.status),
      ),
    );
    expect(answers.filter((status) => status === 401)).toHaveLength(5);
    expect(answers.filter((status) => status === 429)).toHaveLength(45);
  });
});
