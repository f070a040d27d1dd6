import { JwtSecretRequestType, type JwtModuleOptions } from '@nestjs/jwt';
import type { KeyObject } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, CLOCK_TOLERANCE_SECONDS } from './access-token';
import { InvalidTokenError } from './access-token.errors';
import type { SigningKeys } from './signing-keys';

/** Longer than any token this service issues; larger inputs are refused before any parsing. */
export const MAX_ACCESS_TOKEN_LENGTH = 4096;

/**
 * The public key for a token: by its `kid`, and only for a header of the right type. JwtService
 * asks for it on every verification, so every header rule lives here.
 */
export function verificationKeyFor(keys: SigningKeys, rawToken: string): KeyObject {
  if (rawToken.length > MAX_ACCESS_TOKEN_LENGTH) throw new InvalidTokenError();
  const header = jwt.decode(rawToken, { complete: true })?.header;
  if (
    header?.alg !== ACCESS_TOKEN_ALGORITHM ||
    header.typ !== ACCESS_TOKEN_TYPE ||
    typeof header.kid !== 'string' ||
    // RFC 7515 §4.1.11: an extension named in `crit` must be understood, and this service
    // understands none. jsonwebtoken ignores `crit`, so the check is ours.
    Object.prototype.hasOwnProperty.call(header, 'crit')
  ) {
    throw new InvalidTokenError();
  }
  const key = keys.find(header.kid);
  if (key === undefined) throw new InvalidTokenError();
  return key.publicKey;
}

/**
 * JwtModule's options (RFC 8725): RS256 only, signed by the active key and verified by the key
 * its `kid` names, both as KeyObjects (a PEM string parsed per request would cost a quarter of
 * the throughput); issuer, audience and a 30 s clock tolerance.
 */
export function jwtModuleOptions(keys: SigningKeys, config: AppConfig): JwtModuleOptions {
  return {
    secretOrKeyProvider: (requestType, tokenOrPayload) =>
      requestType === JwtSecretRequestType.SIGN
        ? keys.active.privateKey
        : verificationKeyFor(keys, typeof tokenOrPayload === 'string' ? tokenOrPayload : ''),
    signOptions: {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    },
    verifyOptions: {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    },
  };
}
