import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RATE_LIMIT_STORAGE } from '../rate-limit/rate-limiter';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuditModule } from '../audit/audit.module';
import { BackgroundModule } from '../common/background/background.module';
import { MailModule } from '../mail/mail.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { RedisModule } from '../state/redis.module';
import { SecretsModule } from '../common/crypto/secrets.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AccessTokenAuthenticator } from './access-token.authenticator';
import { AccountController } from './account.controller';
import { AccountErrorPages } from './pages/account-error-pages';
import { AccountPagesController } from './pages/account-pages.controller';
import { ErrorPages } from '../common/errors/error-pages';
import { AuthController } from './auth.controller';
import { EmailVerificationService } from './email-verification.service';
import { PasswordService } from './password.service';
import { AuthenticationGuard } from './guards/authentication.guard';
import { ApiKeyAuthGuard } from './guards/api-key-auth.guard';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { JwksController } from './jwks.controller';
import { LoginService } from './login.service';
import { RefreshTokenTransport } from './refresh-token-transport';
import { SessionTokensService } from './session-tokens.service';
import { SessionsController } from './sessions.controller';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';
import { authThrottlers } from './throttling/auth-limits';
import { AuthThrottlerGuard } from './throttling/auth-throttler.guard';
import { DeviceCookies } from './throttling/device-cookies';
import { KnownClients } from './throttling/known-clients';
import { LoginDelay } from './throttling/login-delay';
import { Sleeper, TimerSleeper } from '../common/time/sleeper';
import { LoginLockouts } from './throttling/login-lockouts';
import { PasswordGuesses } from './throttling/password-guesses';
import { ResetMailGate } from './throttling/reset-mail-gate';

@Module({
  imports: [
    PassportModule,
    UsersModule,
    TokensModule,
    ApiKeysModule,
    SecretsModule,
    AuditModule,
    BackgroundModule,
    MailModule,
    RateLimitModule,
    RedisModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitModule],
      inject: [APP_CONFIG, RATE_LIMIT_STORAGE],
      useFactory: (config: AppConfig, storage: ThrottlerStorage) => ({
        throttlers: authThrottlers(config),
        storage,
        // The guard sets RateLimit-* and Retry-After itself, by the names API.md gives.
        setHeaders: false,
      }),
    }),
  ],
  controllers: [
    AuthController,
    AccountController,
    AccountPagesController,
    SessionsController,
    JwksController,
  ],
  providers: [
    LoginService,
    PasswordService,
    EmailVerificationService,
    SessionTokensService,
    RefreshTokenTransport,
    AccessTokenAuthenticator,
    JwtStrategy,
    JwtAuthGuard,
    ApiKeyStrategy,
    ApiKeyAuthGuard,
    AuthThrottlerGuard,
    LoginLockouts,
    LoginDelay,
    { provide: Sleeper, useClass: TimerSleeper },
    KnownClients,
    DeviceCookies,
    PasswordGuesses,
    ResetMailGate,
    { provide: ErrorPages, useClass: AccountErrorPages },
    // Deny by default: every route of every module passes this guard unless it is @Public().
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [SessionTokensService, ErrorPages],
})
export class AuthModule {}
