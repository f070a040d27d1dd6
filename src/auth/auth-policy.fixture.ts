import { JwtService } from '@nestjs/jwt';
import { Test, type TestingModule } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { MemoryAuditEvents } from '../audit/memory-audit-events.fixture';
import { BackgroundTasks } from '../common/background/background-tasks';
import { ServerSecret } from '../common/crypto/server-secret';
import type { RequestMeta } from '../common/http/request-meta';
import { MetricsService } from '../common/metrics/metrics.service';
import { loadConfig, type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Mailer, type MailMessage } from '../mail/mailer';
import { AttemptBudget } from '../rate-limit/attempt-budget';
import { RATE_LIMIT_STORAGE, RateLimiter } from '../rate-limit/rate-limiter';
import { ThrottlerHitsStorage } from '../rate-limit/throttler-hits.storage';
import { KeyValueStore } from '../state/key-value.store';
import { MemoryKeyValueStore } from '../state/memory-key-value.store';
import { AccessTokenIssuer } from '../tokens/access-token.issuer';
import { OneTimeTokenStore } from '../tokens/one-time-token.store';
import { RefreshSessionStore } from '../tokens/refresh-session.store';
import { RefreshTokenCodec } from '../tokens/refresh-token';
import { RevocationStore } from '../tokens/revocation.store';
import { jwtModuleOptions } from '../tokens/jwt-options';
import { SigningKeys } from '../tokens/signing-keys';
import { MemoryUsersTable } from '../users/memory-users.fixture';
import { PasswordHasher } from '../users/password-hasher';
import { PasswordPolicy } from '../users/password-policy';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { EmailVerificationService } from './email-verification.service';
import { LoginService } from './login.service';
import { PasswordService } from './password.service';
import { SessionTokensService } from './session-tokens.service';
import { KnownClients } from './throttling/known-clients';
import { LoginDelay } from './throttling/login-delay';
import { Sleeper, TimerSleeper } from '../common/time/sleeper';
import { PasswordGuesses } from './throttling/password-guesses';
import { ResetMailGate } from './throttling/reset-mail-gate';

/** Mail kept in a list: the specs read the links out of it. */
export class RecordingMailer extends Mailer {
  readonly sent: MailMessage[] = [];
  send(message: MailMessage): void {
    this.sent.push(message);
  }
}

let signingKey: string | undefined;
/** One RSA key per spec file: generating one costs more than the tests that use it. */
function testSigningKey(): string {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return signingKey;
}

export interface AuthPolicyWorld {
  module: TestingModule;
  config: AppConfig;
  store: MemoryKeyValueStore;
  users: MemoryUsersTable;
  audit: MemoryAuditEvents;
  mailer: RecordingMailer;
  get<T>(type: new (...args: never[]) => T): T;
  /** Registers an account (the real UsersService: policy, bcrypt at cost 4). */
  register(email?: string, password?: string): Promise<User>;
  close(): Promise<void>;
}

export const meta: RequestMeta = {
  ip: '203.0.113.7',
  userAgent: 'policy-spec',
  requestId: 'spec',
};
export const PASSWORD = 'correct horse battery staple';
export const NEW_PASSWORD = 'violet tangerine submarine 42';

/**
 * The sign-in, session and password services as the app wires them, on the real memory store,
 * real token stores and a real bcrypt at its minimum cost: no app boot, no HTTP, no mocks of
 * the service's own classes. The database is the one seam: the users and audit tables live in
 * memory (MemoryUsersTable, MemoryAuditEvents), since PGlite's boot would cost more than every
 * test here. `env` overrides configuration variables.
 */
export async function authPolicyWorld(env: Record<string, string> = {}): Promise<AuthPolicyWorld> {
  const config = loadConfig({
    NODE_ENV: 'test',
    BCRYPT_ROUNDS: '4',
    JWT_PRIVATE_KEYS: testSigningKey(),
    TOKEN_SECRET: randomBytes(32).toString('base64url'),
    LOGIN_DELAY_BASE_MS: '0',
    ...env,
  });
  const store = new MemoryKeyValueStore();
  const users = new MemoryUsersTable();
  const audit = new MemoryAuditEvents();
  const mailer = new RecordingMailer();
  const module = await Test.createTestingModule({
    providers: [
      { provide: APP_CONFIG, useValue: config },
      { provide: KeyValueStore, useValue: store },
      { provide: getRepositoryToken(User), useValue: users },
      { provide: getRepositoryToken(AuditEvent), useValue: audit },
      { provide: Mailer, useValue: mailer },
      { provide: RATE_LIMIT_STORAGE, useValue: new ThrottlerHitsStorage(store) },
      MetricsService,
      BackgroundTasks,
      AuditService,
      ServerSecret,
      SigningKeys,
      {
        provide: JwtService,
        inject: [SigningKeys],
        useFactory: (keys: SigningKeys) => new JwtService(jwtModuleOptions(keys, config)),
      },
      AccessTokenIssuer,
      RefreshTokenCodec,
      RefreshSessionStore,
      RevocationStore,
      OneTimeTokenStore,
      PasswordHasher,
      PasswordPolicy,
      UsersService,
      RateLimiter,
      AttemptBudget,
      LoginDelay,
      { provide: Sleeper, useClass: TimerSleeper },
      KnownClients,
      PasswordGuesses,
      ResetMailGate,
      EmailVerificationService,
      SessionTokensService,
      LoginService,
      PasswordService,
    ],
  }).compile();
  await module.init();
  const get = <T>(type: new (...args: never[]) => T): T => module.get(type);
  return {
    module,
    config,
    store,
    users,
    audit,
    mailer,
    get,
    register: (email = `user-${randomBytes(4).toString('hex')}@example.com`, password = PASSWORD) =>
      get(UsersService).create({ email, password }),
    close: async () => {
      await module.close();
      store.close();
    },
  };
}
