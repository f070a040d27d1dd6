import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
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
import { lastMail, mailsTo, tokenIn } from './support/outbox';
import { createTestApp, type TestApp } from './support/test-app';

const NEW_PASSWORD = 'lantern orbit velvet quarry';
const APP_URL = 'https://app.example.test/account';
const RESET_SUBJECT = 'Reset your password';
const VERIFY_SUBJECT = 'Confirm your email address';

const forgot = (t: TestApp, email: string) =>
  t.http().post('/api/v1/auth/password/forgot').send({ email });
const reset = (t: TestApp, token: string, password = NEW_PASSWORD) =>
  t.http().post('/api/v1/auth/password/reset').send({ token, password });
const verifyEmail = (t: TestApp, token: string) =>
  t.http().post('/api/v1/auth/email/verify').send({ token });

async function resetToken(t: TestApp, email: string): Promise<string> {
  await forgot(t, email).expect(202);
  return tokenIn(await lastMail(t, email, RESET_SUBJECT));
}

describe('password lifecycle and email verification', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { APP_URL } });
  });
  afterAll(() => t.close());

  describe('forgot and reset', () => {
    it('runs forgot → mail → reset → login with the new password', async () => {
      const user = await register(t);
      const accepted = await forgot(t, ` ${user.email.toUpperCase()} `).expect(202);
      expect(accepted.body).toEqual({
        message: 'If an account exists for this email, a reset link is on its way',
      });
      const mail = await lastMail(t, user.email, RESET_SUBJECT);
      expect(mail.text).toContain(`${APP_URL}/reset-password?token=`);
      expect(mail.html).toContain(`${APP_URL}/reset-password?token=`);
      // Nothing changes until the token is used.
      await login(t, user.email, PASSWORD);

      await reset(t, tokenIn(mail)).expect(204);
      await t
        .http()
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: PASSWORD })
        .expect(401);
      await login(t, user.email, NEW_PASSWORD);
      const changed = await lastMail(t, user.email, 'Your password was changed');
      expect(changed.text).not.toMatch(/token=/);
    });

    it('ends every earlier session and access token, and answers no tokens', async () => {
      const user = await register(t);
      const other = await login(t, user.email);
      const res = await reset(t, await resetToken(t, user.email)).expect(204);
      expect(res.text).toBe('');
      for (const session of [user, other]) {
        await me(t, session.accessToken).expect(401);
        await refresh(t, session.refreshToken).expect(401);
      }
    });

    it('refuses a reused, superseded or random token with one 400', async () => {
      const user = await register(t);
      const first = await resetToken(t, user.email);
      const second = await resetToken(t, user.email);
      await resetToken(t, user.email);
      await resetToken(t, user.email);
      const answers = [
        await reset(t, first).expect(400), // superseded: three newer links were mailed since
        await reset(t, 'A'.repeat(43)).expect(400),
        await reset(t, 'not even a token').expect(400),
      ];
      await reset(t, second).expect(204);
      answers.push(await reset(t, second).expect(400)); // used
      for (const res of answers) {
        expect(res.body).toMatchObject({
          code: 'invalid_reset_token',
          message: 'The reset link is invalid or has expired',
        });
      }
    });

    it('keeps the newest three links live, and using one ends the others', async () => {
      const user = await register(t);
      // The owner's link, then two more requests (a stranger's, say) to the same mailbox.
      const owners = await resetToken(t, user.email);
      const later = [await resetToken(t, user.email), await resetToken(t, user.email)];
      await reset(t, owners).expect(204);
      await login(t, user.email, NEW_PASSWORD);
      for (const token of later) {
        const res = await reset(t, token, 'a different long passphrase').expect(400);
        expect(res.body.code).toBe('invalid_reset_token');
      }
    });

    it('ends every live reset link on a password change', async () => {
      const user = await register(t);
      const links = [await resetToken(t, user.email), await resetToken(t, user.email)];
      await t
        .http()
        .post('/api/v1/auth/password/change')
        .set(...bearer(user.accessToken))
        .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
        .expect(204);
      for (const token of links) await reset(t, token, 'a different long passphrase').expect(400);
      await login(t, user.email, NEW_PASSWORD);
    });

    it('keeps the token when the new password is too weak', async () => {
      const user = await register(t);
      const token = await resetToken(t, user.email);
      const weak = await reset(t, token, 'password').expect(400);
      expect(weak.body.code).toBe('weak_password');
      await reset(t, token).expect(204);
    });

    it('lets exactly one of 10 parallel resets with one token succeed', async () => {
      const user = await register(t);
      const token = await resetToken(t, user.email);
      const statuses = await Promise.all(
        Array.from({ length: 10 }, () => reset(t, token).then((res) => res.status)),
      );
      expect(statuses.filter((s) => s === 204)).toHaveLength(1);
      expect(statuses.filter((s) => s === 400)).toHaveLength(9);
    });

    it('answers an unknown email the same way and sends nothing', async () => {
      const known = await register(t);
      const unknown = uniqueEmail('nobody');
      const a = await forgot(t, known.email).expect(202);
      const b = await forgot(t, unknown).expect(202);
      expect(b.body).toEqual(a.body);
      expect(await mailsTo(t, unknown)).toEqual([]);
    });

    it('builds the link from APP_URL, whatever Host the request carried', async () => {
      const user = await register(t);
      await t
        .http()
        .post('/api/v1/auth/password/forgot')
        .set('host', 'evil.test')
        .set('x-forwarded-host', 'evil.test')
        .send({ email: user.email })
        .expect(202);
      const mail = await lastMail(t, user.email, RESET_SUBJECT);
      expect(mail.text).not.toContain('evil.test');
      expect(mail.html).not.toContain('evil.test');
      expect(mail.text).toContain(`${APP_URL}/reset-password?token=`);
    });

    it('writes audit events for the request and the reset', async () => {
      const user = await register(t);
      await reset(t, await resetToken(t, user.email)).expect(204);
      const events = await t.app
        .get(DataSource)
        .getRepository(AuditEvent)
        .find({ where: { userId: user.userId }, order: { createdAt: 'ASC' } });
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['password.reset_requested', 'password.reset']),
      );
      expect(JSON.stringify(events)).not.toContain(NEW_PASSWORD);
    });
  });

  describe('change', () => {
    it('refuses a wrong current password and changes nothing', async () => {
      const user = await register(t);
      const res = await t
        .http()
        .post('/api/v1/auth/password/change')
        .set(...bearer(user.accessToken))
        .send({ currentPassword: 'wrong wrong wrong', newPassword: NEW_PASSWORD })
        .expect(400);
      expect(res.body.code).toBe('invalid_current_password');
      await login(t, user.email, PASSWORD);
      await me(t, user.accessToken).expect(200);
    });

    it('ends the other sessions and keeps this one', async () => {
      const user = await register(t);
      const other: SignedIn = await login(t, user.email);
      await t
        .http()
        .post('/api/v1/auth/password/change')
        .set(...bearer(user.accessToken))
        .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
        .expect(204);
      await me(t, user.accessToken).expect(200);
      await refresh(t, user.refreshToken).expect(200);
      await me(t, other.accessToken).expect(401);
      await refresh(t, other.refreshToken).expect(401);
      await login(t, user.email, NEW_PASSWORD);
      await lastMail(t, user.email, 'Your password was changed');
    });

    it('applies the password policy to the new password', async () => {
      const user = await register(t);
      const res = await t
        .http()
        .post('/api/v1/auth/password/change')
        .set(...bearer(user.accessToken))
        .send({ currentPassword: PASSWORD, newPassword: 'qwerty123' })
        .expect(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'newPassword' })]);
    });
  });

  describe('email verification', () => {
    it('mails a link at registration that verifies the email once', async () => {
      const user = await register(t);
      expect((await me(t, user.accessToken).expect(200)).body.emailVerified).toBe(false);
      const mail = await lastMail(t, user.email, VERIFY_SUBJECT);
      expect(mail.text).toContain(`${APP_URL}/verify-email?token=`);
      const files = await readdir(join(t.config.dataDir, 'outbox'));
      expect(files.length).toBeGreaterThan(0);
      await verifyEmail(t, tokenIn(mail)).expect(204);
      expect((await me(t, user.accessToken).expect(200)).body.emailVerified).toBe(true);
      const again = await verifyEmail(t, tokenIn(mail)).expect(400);
      expect(again.body.code).toBe('invalid_verification_token');
      const resend = await t
        .http()
        .post('/api/v1/auth/email/resend')
        .set(...bearer(user.accessToken))
        .expect(409);
      expect(resend.body.code).toBe('email_already_verified');
    });

    it('resend replaces the earlier link, at most once a minute', async () => {
      const user = await register(t);
      const first = tokenIn(await lastMail(t, user.email, VERIFY_SUBJECT));
      await t
        .http()
        .post('/api/v1/auth/email/resend')
        .set(...bearer(user.accessToken))
        .expect(202);
      const second = tokenIn(await lastMail(t, user.email, VERIFY_SUBJECT));
      expect(second).not.toBe(first);
      const tooSoon = await t
        .http()
        .post('/api/v1/auth/email/resend')
        .set(...bearer(user.accessToken))
        .expect(429);
      expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(50);
      expect(tokenIn(await lastMail(t, user.email, VERIFY_SUBJECT))).toBe(second);
      await verifyEmail(t, first).expect(400);
      await verifyEmail(t, second).expect(204);
      const events = await t.app
        .get(DataSource)
        .getRepository(AuditEvent)
        .findBy({ userId: user.userId });
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['email.verification_sent', 'email.verified']),
      );
    });
  });
});

describe('with REQUIRE_EMAIL_VERIFICATION and short-lived links', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { REQUIRE_EMAIL_VERIFICATION: 'true', PASSWORD_RESET_TTL: '1' },
    });
  });
  afterAll(() => t.close());

  it('holds login back until the email is verified', async () => {
    const email = uniqueEmail('unverified');
    const registered = await t
      .http()
      .post('/api/v1/auth/register')
      .send({ email, password: PASSWORD })
      .expect(201);
    expect(registered.body).toMatchObject({ verificationRequired: true, user: { email } });
    expect(registered.body.accessToken).toBeUndefined();
    expect(registered.headers['set-cookie']).toBeUndefined();

    const refused = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email, password: PASSWORD })
      .expect(403);
    expect(refused.body.code).toBe('email_not_verified');
    // A wrong password still gets the ordinary 401: the 403 needs the right one.
    await t.http().post('/api/v1/auth/login').send({ email, password: 'nope nope' }).expect(401);

    await verifyEmail(t, tokenIn(await lastMail(t, email, VERIFY_SUBJECT))).expect(204);
    await login(t, email);
  });

  it('refuses an expired reset token', async () => {
    const email = uniqueEmail('slow');
    await t.http().post('/api/v1/auth/register').send({ email, password: PASSWORD }).expect(201);
    const token = await resetToken(t, email);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const res = await reset(t, token).expect(400);
    expect(res.body.code).toBe('invalid_reset_token');
  });
});

describe('password reset and the brute-force limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        THROTTLE_LOGIN_LIMIT: '3',
        THROTTLE_LOGIN_EMAIL_LIMIT: '3',
        THROTTLE_FORGOT_LIMIT: '2',
      },
    });
  });
  afterAll(() => t.close());

  it('still resets the password of an email that login has locked', async () => {
    const user = await register(t);
    const wrong = () =>
      t.http().post('/api/v1/auth/login').send({ email: user.email, password: 'wrong guess' });
    for (let i = 0; i < 3; i += 1) await wrong().expect(401);
    await wrong().expect(429);
    await reset(t, await resetToken(t, user.email)).expect(204);
  });

  it('limits the reset mail per email, never the answer', async () => {
    const user = await register(t);
    await forgot(t, user.email).expect(202);
    await forgot(t, ` ${user.email.toUpperCase()}`).expect(202);
    await forgot(t, user.email).expect(202); // past the 2 mails this address may cause
    const mails = (await mailsTo(t, user.email)).filter((m) => m.subject === RESET_SUBJECT);
    expect(mails).toHaveLength(2);
  });
});
