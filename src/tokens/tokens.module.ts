import { Module } from '@nestjs/common';
import { SecretsModule } from '../common/crypto/secrets.module';
import { RedisModule } from '../state/redis.module';
import { AccessTokenIssuer } from './access-token.issuer';
import { AccessTokenVerifier } from './access-token.verifier';
import { OneTimeTokenStore } from './one-time-token.store';
import { RefreshSessionStore } from './refresh-session.store';
import { RefreshTokenCodec } from './refresh-token';
import { RevocationStore } from './revocation.store';
import { SigningKeys } from './signing-keys';
import { VerifiedTokenCache } from './verified-token.cache';

const TOKEN_SERVICES = [
  SigningKeys,
  AccessTokenIssuer,
  AccessTokenVerifier,
  VerifiedTokenCache,
  RefreshTokenCodec,
  RefreshSessionStore,
  RevocationStore,
  OneTimeTokenStore,
];

/** Signing keys and JWKS, access tokens, refresh tokens and sessions, revocation. */
@Module({
  imports: [SecretsModule, RedisModule],
  providers: TOKEN_SERVICES,
  exports: TOKEN_SERVICES,
})
export class TokensModule {}
