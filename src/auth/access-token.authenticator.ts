import { Injectable } from '@nestjs/common';
import type { AccessTokenClaims } from '../tokens/access-token';
import { InvalidTokenError } from '../tokens/access-token.errors';
import { AccessTokenVerifier } from '../tokens/access-token.verifier';
import { RevocationStore } from '../tokens/revocation.store';
import { VerifiedTokenCache } from '../tokens/verified-token.cache';
import type { UserPrincipal } from '../security/principal';

/**
 * From a verified access token to a principal: the verified-token cache first, the revocation
 * check always (one store round trip, no database query).
 */
@Injectable()
export class AccessTokenAuthenticator {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly cache: VerifiedTokenCache,
    private readonly revocations: RevocationStore,
  ) {}

  /** Every bearer token comes here: the guard's strategy and the verify route. */
  async authenticate(rawToken: string): Promise<UserPrincipal> {
    const cached = this.cache.get(rawToken);
    if (cached !== undefined) return this.principalFor(cached);
    const claims = this.verifier.verify(rawToken);
    this.cache.set(rawToken, claims);
    return this.principalFor(claims);
  }

  /** Claims already verified (here or by the cache) to a principal: the revocation check. */
  private async principalFor(claims: AccessTokenClaims): Promise<UserPrincipal> {
    const revoked = await this.revocations.isRevoked({
      userId: claims.sub,
      sessionId: claims.sid,
      jti: claims.jti,
      iat: claims.iat,
      exp: claims.exp,
    });
    if (revoked) throw new InvalidTokenError();
    return {
      type: 'user',
      userId: claims.sub,
      sessionId: claims.sid,
      roles: claims.roles,
      token: { jti: claims.jti, iat: claims.iat, exp: claims.exp },
    };
  }
}
