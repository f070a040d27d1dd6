import { Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { ROLES } from '../security/roles';
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

  /**
   * The public key for a token: by its `kid`, and only for a header of the right type. Both the
   * passport-jwt strategy and verify() come through here, so every header rule lives here.
   */
  keyFor(rawToken: string): KeyObject {
    if (rawToken.length > MAX_ACCESS_TOKEN_LENGTH) throw new InvalidTokenError();
    const decoded = jwt.decode(rawToken, { complete: true });
    const header = decoded?.header;
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
    const key = this.keys.find(header.kid);
    if (key === undefined) throw new InvalidTokenError();
    return key.publicKey;
  }

  /** Signature and claims; revocation is the caller's next step. */
  verify(rawToken: string, now = Date.now()): AccessTokenClaims {
    let payload: unknown;
    try {
      payload = jwt.verify(rawToken, this.keyFor(rawToken), {
        ...this.verifyOptions,
        clockTimestamp: Math.floor(now / 1000),
      });
    } catch {
      throw new InvalidTokenError();
    }
    return this.claimsOf(payload, now);
  }

  /**
   * Checks the shape of verified claims: a token we signed always passes. Also refuses an `iat`
   * later than now plus the tolerance (jsonwebtoken checks only exp and nbf): a token dated in the
   * future would outlive a logout-all, whose revocation covers tokens issued before it. Both
   * verification paths end here, and only claims that pass are ever cached.
   */
  claimsOf(payload: unknown, now = Date.now()): AccessTokenClaims {
    const claims = payload as Partial<AccessTokenClaims> | null;
    const valid =
      claims !== null &&
      typeof claims === 'object' &&
      typeof claims.sub === 'string' &&
      typeof claims.sid === 'string' &&
      typeof claims.jti === 'string' &&
      typeof claims.iat === 'number' &&
      Number.isFinite(claims.iat) &&
      claims.iat <= Math.floor(now / 1000) + CLOCK_TOLERANCE_SECONDS &&
      typeof claims.exp === 'number' &&
      Array.isArray(claims.roles) &&
      claims.roles.every((role) => (ROLES as readonly string[]).includes(role));
    if (!valid) throw new InvalidTokenError();
    return claims as AccessTokenClaims;
  }
}
