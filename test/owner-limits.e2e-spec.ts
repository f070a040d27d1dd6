import type { Response } from 'supertest';
import { KnownClients } from '../src/auth/throttling/known-clients';
import { PasswordHasher } from '../src/users/password-hasher';
import { bearer, PASSWORD, register, uniqueEmail } from './support/accounts';
import { lastMail, mailsTo, tokenIn } from './support/outbox';
import { createTestApp, type TestApp } from './support/test-app';

// Limits that a stolen token could outrun, or a third party could turn against the owner.

const WRONG = 'not the password at all';
const NEW_PASSWORD = 'lantern orbit velvet quarry';
const RESET_SUBJECT = 'Reset your password';
const TRUST_PROXY = '127.0.0.1,::1,::ffff:127.0.0.1';

let nextIp = 1;
/** A client address of its own for each caller (the app trusts the loopback proxy). */
const freshIp = (): string => `198.51.100.${nextIp++}`;

function expect429(res: Response, limit: string) {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.headers['ratelimit-limit']).toBe(limit);
  expect(res.headers['ratelimit-remaining']).toBe('0');
  expect(res.headers['ratelimit-reset']).toBe(res.headers['retry-after']);
}

/** A login from a given client address (trusted X-Forwarded-For), with a device cookie or none. */
function loginAs(t: TestApp, ip: string, email: string, password: string, cookie?: string) {
  const req = t
    .http()
    .post('/api/v1/auth/login')
    .set('x-auth-mode', 'body')
    .set('x-forwarded-for', ip);
  if (cookie !== undefined) void req.set('cookie', cookie);
  return req.send({ email, password });
}

describe('password/change with a stolen access token', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { THROTTLE_PASSWORD_CHANGE_LIMIT: '5', THROTTLE_PASSWORD_CHANGE_TTL: '900' },
    });
  });
  afterAll(() => t.close());

  const change = (accessToken: string, currentPassword: string, newPassword = NEW_PASSWORD) =>
    t
      .http()
      .post('/api/v1/auth/password/change')
      .set(...bearer(accessToken))
      .send({ currentPassword, newPassword });

  it('checks at most 5 of 30 concurrent wrong guesses; the rest get 429 before bcrypt', async () => {
    const user = await register(t);
    const verify = jest.spyOn(t.app.get(PasswordHasher), 'verify');
    try {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => change(user.accessToken, `${WRONG} ${i}`)),
      );
      const wrong = answers.filter((res) => res.status === 400);
      const refused = answers.filter((res) => res.status === 429);
      expect(wrong).toHaveLength(5);
      expect(refused).toHaveLength(25);
      for (const res of wrong) expect(res.body.code).toBe('invalid_current_password');
      for (const res of refused) expect429(res, '5');
      expect(Number(refused[0].headers['retry-after'])).toBeLessThanOrEqual(900);
      expect(verify).toHaveBeenCalledTimes(5);

      // The budget is spent: even the right password is not checked until the window ends.
      expect429(await change(user.accessToken, PASSWORD), '5');
      expect(verify).toHaveBeenCalledTimes(5);
    } finally {
      verify.mockRestore();
    }
    // Another user's budget is untouched.
    const other = await register(t);
    const res = await change(other.accessToken, WRONG).expect(400);
    expect(res.body.code).toBe('invalid_current_password');
  });

  it('counts only wrong guesses: a right current password gives its slot back', async () => {
    const user = await register(t);
    for (let i = 0; i < 4; i += 1) await change(user.accessToken, WRONG).expect(400);
    for (let i = 0; i < 3; i += 1) {
      const weak = await change(user.accessToken, PASSWORD, 'password').expect(400);
      expect(weak.body.code).toBe('weak_password');
    }
    const fifth = await change(user.accessToken, WRONG).expect(400);
    expect(fifth.body.code).toBe('invalid_current_password');
    expect429(await change(user.accessToken, WRONG), '5');
  });
});

/** The `device=…` pair of a login's Set-Cookie, ready for a Cookie header. */
function deviceCookieOf(res: Response): { cookie: string; attributes: string } {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const line = lines.find((l) => l.startsWith('device='));
  if (line === undefined) throw new Error(`no device cookie in ${JSON.stringify(lines)}`);
  const [cookie, ...attributes] = line.split(';');
  return { cookie, attributes: attributes.join(';') };
}

describe('the owner is not locked out by other people', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        TRUST_PROXY,
        THROTTLE_LOGIN_LIMIT: '5',
        THROTTLE_LOGIN_EMAIL_LIMIT: '10',
        THROTTLE_LOGIN_DEVICE_LIMIT: '6',
        THROTTLE_LOGIN_TTL: '900',
        THROTTLE_FORGOT_COOLDOWN: '120',
        THROTTLE_FORGOT_LIMIT: '5',
        THROTTLE_FORGOT_IP_LIMIT: '10',
      },
    });
  });
  afterAll(() => t.close());

  const loginFrom = (ip: string, email: string, password = WRONG, cookie?: string) =>
    loginAs(t, ip, email, password, cookie);
  const forgotFrom = (ip: string, email: string) =>
    t.http().post('/api/v1/auth/password/forgot').set('x-forwarded-for', ip).send({ email });

  /** An account whose owner signed in once from `home`, keeping the device cookie. */
  async function owner() {
    const email = uniqueEmail('owner');
    await t
      .http()
      .post('/api/v1/auth/register')
      .set('x-forwarded-for', freshIp())
      .send({ email, password: PASSWORD })
      .expect(201);
    const home = freshIp();
    const signedIn = await loginFrom(home, email, PASSWORD).expect(200); // 1 of the email's 10
    return { email, home, device: deviceCookieOf(signedIn) };
  }

  /** 10 wrong logins from two new addresses: the email is now locked for unknown clients. */
  async function lockOut(email: string) {
    const statuses: number[] = [];
    for (const ip of [freshIp(), freshIp()])
      for (let i = 0; i < 5; i += 1) statuses.push((await loginFrom(ip, email)).status);
    expect(statuses).toEqual([...Array(9).fill(401), 429]);
  }

  it('sets a signed, scoped, long-lived device cookie on login', async () => {
    const { device } = await owner();
    expect(device.cookie).toMatch(/^device=v1\.[\w-]{22}\.[\w-]{43}$/);
    expect(device.attributes).toContain('Max-Age=31536000');
    expect(device.attributes).toContain('Path=/api/v1/auth/login');
    expect(device.attributes).toContain('HttpOnly');
    expect(device.attributes).toContain('Secure');
    expect(device.attributes).toContain('SameSite=Strict');
  });

  it('survives 10 wrong logins from two new IPs and forgot requests from a third', async () => {
    const { email, home, device } = await owner();
    await lockOut(email);
    const third = freshIp();
    for (let i = 0; i < 6; i += 1) await forgotFrom(third, email).expect(202);

    // An unknown device on a new address is still under the email-wide lockout.
    expect429(await loginFrom(freshIp(), email, PASSWORD), '10');
    // The owner's device, from a network it never used, is not.
    const away = await loginFrom(freshIp(), email, PASSWORD, device.cookie).expect(200);
    expect(deviceCookieOf(away).cookie.split('.')[1]).toBe(device.cookie.split('.')[1]);
    // Nor is the owner's recent address, without the cookie.
    await loginFrom(home, email, PASSWORD).expect(200);
    // And the owner asking for a reset gets 202, like everyone did.
    await forgotFrom(home, email).expect(202);
    const mails = (await mailsTo(t, email)).filter((m) => m.subject === RESET_SUBJECT);
    expect(mails).toHaveLength(1);
  });

  it('exempts a device cookie only for its own email, and only when it is genuine', async () => {
    const a = await owner();
    const b = await owner();
    await lockOut(b.email);
    // A's genuine cookie does not unlock B.
    expect429(await loginFrom(freshIp(), b.email, PASSWORD, a.device.cookie), '10');
    // Nor does B's cookie with its MAC or its device id altered.
    const [name, id, tag] = b.device.cookie.split('.');
    const flipped = `${tag.startsWith('A') ? 'B' : 'A'}${tag.slice(1)}`;
    const forged = [`${name}.${id}.${flipped}`, `${name}.${'A'.repeat(22)}.${tag}`, 'device=v1'];
    for (const cookie of forged)
      expect429(await loginFrom(freshIp(), b.email, PASSWORD, cookie), '10');
    await loginFrom(freshIp(), b.email, PASSWORD, b.device.cookie).expect(200);
  });

  it('limits guesses made with one device cookie from many addresses', async () => {
    const { email, device } = await owner();
    for (let i = 0; i < 6; i += 1)
      await loginFrom(freshIp(), email, WRONG, device.cookie).expect(401);
    expect429(await loginFrom(freshIp(), email, PASSWORD, device.cookie), '6');
    // The device's lockout is its own: the email-wide limit was not spent by it.
    await loginFrom(freshIp(), email, PASSWORD).expect(200);
  });

  /** Wrong logins from new addresses until the email-wide limit (10) answers 429. */
  async function lockRest(email: string, counted: number) {
    const ips = [freshIp(), freshIp()];
    for (let i = counted; i < 10; i += 1) await loginFrom(ips[i % 2], email).expect(401);
    expect429(await loginFrom(freshIp(), email), '10');
  }

  it('forgets every device and address of the account when its password is reset', async () => {
    const { email, home, device } = await owner();
    // Someone who has the password signs in once, from their own device and address.
    const thief = freshIp();
    const stolen = deviceCookieOf(await loginFrom(thief, email, PASSWORD).expect(200));

    await forgotFrom(home, email).expect(202);
    const mail = await lastMail(t, email, RESET_SUBJECT);
    await t
      .http()
      .post('/api/v1/auth/password/reset')
      .set('x-forwarded-for', home)
      .send({ token: tokenIn(mail), password: NEW_PASSWORD })
      .expect(204);
    // The owner's first login after the reset makes the device theirs again.
    const again = deviceCookieOf(
      await loginFrom(home, email, NEW_PASSWORD, device.cookie).expect(200),
    );
    expect(again.cookie).toBe(device.cookie);
    await lockRest(email, 3);

    // The thief's device and address are under the lockout like any stranger's.
    expect429(await loginFrom(freshIp(), email, WRONG, stolen.cookie), '10');
    expect429(await loginFrom(thief, email, WRONG), '10');
    // The owner's are not.
    await loginFrom(freshIp(), email, NEW_PASSWORD, again.cookie).expect(200);
    await loginFrom(home, email, NEW_PASSWORD).expect(200);
  });

  it('forgets them on a sign-out everywhere, even for a login that registers after it', async () => {
    const { email, device } = await owner();
    const thief = freshIp();
    const signedIn = await loginFrom(thief, email, PASSWORD).expect(200);
    const stolen = deviceCookieOf(signedIn);

    // A login that opened its session before the sign-out everywhere, and registers its device
    // and address only after it.
    const clients = t.app.get(KnownClients);
    const remember = clients.remember.bind(clients);
    let reached!: () => void;
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const spy = jest.spyOn(clients, 'remember').mockImplementationOnce(async (...args) => {
      reached();
      await released;
      return remember(...args);
    });
    try {
      const racing = loginFrom(freshIp(), email, PASSWORD, stolen.cookie).then((res) => res);
      await paused;
      await t
        .http()
        .post('/api/v1/auth/logout-all')
        .set(...bearer(signedIn.body.accessToken))
        .expect(204);
      release();
      expect((await racing).status).toBe(200);
    } finally {
      spy.mockRestore();
    }

    await lockRest(email, 2);
    expect429(await loginFrom(freshIp(), email, WRONG, stolen.cookie), '10');
    expect429(await loginFrom(thief, email, WRONG), '10');
    expect429(await loginFrom(freshIp(), email, WRONG, device.cookie), '10');
  });

  it('answers every forgot with 202 and sends one mail per cooldown, whose link still works', async () => {
    const { email, home } = await owner();
    const attackers = [freshIp(), freshIp(), freshIp()];
    const answers = await Promise.all(
      attackers.flatMap((ip) => Array.from({ length: 8 }, () => forgotFrom(ip, email))),
    );
    expect(answers.map((res) => res.status)).toEqual(Array(24).fill(202));
    const body = answers[0].body;
    for (const res of answers) expect(res.body).toEqual(body);
    await forgotFrom(home, email).expect(202);

    const mails = (await mailsTo(t, email)).filter((m) => m.subject === RESET_SUBJECT);
    expect(mails).toHaveLength(1);
    // Nobody's later request replaced the link the mailbox holds.
    await t
      .http()
      .post('/api/v1/auth/password/reset')
      .set('x-forwarded-for', home)
      .send({ token: tokenIn(mails[0]), password: NEW_PASSWORD })
      .expect(204);
  });

  it('answers an unknown email the same way', async () => {
    const { email } = await owner();
    const ip = freshIp();
    const known = await forgotFrom(ip, email).expect(202);
    const unknown = await forgotFrom(ip, uniqueEmail('nobody')).expect(202);
    expect(unknown.body).toEqual(known.body);
  });

  it('limits forgot requests per IP, answering 429 to that IP only', async () => {
    const { email } = await owner();
    const noisy = freshIp();
    for (let i = 0; i < 10; i += 1) await forgotFrom(noisy, uniqueEmail('spray')).expect(202);
    expect429(await forgotFrom(noisy, email), '10');
    await forgotFrom(freshIp(), email).expect(202);
  });
});

describe('the devices an account remembers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        TRUST_PROXY,
        THROTTLE_LOGIN_LIMIT: '5',
        THROTTLE_LOGIN_EMAIL_LIMIT: '20',
        THROTTLE_LOGIN_DEVICE_LIMIT: '6',
        THROTTLE_LOGIN_TTL: '900',
      },
    });
  });
  afterAll(() => t.close());

  const loginFrom = (ip: string, email: string, password = WRONG, cookie?: string) =>
    loginAs(t, ip, email, password, cookie);

  it('are at most 10: a password cannot mint device exemptions without end', async () => {
    const email = uniqueEmail('many');
    await t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD }).expect(201);
    const devices: string[] = [];
    for (let i = 0; i < 11; i += 1)
      devices.push(deviceCookieOf(await loginFrom(freshIp(), email, PASSWORD).expect(200)).cookie);
    const ip = freshIp();
    for (let i = 11; i < 20; i += 1) await loginFrom(i % 2 ? ip : freshIp(), email).expect(401);
    expect429(await loginFrom(freshIp(), email), '20');

    // The oldest device was pushed out by the eleventh; the ten newest stay exempt.
    expect429(await loginFrom(freshIp(), email, PASSWORD, devices[0]), '20');
    for (const cookie of devices.slice(1))
      await loginFrom(freshIp(), email, PASSWORD, cookie).expect(200);
  });
});
