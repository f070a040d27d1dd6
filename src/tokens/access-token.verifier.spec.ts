import { JwtService } from '@nestjs/jwt';
import { generateKeyPairSync } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config';
import { CLOCK_TOLERANCE_SECONDS } from './access-token';
import { InvalidTokenError } from './access-token.errors';
import { AccessTokenVerifier } from './access-token.verifier';
import { jwtModuleOptions } from './jwt-options';
import { signingKeyFromPem } from './signing-key';
import type { SigningKeys } from './signing-keys';

const ISSUER = 'https://auth.example';
const AUDIENCE = 'api';
const NOW = Date.UTC(2030, 0, 1);
const NOW_S = Math.floor(NOW / 1000);

describe('AccessTokenVerifier', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const keys = { find: (kid: string) => (kid === key.kid ? key : undefined) } as SigningKeys;
  const config = { jwt: { issuer: ISSUER, audience: AUDIENCE } } as AppConfig;
  const verifier = new AccessTokenVerifier(new JwtService(jwtModuleOptions(keys, config)));

  function sign(
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
  ): string {
    return jwt.sign(
      {
        iss: ISSUER,
        aud: AUDIENCE,
        sub: '7d3c1b0e-8a57-4f0e-9a55-3b1f0c2d4e5f',
        sid: 'AAAAAAAAAAAAAAAAAAAAAA',
        jti: 'jti-1',
        roles: ['user'],
        iat: NOW_S,
        exp: NOW_S + 900,
        ...claims,
      },
      privateKey,
      { algorithm: 'RS256', header: { alg: 'RS256', typ: 'at+jwt', kid: key.kid, ...header } },
    );
  }

  it('accepts a token as the service issues it', () => {
    expect(verifier.verify(sign(), NOW)).toMatchObject({ sub: expect.any(String), iat: NOW_S });
  });

  it.each([
    ['another issuer', { iss: 'https://elsewhere.example' }, {}],
    ['another audience', { aud: 'other-api' }, {}],
    ['an expired token beyond the tolerance', { exp: NOW_S - CLOCK_TOLERANCE_SECONDS - 1 }, {}],
    ['a token not yet valid', { nbf: NOW_S + CLOCK_TOLERANCE_SECONDS + 60 }, {}],
    ['an unknown kid', {}, { kid: 'not-ours' }],
    ['another type', {}, { typ: 'JWT' }],
    ['a role we do not know', { roles: ['root'] }, {}],
    ['no session id', { sid: undefined }, {}],
  ])('refuses %s', (_label, claims, header) => {
    expect(() => verifier.verify(sign(claims, header), NOW)).toThrow(InvalidTokenError);
  });

  it('refuses another algorithm, even one signed with our public key as an HMAC secret', () => {
    const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const forged = jwt.sign(
      { iss: ISSUER, aud: AUDIENCE, sub: 'x', sid: 's', jti: 'j', roles: [] },
      publicPem,
      {
        algorithm: 'HS256',
        header: { alg: 'HS256', typ: 'at+jwt', kid: key.kid },
      },
    );
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: key.kid })).toString(
        'base64url',
      ),
      Buffer.from(
        JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: NOW_S + 60 }),
      ).toString('base64url'),
      '',
    ].join('.');
    expect(() => verifier.verify(forged, NOW)).toThrow(InvalidTokenError);
    expect(() => verifier.verify(unsigned, NOW)).toThrow(InvalidTokenError);
  });

  it.each([
    ['an unknown extension', { crit: ['x-unknown'], 'x-unknown': true }],
    ['a registered header parameter', { crit: ['exp'] }],
    ['an empty list', { crit: [] }],
  ])('refuses a header whose crit names %s', (_label, header) => {
    expect(() => verifier.verify(sign({}, header), NOW)).toThrow(InvalidTokenError);
  });

  it('tolerates an iat up to the clock tolerance ahead, and refuses one beyond it', () => {
    const edge = NOW_S + CLOCK_TOLERANCE_SECONDS;
    expect(verifier.verify(sign({ iat: edge, exp: edge + 900 }), NOW).iat).toBe(edge);
    expect(() => verifier.verify(sign({ iat: edge + 1, exp: edge + 900 }), NOW)).toThrow(
      InvalidTokenError,
    );
    expect(() => verifier.verify(sign({ iat: NOW_S + 3600, exp: NOW_S + 4500 }), NOW)).toThrow(
      InvalidTokenError,
    );
  });
});
