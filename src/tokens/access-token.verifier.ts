import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ROLES } from '../security/roles';
import { CLOCK_TOLERANCE_SECONDS, type AccessTokenClaims } from './access-token';
import { InvalidTokenError } from './access-token.errors';

/**
 * Verification of access tokens (RFC 8725) through JwtService: RS256 only, the key named by `kid`
 * among ours, `typ: at+jwt`, issuer, audience, expiry with a small tolerance (jwt-options.ts),
 * and claims of the right shape. Every bearer token is verified here (AccessTokenAuthenticator).
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(private readonly jwt: JwtService) {}

  /** Signature and claims; revocation is the caller's next step. */
  verify(rawToken: string, now = Date.now()): AccessTokenClaims {
    let payload: unknown;
    try {
      payload = this.jwt.verify<object>(rawToken, { clockTimestamp: Math.floor(now / 1000) });
    } catch {
      throw new InvalidTokenError();
    }
    return this.claimsOf(payload, now);
  }

  /**
   * Checks the shape of verified claims: a token we signed always passes. Also refuses an `iat`
   * later than now plus the tolerance (jsonwebtoken checks only exp and nbf): a token dated in the
   * future would outlive a logout-all, whose revocation covers tokens issued before it. Only
   * claims that pass are ever cached.
   */
  private claimsOf(payload: unknown, now = Date.now()): AccessTokenClaims {
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
