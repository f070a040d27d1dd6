import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { RequestMeta } from '../common/http/request-meta';
import { canonicalEmail } from '../users/email';
import { UsersService } from '../users/users.service';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import type { User } from '../users/user.entity';
import { EmailNotVerifiedError, InvalidCredentialsError } from './auth.errors';
import { EmailVerificationService } from './email-verification.service';
import type { LoginDto, RegisterDto } from './dto/auth.dto';
import { SessionTokensService, type IssuedTokens } from './session-tokens.service';
import { KnownClients } from './throttling/known-clients';
import { LoginDelay } from './throttling/login-delay';

export interface Registration {
  user: User;
  /** Absent while REQUIRE_EMAIL_VERIFICATION holds the account back. */
  tokens?: IssuedTokens;
}

/** Registration and password login: the two ways a session begins. */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionTokensService,
    private readonly audit: AuditService,
    private readonly delay: LoginDelay,
    private readonly knownClients: KnownClients,
    private readonly verification: EmailVerificationService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Creates the account and mails a verification link. Signs the user in, unless
   * REQUIRE_EMAIL_VERIFICATION is on: then the account waits for its link (no tokens).
   */
  async register(input: RegisterDto, meta: RequestMeta): Promise<Registration> {
    const user = await this.users.create({
      email: input.email,
      password: input.password,
      name: input.name ?? null,
    });
    await this.audit.record({ type: 'user.registered', userId: user.id }, meta);
    this.verification.sendLink(user);
    if (this.config.mail.requireEmailVerification) return { user };
    return { user, tokens: await this.sessions.open(user, meta) };
  }

  /**
   * Never tells a wrong password from an unknown email or a disabled account: same status, same
   * body, the same bcrypt work (a dummy hash stands in for a missing user) and the same
   * progressive delay. The rate limits ran before this, in AuthThrottlerGuard.
   */
  async login(input: LoginDto, meta: RequestMeta): Promise<IssuedTokens> {
    const email = canonicalEmail(input.email);
    const user = await this.users.findByEmail(email);
    const passwordOk = await this.users.verifyPassword(user, input.password);
    if (user === null || !passwordOk || user.disabledAt !== null) {
      const reason = user === null ? 'unknown_email' : !passwordOk ? 'bad_password' : 'disabled';
      await this.audit.record({ type: 'login.failed', userId: user?.id ?? null, reason }, meta);
      await this.delay.failed(email);
      throw new InvalidCredentialsError();
    }
    await this.delay.succeeded(email);
    await this.knownClients.remember(email, meta.ip);
    if (this.config.mail.requireEmailVerification && user.emailVerifiedAt === null) {
      await this.audit.record(
        { type: 'login.failed', userId: user.id, reason: 'email_not_verified' },
        meta,
      );
      throw new EmailNotVerifiedError();
    }
    await this.audit.record({ type: 'login.succeeded', userId: user.id }, meta);
    return this.sessions.open(user, meta);
  }
}
