import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { AccessTokenVerifier } from '../../tokens/access-token.verifier';
import { AccessTokenAuthenticator } from '../access-token.authenticator';
import type { UserPrincipal } from '../../security/principal';
import { asGuardedRequest, bearerTokenOf, type GuardedRequest } from '../guards/guarded-request';

export const JWT_STRATEGY = 'jwt';

/**
 * The one place where a bearer token becomes a principal, top to bottom: the token the guard
 * classified (never extracted again), the verified-token cache (a hit skips the RSA check), else
 * passport-jwt's verification with the key by `kid` (RS256 only, issuer, audience, clock
 * tolerance from the verifier), then in validate() the claims' shape and the revocation check,
 * which runs on every request, cached or not.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    verifier: AccessTokenVerifier,
    private readonly authenticator: AccessTokenAuthenticator,
  ) {
    const keyProvider: SecretOrKeyProvider = (_request, rawToken, done) => {
      try {
        // passport-jwt hands the key to jsonwebtoken, which takes a KeyObject (a PEM string parsed
        // per request would cost a quarter of the throughput); its published types say string.
        done(null, verifier.keyFor(String(rawToken)) as unknown as string);
      } catch (error) {
        done(error);
      }
    };
    const { algorithms, issuer, audience, clockTolerance } = verifier.verifyOptions;
    super({
      jwtFromRequest: (request: GuardedRequest) => bearerTokenOf(request),
      secretOrKeyProvider: keyProvider,
      algorithms,
      issuer: issuer as string,
      audience: audience as string,
      jsonWebTokenOptions: { clockTolerance },
      passReqToCallback: true,
    });
  }

  override authenticate(request: Parameters<Strategy['authenticate']>[0], options?: object): void {
    const token = bearerTokenOf(asGuardedRequest(request));
    const cached = token === null ? undefined : this.authenticator.cached(token);
    if (cached === undefined) {
      super.authenticate(request, options);
      return;
    }
    this.authenticator.principalFor(cached).then(
      (principal) => this.success(principal),
      (error: Error) => this.error(error),
    );
  }

  validate(request: GuardedRequest, payload: unknown): Promise<UserPrincipal> {
    return this.authenticator.fromVerifiedPayload(bearerTokenOf(request) ?? '', payload);
  }
}
