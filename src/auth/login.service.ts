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

/** An id no user has (users get random v4 ids): the stand-in for an unknown email. */
const NO_USER_ID = '00000000-0000-0000-0000-000000000000';

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
    const tokens = await this.sessions.open(user, await this.sessions.generation(user.id), meta);
    // Null only when an admin disabled or demoted the account in the instant since it was made.
    if (tokens === null) throw new InvalidCredentialsError();
    return { user, tokens };
  }

  /**
   * Never tells a wrong password from an unknown email or a disabled account: same status, same
   * body, the same bcrypt work (a dummy hash stands in for a missing user) and the same
   * progressive delay. The rate limits ran before this, in AuthThrottlerGuard. `deviceId` names
   * the client's device cookie (DeviceCookies): a successful login registers it, with the
   * address, among the account's known clients.
   */
  async login(input: LoginDto, meta: RequestMeta, deviceId?: string): Promise<IssuedTokens> {
    const email = canonicalEmail(input.email);
    const { user, generation } = await this.userAndGeneration(email);
    const passwordOk = await this.users.verifyPassword(user, input.password);
    if (user === null || !passwordOk || user.disabledAt !== null) {
      const reason = user === null ? 'unknown_email' : !passwordOk ? 'bad_password' : 'disabled';
      await this.audit.record({ type: 'login.failed', userId: user?.id ?? null, reason }, meta);
      await this.delay.failed(email);
      throw new InvalidCredentialsError();
    }
    await this.delay.succeeded(email);
    if (this.config.mail.requireEmailVerification && user.emailVerifiedAt === null) {
      await this.audit.record(
        { type: 'login.failed', userId: user.id, reason: 'email_not_verified' },
        meta,
      );
      throw new EmailNotVerifiedError();
    }
    const tokens = await this.sessions.open(user, generation, meta);
    if (tokens === null) {
      // A reset, change, disable, role removal or logout-all ran while this login checked the
      // password: it was checked against a state that no longer holds. The ordinary 401.
      await this.audit.record(
        { type: 'login.failed', userId: user.id, reason: 'credentials_changed' },
        meta,
      );
      throw new InvalidCredentialsError();
    }
    // Under the generation the session was opened under, never a later one: a reset that ran
    // since then has forgotten the account's clients, and this login must not bring its back.
    await this.knownClients.remember(
      email,
      { userId: user.id, generation },
      { ip: meta.ip, deviceId },
    );
    await this.audit.record({ type: 'login.succeeded', userId: user.id }, meta);
    return tokens;
  }

  /**
   * The user row, read after the user's credential generation (docs/security.md → Session
   * generations). Flows that change credentials write the database first and bump the
   * generation after, so a row read after the generation is at least as new as it: a session
   * opened under that generation was checked against the right password, roles and state. The
   * email lookup only finds the id; an unknown email makes the same two round trips (on an id
   * no user has), so the timing does not tell it apart.
   */
  private async userAndGeneration(
    email: string,
  ): Promise<{ user: User | null; generation: number }> {
    const found = await this.users.findByEmail(email);
    const id = found?.id ?? NO_USER_ID;
    const generation = await this.sessions.generation(id);
    const user = await this.users.findById(id);
    return { user: found === null ? null : user, generation };
  }
}
