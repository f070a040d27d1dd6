import { PASSWORD, refresh, uniqueEmail } from './support/accounts';
import { createTestApp, type TestApp } from './support/test-app';

function cookieOf(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie.join(';') : String(setCookie);
  const match = /refresh_token=([^;]*)/.exec(header);
  if (!match) throw new Error(`no refresh_token cookie in ${header}`);
  return match[1];
}

describe('refresh token in an httpOnly cookie', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });
  });
  afterAll(() => t.close());

  /** A browser's refresh: the cookie, the marker header, and an Origin. */
  const cookieRefresh = (cookie: string, origin: string) =>
    t
      .http()
      .post('/api/v1/auth/refresh')
      .set('cookie', `refresh_token=${cookie}`)
      .set('origin', origin)
      .set('x-requested-with', 'fetch');

  async function browserSignUp(): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/auth/register')
      .set('x-auth-mode', 'cookie')
      .send({ email: uniqueEmail('browser'), password: PASSWORD })
      .expect(201);
    expect(res.body.refreshToken).toBeUndefined();
    return cookieOf(res.headers['set-cookie']);
  }

  it('X-Auth-Mode: body keeps the token out of cookies', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/register')
      .set('x-auth-mode', 'body')
      .send({ email: uniqueEmail(), password: PASSWORD })
      .expect(201);
    expect(res.body.refreshToken).toMatch(/^[\w-]{107}$/);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refreshes with the cookie from an allowed origin, and rotates the cookie', async () => {
    const cookie = await browserSignUp();
    const res = await cookieRefresh(cookie, 'https://app.example.com')
      .set('x-auth-mode', 'cookie')
      .expect(200);
    expect(res.body.refreshToken).toBeUndefined();
    expect(cookieOf(res.headers['set-cookie'])).not.toBe(cookie);
  });

  it('refuses a cookie refresh from another origin', async () => {
    const cookie = await browserSignUp();
    const res = await cookieRefresh(cookie, 'https://evil.example').expect(403);
    expect(res.body.code).toBe('cross_site_request');
  });

  it("accepts the service's own origin, on whatever host name it was reached (Swagger UI)", async () => {
    // Swagger UI opened at a LAN address: its Origin is the Host the request is sent to.
    const cookie = await browserSignUp();
    await cookieRefresh(cookie, 'http://192.0.2.10:3000')
      .set('host', '192.0.2.10:3000')
      .expect(200);
    // The same Origin sent to another host name is another site's.
    const other = await browserSignUp();
    const res = await cookieRefresh(other, 'http://192.0.2.10:3000')
      .set('host', 'docs.example.internal:3000')
      .expect(403);
    expect(res.body.code).toBe('cross_site_request');
    // And the scheme counts: a page served over https is not the http origin.
    await cookieRefresh(other, 'https://192.0.2.10:3000')
      .set('host', '192.0.2.10:3000')
      .expect(403);
  });

  it('refuses a cookie refresh that a plain HTML form could send', async () => {
    const cookie = await browserSignUp();
    await t
      .http()
      .post('/api/v1/auth/refresh')
      .set('cookie', `refresh_token=${cookie}`)
      .expect(403);
  });

  it('accepts a JSON body instead of X-Requested-With', async () => {
    const cookie = await browserSignUp();
    await t
      .http()
      .post('/api/v1/auth/refresh')
      .set('cookie', `refresh_token=${cookie}`)
      .send({})
      .expect(200);
  });

  it('logout with the cookie ends the session and clears the cookie', async () => {
    const cookie = await browserSignUp();
    const res = await t
      .http()
      .post('/api/v1/auth/logout')
      .set('cookie', `refresh_token=${cookie}`)
      .send({})
      .expect(204);
    expect(String(res.headers['set-cookie'])).toMatch(/refresh_token=;.*Expires=Thu, 01 Jan 1970/);
    await refresh(t, cookie).expect(401);
  });
});

describe('REFRESH_TOKEN_TRANSPORT=cookie', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { REFRESH_TOKEN_TRANSPORT: 'cookie' } });
  });
  afterAll(() => t.close());

  it('never puts the refresh token in the body, whatever the client asks', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/register')
      .set('x-auth-mode', 'body')
      .send({ email: uniqueEmail(), password: PASSWORD })
      .expect(201);
    expect(res.body.refreshToken).toBeUndefined();
    expect(cookieOf(res.headers['set-cookie'])).toMatch(/^[\w-]{107}$/);
  });
});
