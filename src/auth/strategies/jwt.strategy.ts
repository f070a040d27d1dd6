import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { AccessTokenVerifier } from '../../tokens/access-token.verifier';
import { AccessTokenAuthenticator } from '../access-token.authenticator';
import type { UserPrincipal } from '../../security/principal';

export const JWT_STRATEGY = 'jwt';
const extractBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * passport-jwt: the key by `kid` (secretOrKeyProvider), RS256 only, issuer, audience and clock
 * tolerance from the verifier, then the revocation check in validate().
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    verifier: AccessTokenVerifier,
    private readonly authenticator: AccessTokenAuthenticator,
  ) {
    const keyProvider: SecretOrKeyProvider = (_request, rawToken, done) => {
      try {
        // A KeyObject: parsing a PEM string on every request would cost a quarter of the throughput.
        done(null, verifier.keyFor(String(rawToken)) as unknown as string);
      } catch (error) {
        done(error);
      }
    };
    const { algorithms, issuer, audience, clockTolerance } = verifier.verifyOptions;
    super({
      jwtFromRequest: extractBearer,
      secretOrKeyProvider: keyProvider,
      algorithms,
      issuer: issuer as string,
      audience: audience as string,
      jsonWebTokenOptions: { clockTolerance },
      passReqToCallback: true,
    });
  }

  validate(request: FastifyRequest, payload: unknown): Promise<UserPrincipal> {
    return this.authenticator.fromVerifiedPayload(extractBearer(request) ?? '', payload);
  }
}
