import { createPublicKey } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { bearer, me, register, type SignedIn } from './support/accounts';
import { appSigningKey, decodeParts, signAsApp } from './support/app-keys';
import { rawRequest } from './support/raw-http';
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
    ...futureAndCritical(),
    ['a refresh token', () => user.refreshToken],
    ['garbage', () => 'not.a.jwt'],
    ['a 64 KB token', () => 'a'.repeat(64 * 1024)],
  ];

  /** Validly signed for the live session: only the header or the iat is wrong. */
  function futureAndCritical(): [string, () => string][] {
    return [
      [
        'a crit header naming an unknown extension',
        () =>
          signAsApp(
            t,
            { sub: user.userId, sid: claims.sid },
            { header: { crit: ['x-unknown'], 'x-unknown': true } },
          ),
      ],
      [
        'a crit header naming a registered parameter',
        () => signAsApp(t, { sub: user.userId, sid: claims.sid }, { header: { crit: ['kid'] } }),
      ],
      [
        'an iat an hour in the future',
        () =>
          signAsApp(t, {
            sub: user.userId,
            sid: claims.sid,
            iat: now() + 3600,
            exp: now() + 3600 + 600,
          }),
      ],
    ];
  }

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

  it.each(futureAndCritical())(
    'refuses %s on /auth/verify and logout too, and never caches it',
    async (_label, make) => {
      const token = make();
      const verified = await t.http().post('/api/v1/auth/verify').send({ token });
      expect(verified.status).toBe(401);
      expect(verified.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="invalid_token"',
      );
      expect(verified.body).toMatchObject({ code: 'invalid_token' });
      const logout = await t
        .http()
        .post('/api/v1/auth/logout')
        .set(...bearer(token))
        .send({});
      expect(logout.status).toBe(401);
      // Refused twice by the verifier path, and still refused on the passport path.
      const again = await me(t, token);
      expect(again.status).toBe(401);
      expect(again.body).toMatchObject({ code: 'invalid_token' });
    },
  );

  it('still accepts the genuine token after all that', async () => {
    await me(t, user.accessToken).expect(200);
  });

  it('refuses both credentials at once with 400', async () => {
    const res = await me(t, user.accessToken).set('x-api-key', 'sk_x_y').expect(400);
    expect(res.body.code).toBe('ambiguous_credentials');
  });

  describe('a credential header sent twice', () => {
    const genuine = (): string => `Bearer ${user.accessToken}`;

    it.each([
      ['the same token twice', () => ({ authorization: [genuine(), genuine()] })],
      ['the genuine token, then another', () => ({ authorization: [genuine(), 'Bearer x.y.z'] })],
      [
        'another token, then the genuine one',
        () => ({ authorization: ['Bearer x.y.z', genuine()] }),
      ],
      ['two API keys', () => ({ 'x-api-key': ['sk_x_y', 'sk_x_y'] })],
    ])('refuses %s with 400 before any credential is used', async (_label, headers) => {
      const res = await rawRequest(t, {
        method: 'GET',
        path: '/api/v1/auth/me',
        headers: headers(),
      });
      expect(res.status).toBe(400);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.body).toMatchObject({
        statusCode: 400,
        code: 'duplicate_credentials',
        message: expect.stringMatching(/^Send the (Authorization|X-API-Key) header once/),
      });
    });

    it('refuses it on the public logout route too, and the session lives on', async () => {
      const res = await rawRequest(t, {
        method: 'POST',
        path: '/api/v1/auth/logout',
        headers: { authorization: [genuine(), genuine()], 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'duplicate_credentials' });
      await me(t, user.accessToken).expect(200);
    });

    it('accepts one header sent once through the same client', async () => {
      const res = await rawRequest(t, {
        method: 'GET',
        path: '/api/v1/auth/me',
        headers: { authorization: genuine() },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ type: 'user', id: user.userId });
    });
  });
});
