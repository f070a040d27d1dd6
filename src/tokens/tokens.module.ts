import { Module } from '@nestjs/common';
import { AccessTokenIssuer } from './access-token.issuer';
import { AccessTokenVerifier } from './access-token.verifier';
import { RefreshSessionStore } from './refresh-session.store';
import { RevocationStore } from './revocation.store';
import { SigningKeys } from './signing-keys';
import { VerifiedTokenCache } from './verified-token.cache';

/** Signing keys and JWKS, access tokens, refresh sessions, revocation. */
@Module({
  providers: [
    SigningKeys,
    AccessTokenIssuer,
    AccessTokenVerifier,
    VerifiedTokenCache,
    RefreshSessionStore,
    RevocationStore,
  ],
  exports: [
    SigningKeys,
    AccessTokenIssuer,
    AccessTokenVerifier,
    VerifiedTokenCache,
    RefreshSessionStore,
    RevocationStore,
  ],
})
export class TokensModule {}
