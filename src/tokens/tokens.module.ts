import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SecretsModule } from '../common/crypto/secrets.module';
import { RedisModule } from '../state/redis.module';
import { AccessTokenIssuer } from './access-token.issuer';
import { AccessTokenVerifier } from './access-token.verifier';
import { OneTimeTokenStore } from './one-time-token.store';
import { RefreshSessionStore } from './refresh-session.store';
import { RefreshTokenCodec } from './refresh-token';
import { RevocationStore } from './revocation.store';
import { jwtModuleOptions } from './jwt-options';
import { SigningKeys } from './signing-keys';
import { SigningKeysModule } from './signing-keys.module';
import { VerifiedTokenCache } from './verified-token.cache';

const TOKEN_SERVICES = [
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
  imports: [
    SecretsModule,
    RedisModule,
    SigningKeysModule,
    // Signing and verifying go through JwtService, with KeyObject keys chosen by kid.
    JwtModule.registerAsync({
      imports: [SigningKeysModule],
      inject: [SigningKeys, APP_CONFIG],
      useFactory: (keys: SigningKeys, config: AppConfig) => jwtModuleOptions(keys, config),
    }),
  ],
  providers: TOKEN_SERVICES,
  exports: [...TOKEN_SERVICES, SigningKeysModule],
})
export class TokensModule {}
