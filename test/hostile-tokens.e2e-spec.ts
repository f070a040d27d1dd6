import { createPublicKey } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { me, register, type SignedIn } from './support/accounts';
import { appSigningKey, decodeParts, signAsApp } from './support/app-keys';
import { createTestApp, type TestApp } from './support/test-app';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('hostile access tokens', () => {
  let t: TestApp;
  let user: SignedIn;
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    t = await createTestApp();
    user = await register(t);
    claims = decodeParts(user.accessToken).payload;
  });
  afterAll(() => t.close());

  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => string][] = [
    ...['none', 'None', 'NONE', 'nOnE'].map((alg): [string, () => string] => [
      `alg: ${alg}`,
      () => `${b64({ alg, typ: 'at+jwt' })}.${b64({ ...claims, roles: ['admin'] })}.`,
    ]),
    [
      'HS256 signed with the public key',
      () => {
        const publicPem = createPublicKey(appSigningKey(t).privateKey).export({
          type: 'spki',
          format: 'pem',
        });
        const { header, payload } = decodeParts(user.accessToken);
        return jwt.sign(payload, publicPem.toString(), {
          algorithm: 'HS256',
          header: { ...header, alg: 'HS256' },
        });
      },
    ],
    [
      'a tampered payload',
      () => {
        const [header, , signature] = user.accessToken.split('.');
        return `${header}.${b64({ ...claims, roles: ['admin'] })}.${signature}`;
      },
    ],
    ['an emptied signature', () => `${user.accessToken.split('.').slice(0, 2).join('.')}.`],
    [
      'an unknown kid',
      () =>
        signAsApp(
          t,
          { sub: user.userId, sid: claims.sid },
          { header: { kid: 'not-a-key-of-ours' } },
        ),
    ],
    [
      'a wrong typ',
      () => signAsApp(t, { sub: user.userId, sid: claims.sid }, { header: { typ: 'JWT' } }),
    ],
    [
      'a wrong iss',
      () => signAsApp(t, { sub: user.userId, sid: claims.sid, iss: 'https://evil.example' }),
    ],
    ['a wrong aud', () => signAsApp(t, { sub: user.userId, sid: claims.sid, aud: 'another-api' })],
    [
      'an expired token',
      () =>
        signAsApp(t, { sub: user.userId, sid: claims.sid, iat: now() - 1000, exp: now() - 100 }),
    ],
    [
      'a not-yet-valid token',
      () => signAsApp(t, { sub: user.userId, sid: claims.sid, nbf: now() + 600 }),
    ],
    [
      'a token for a session that does not exist',
      () => signAsApp(t, { sub: user.userId, sid: 'AAAAAAAAAAAAAAAAAAAAAA' }),
    ],
    ['a token without the sid claim', () => signAsApp(t, { sub: user.userId })],
    ['a refresh token', () => user.refreshToken],
    ['garbage', () => 'not.a.jwt'],
    ['a 64 KB token', () => 'a'.repeat(64 * 1024)],
  ];

  it.each(cases)('refuses %s with 401', async (_label, make) => {
    const res = await me(t, make());
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token"');
    expect(res.body).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'invalid_token',
    });
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer a b'], ['Token abc']])(
    'refuses the header %j with 401',
    async (value) => {
      const res = await t.http().get('/api/v1/auth/me').set('authorization', value);
      expect(res.status).toBe(401);
    },
  );

  it('still accepts the genuine token after all that', async () => {
    await me(t, user.accessToken).expect(200);
  });

  it('refuses both credentials at once with 400', async () => {
    const res = await me(t, user.accessToken).set('x-api-key', 'sk_x_y').expect(400);
    expect(res.body.code).toBe('ambiguous_credentials');
  });
});
