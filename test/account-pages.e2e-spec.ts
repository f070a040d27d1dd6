import { createLoggers } from '../src/common/logging/logger';
import { LOGGERS } from '../src/common/logging/logging.module';
import { login, register } from './support/accounts';
import { lastMail, tokenIn } from './support/outbox';
import { createTestApp, type TestApp } from './support/test-app';

const STRONG = 'a fresh violet kettle sings';

/** The path and query of the one link in a mail, as a browser would request it. */
function linkIn(text: string, page: string): URL {
  const match = new RegExp(`https?://\\S+/${page}\\?token=[A-Za-z0-9_-]+`).exec(text);
  if (match === null) throw new Error(`no ${page} link in the mail`);
  return new URL(match[0]);
}

/** The value of the hidden token field of a page's form. */
function formToken(html: string): string | undefined {
  return /<input type="hidden" name="token" value="([^"]*)">/.exec(html)?.[1];
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

describe('the pages the mailed links open', () => {
  let t: TestApp;
  const logLines: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      env: { PORT: '4321' },
      // Every log line at the most verbose level, to show that no token ever reaches one.
      overrides: [
        {
          provide: LOGGERS,
          useValue: createLoggers('trace', { write: (line: string) => logLines.push(line) }),
        },
      ],
    });
  });
  afterAll(() => t.close());

  /** Signs up, asks for a reset, and returns the link of the mail. */
  async function resetLink(): Promise<{ email: string; link: URL }> {
    const user = await register(t);
    await t.http().post('/api/v1/auth/password/forgot').send({ email: user.email }).expect(202);
    const mail = await lastMail(t, user.email, 'Reset your password');
    return { email: user.email, link: linkIn(mail.text, 'reset-password') };
  }

  it("points the links at the service's own address and PORT when APP_URL is unset", async () => {
    const { link } = await resetLink();
    expect(link.origin).toBe('http://localhost:4321');
    expect(link.pathname).toBe('/reset-password');
  });

  it('opens a reset form that holds the token, with a strict policy and nothing stored', async () => {
    const { link } = await resetLink();
    const token = link.searchParams.get('token') ?? '';
    const res = await t.http().get(`${link.pathname}${link.search}`).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const csp = res.headers['content-security-policy'];
    expect(csp).toMatch(
      /^default-src 'none';style-src 'sha256-[A-Za-z0-9+/=]+';form-action 'self'/,
    );
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.text).not.toMatch(/<script/i);
    expect(formToken(res.text)).toBe(token);
    expect(res.text).toContain('<form method="post" action="reset-password">');
  });

  it('shows the policy on a weak password and keeps the token, then sets a strong one once', async () => {
    const { email, link } = await resetLink();
    const token = link.searchParams.get('token') ?? '';
    const post = (fields: Record<string, string>) =>
      t.http().post('/reset-password').type('form').send(form(fields));

    const weak = await post({ token, password: 'password123', confirm: 'password123' }).expect(400);
    expect(weak.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(weak.text).toContain('Password is too easy to guess');
    expect(formToken(weak.text)).toBe(token);

    const differ = await post({ token, password: STRONG, confirm: `${STRONG}!` }).expect(400);
    expect(differ.text).toContain('The two passwords differ');
    expect(formToken(differ.text)).toBe(token);

    const done = await post({ token, password: STRONG, confirm: STRONG }).expect(200);
    expect(done.text).toContain('<h1>Password changed</h1>');
    expect(formToken(done.text)).toBeUndefined();
    expect((await login(t, email, STRONG)).accessToken).toEqual(expect.any(String));

    const again = await post({ token, password: STRONG, confirm: STRONG }).expect(400);
    expect(again.text).toContain('The reset link is invalid or has expired.');
    expect(formToken(again.text)).toBeUndefined();
    // The used link's page says so at once, before a password is typed.
    const reopened = await t.http().get(`${link.pathname}${link.search}`).expect(400);
    expect(reopened.text).toContain('The reset link is invalid or has expired.');
  });

  it('says a link is unusable without echoing what it carried', async () => {
    const bogus = 'n0t-a-real-token-but-looks-like-one_ABCDEFGH';
    const res = await t.http().get(`/reset-password?token=${bogus}`).expect(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('The reset link is invalid or has expired.');
    expect(res.text).not.toContain(bogus);

    const incomplete = await t.http().get('/reset-password').expect(400);
    expect(incomplete.text).toContain('The link is incomplete');
    const empty = await t.http().get('/verify-email?token=').expect(400);
    expect(empty.text).toContain('The link is incomplete');
  });

  it('confirms an email only when the form is sent, once', async () => {
    const user = await register(t);
    const mail = await lastMail(t, user.email, 'Confirm your email address');
    const link = linkIn(mail.text, 'verify-email');
    const me = () => t.http().get('/api/v1/auth/me').auth(user.accessToken, { type: 'bearer' });

    // Opening the link (a person, or a mail scanner) changes nothing.
    const page = await t.http().get(`${link.pathname}${link.search}`).expect(200);
    expect(formToken(page.text)).toBe(tokenIn(mail));
    expect((await me().expect(200)).body.emailVerified).toBe(false);

    const done = await t
      .http()
      .post('/verify-email')
      .type('form')
      .send(form({ token: tokenIn(mail) }))
      .expect(200);
    expect(done.text).toContain('<h1>Email address confirmed</h1>');
    expect((await me().expect(200)).body.emailVerified).toBe(true);

    const again = await t
      .http()
      .post('/verify-email')
      .type('form')
      .send(form({ token: tokenIn(mail) }))
      .expect(400);
    expect(again.text).toContain('The verification link is invalid or has expired.');
  });

  it('escapes whatever the query holds', async () => {
    const res = await t
      .http()
      .get(`/verify-email?token=${encodeURIComponent('"><script>alert(1)</script>')}`)
      .expect(200);
    expect(res.text).not.toMatch(/<script/i);
    expect(formToken(res.text)).toBe('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('answers a bad form with a page that names the problem', async () => {
    const twice = await t
      .http()
      .post('/verify-email')
      .type('form')
      .send('token=a&token=b')
      .expect(400);
    expect(twice.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(twice.text).toContain('token must be sent once');

    const missing = await t.http().post('/reset-password').type('form').send('token=a').expect(400);
    expect(missing.text).toContain('password');
    expect(missing.text).toMatch(/Reference: [0-9a-f-]{36}/);

    const undecodable = await t
      .http()
      .post('/verify-email')
      .type('form')
      .send('token=%FF')
      .expect(400);
    expect(undecodable.text).toContain('token must be percent-encoded UTF-8');
  });

  it('reads forms on these pages only: the API stays JSON and answers 415', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/password/reset')
      .type('form')
      .send(form({ token: 'x', password: STRONG }))
      .expect(415);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ statusCode: 415, requestId: expect.any(String) });
    await t
      .http()
      .post('/api/v1/auth/login')
      .type('form')
      .send(form({ email: 'a@example.com', password: STRONG }))
      .expect(415);
  });

  it('never writes a link token into a log line', async () => {
    const { link } = await resetLink();
    const token = link.searchParams.get('token') ?? '';
    await t.http().get(`${link.pathname}${link.search}`).expect(200);
    await t
      .http()
      .post('/reset-password')
      .type('form')
      .send(form({ token, password: 'password123', confirm: 'password123' }))
      .expect(400);
    await t
      .http()
      .post('/reset-password')
      .type('form')
      .send(form({ token, password: STRONG, confirm: STRONG }))
      .expect(200);
    const lines = logLines.join('');
    expect(lines).toContain('"route":"/reset-password"');
    expect(lines).not.toContain(token);
  });
});

describe('the pages under the public /api/v1/auth budget', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { THROTTLE_AUTH_LIMIT: '2', THROTTLE_AUTH_TTL: '60' } });
  });
  afterAll(() => t.close());

  it('answers past the limit with a page, its status and Retry-After', async () => {
    await t.http().get('/verify-email?token=a').expect(200);
    await t.http().get('/verify-email?token=b').expect(200);
    const refused = await t.http().get('/verify-email?token=c').expect(429);
    expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.text).toContain('<h1>Too many attempts</h1>');
    expect(refused.text).toContain('Try again in a minute, with the same link.');
    // The same budget as the API's public routes: the API is refused too, in JSON.
    const api = await t.http().post('/api/v1/auth/email/verify').send({ token: 'x' }).expect(429);
    expect(api.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
  });
});
