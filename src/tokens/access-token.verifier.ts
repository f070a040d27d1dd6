import { Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { ROLES } from '../users/user.entity';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  CLOCK_TOLERANCE_SECONDS,
  type AccessTokenClaims,
} from './access-token';
import { InvalidTokenError } from './access-token.errors';
import { SigningKeys } from './signing-keys';

/** Longer than any token this service issues; larger inputs are refused before any parsing. */
export const MAX_ACCESS_TOKEN_LENGTH = 4096;

/**
 * Verification of access tokens (RFC 8725): RS256 only, the key named by `kid` among ours,
 * `typ: at+jwt`, issuer, audience, expiry with a small tolerance, and claims of the right shape.
 * The same options serve the passport-jwt strategy and the routes that verify a token themselves.
 */
@Injectable()
export class AccessTokenVerifier {
  readonly verifyOptions: jwt.VerifyOptions & { algorithms: jwt.Algorithm[] };

  constructor(
    private readonly keys: SigningKeys,
    @InjectConfig() config: AppConfig,
  ) {
    this.verifyOptions = {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      complete: false,
    };
  }

  /** The public key for a token: by its `kid`, and only for a header of the right type. */
  keyFor(rawToken: string): KeyObject {
    if (rawToken.length > MAX_ACCESS_TOKEN_LENGTH) throw new InvalidTokenError();
    const decoded = jwt.decode(rawToken, { complete: true });
    const header = decoded?.header;
    if (
      header?.alg !== ACCESS_TOKEN_ALGORITHM ||
      header.typ !== ACCESS_TOKEN_TYPE ||
      typeof header.kid !== 'string'
    ) {
      throw new InvalidTokenError();
    }
    const key = this.keys.find(header.kid);
    if (key === undefined) throw new InvalidTokenError();
    return key.publicKey;
  }

  /** Signature and claims; revocation is the caller's next step. */
  verify(rawToken: string): AccessTokenClaims {
    let payload: unknown;
    try {
      payload = jwt.verify(rawToken, this.keyFor(rawToken), this.verifyOptions);
    } catch {
      throw new InvalidTokenError();
    }
    return this.claimsOf(payload);
  }

  /** Checks the shape of verified claims: a token we signed always passes. */
  claimsOf(payload: unknown): AccessTokenClaims {
    const claims = payload as Partial<AccessTokenClaims> | null;
    const valid =
      claims !== null &&
      typeof claims === 'object' &&
      typeof claims.sub === 'string' &&
      typeof claims.sid === 'string' &&
      typeof claims.jti === 'string' &&
      typeof claims.iat === 'number' &&
      typeof claims.exp === 'number' &&
      Array.isArray(claims.roles) &&
      claims.roles.every((role) => (ROLES as readonly string[]).includes(role));
    if (!valid) throw new InvalidTokenError();
    return claims as AccessTokenClaims;
  }
}
