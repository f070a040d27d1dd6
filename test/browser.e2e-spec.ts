import type { Browser, Page } from 'playwright-core';
import { login, register } from './support/accounts';
import {
  describeInBrowser,
  freePort,
  LAN_HOST,
  launchBrowser,
  pageProblems,
} from './support/browser';
import { lastMail } from './support/outbox';
import { createTestApp, type TestApp } from './support/test-app';

const STRONG = 'a fresh violet kettle sings';

/** The link of a mail, whole, as the person clicks it. */
function linkIn(text: string, page: string): string {
  const match = new RegExp(`https?://\\S+/${page}\\?token=[A-Za-z0-9_-]+`).exec(text);
  if (match === null) throw new Error(`no ${page} link in the mail`);
  return match[0];
}

describeInBrowser('in a browser (headless Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    // Plain http on a host name that is not localhost, as on a LAN address: no Secure cookie.
    t = await createTestApp({ env: { PORT: String(port), COOKIE_SECURE: 'false' } });
    await t.app.listen(port, '127.0.0.1');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(url: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems = pageProblems(page);
    const response = await page.goto(url);
    if (response === null) throw new Error(`no response for ${url}`);
    return { page, problems };
  }

  describe('Swagger UI over plain http on a LAN host name', () => {
    it('renders, loading every asset its policy allows', async () => {
      const { page, problems } = await open(`http://${LAN_HOST}:${port}/docs`);
      await page.waitForSelector('.swagger-ui .information-container .title');
      expect(await page.textContent('.swagger-ui .information-container .title')).toMatch(
        /^Auth Service/,
      );
      expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('"Try it out" on /auth/refresh refreshes with the cookie from its own origin', async () => {
      const { page, problems } = await open(`http://${LAN_HOST}:${port}/docs`);
      await page.waitForSelector('.swagger-ui .information-container .title');
      // Sign up from the page, as a person trying the API would: the refresh cookie is set.
      const status = await page.evaluate(async () => {
        const res = await fetch('/api/v1/auth/register', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            email: `swagger-${Date.now()}@example.com`,
            password: 'correct horse battery staple',
          }),
        });
        return res.status;
      });
      expect(status).toBe(201);
      const cookie = async () =>
        (await page.context().cookies()).find((c) => c.name === 'refresh_token')?.value;
      const before = await cookie();
      expect(before).toEqual(expect.any(String));

      const op = '#operations-auth-AuthController_refresh';
      await page.click(`${op} .opblock-summary`);
      await page.click(`${op} .try-out__btn`);
      // No token in the body: the cookie carries it.
      await page.fill(`${op} textarea.body-param__text`, '{}');
      await page.click(`${op} .execute`);
      const cell = `${op} .live-responses-table tbody .response-col_status`;
      await page.waitForSelector(cell);
      expect((await page.textContent(cell))?.trim()).toBe('200');
      const body = await page.textContent(
        `${op} .live-responses-table tbody .response-col_description`,
      );
      expect(body).toContain('"tokenType": "Bearer"');
      expect(await cookie()).not.toBe(before); // rotated
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  describe('the mailed links', () => {
    it('reset: the link opens a form, a weak password shows the policy, a strong one is set', async () => {
      const user = await register(t);
      await t.http().post('/api/v1/auth/password/forgot').send({ email: user.email }).expect(202);
      const link = linkIn(
        (await lastMail(t, user.email, 'Reset your password')).text,
        'reset-password',
      );
      // APP_URL is unset: the link names this service on its own PORT.
      expect(link.startsWith(`http://localhost:${port}/reset-password?token=`)).toBe(true);

      const { page, problems } = await open(link);
      expect(await page.textContent('h1')).toBe('Choose a new password');
      await page.fill('#password', 'password123');
      await page.fill('#confirm', 'password123');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.textContent('[role=status]')).toContain('Password is too easy to guess');
      // The form came back with the token; the address bar never carried it after the link.
      expect(new URL(page.url()).search).toBe('');

      await page.fill('#password', STRONG);
      await page.fill('#confirm', STRONG);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.textContent('h1')).toBe('Password changed');
      expect(await page.locator('form').count()).toBe(0);
      expect((await login(t, user.email, STRONG)).accessToken).toEqual(expect.any(String));

      // The same link again: a failure page, at once.
      await page.goto(link);
      expect(await page.textContent('[role=status]')).toContain(
        'The reset link is invalid or has expired.',
      );
      expect(problems).toEqual([]);
      await page.close();
    });

    it('verify: the link opens a page, and the button confirms the address', async () => {
      const user = await register(t);
      const link = linkIn(
        (await lastMail(t, user.email, 'Confirm your email address')).text,
        'verify-email',
      );
      const { page, problems } = await open(link);
      expect(await page.textContent('h1')).toBe('Confirm your email address');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.textContent('h1')).toBe('Email address confirmed');
      const me = await t.http().get('/api/v1/auth/me').auth(user.accessToken, { type: 'bearer' });
      expect(me.body.emailVerified).toBe(true);
      expect(problems).toEqual([]);
      await page.close();
    });
  });
});
