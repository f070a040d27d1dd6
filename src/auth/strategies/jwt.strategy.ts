import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { InvalidTokenError } from '../../tokens/access-token.errors';
import { AccessTokenAuthenticator } from '../access-token.authenticator';
import type { UserPrincipal } from '../../security/principal';
import { asGuardedRequest, bearerTokenOf } from '../guards/guarded-request';

export const JWT_STRATEGY = 'jwt';

/**
 * The one place where a bearer token becomes a principal, top to bottom: the token the guard
 * classified (never extracted again), then validate(): the verified-token cache (a hit skips the
 * RSA check), else JwtService's verification (the key by `kid`, RS256 only, issuer, audience,
 * clock tolerance: tokens/jwt-options.ts), the claims' shape, and the revocation check, which
 * runs on every request, cached or not.
 *
 * passport-jwt gives the strategy its passport contract (name, success/fail/error); its own
 * verification would be a second configuration of the same rules, so authenticate() hands the
 * token to JwtService instead.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(private readonly authenticator: AccessTokenAuthenticator) {
    super({
      jwtFromRequest: bearerTokenOf,
      // Required by passport-jwt's constructor; never consulted, as authenticate() verifies.
      secretOrKeyProvider: (_request, _rawToken, done) => done(new InvalidTokenError()),
    });
  }

  override authenticate(request: Parameters<Strategy['authenticate']>[0]): void {
    const token = bearerTokenOf(asGuardedRequest(request));
    if (token === null) {
      this.fail(401);
      return;
    }
    this.validate(token).then(
      (principal) => this.success(principal),
      (error: Error) => this.error(error),
    );
  }

  validate(token: string): Promise<UserPrincipal> {
    return this.authenticator.authenticate(token);
  }
}
