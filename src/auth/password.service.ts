import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { BackgroundTasks } from '../common/background/background-tasks';
import type { RequestMeta } from '../common/http/request-meta';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { Mailer } from '../mail/mailer';
import { mails } from '../mail/templates';
import { OneTimeTokenStore } from '../tokens/one-time-token.store';
import { UsersService } from '../users/users.service';
import { InvalidCurrentPasswordError, InvalidLinkTokenError } from './auth.errors';
import type { UserPrincipal } from './principal';
import { SessionTokensService } from './session-tokens.service';
import { LoginDelay } from './throttling/login-delay';

const invalidResetToken = () =>
  new InvalidLinkTokenError('invalid_reset_token', 'The reset link is invalid or has expired');

/** Forgot, reset and change (OWASP Forgot Password cheat sheet). */
@Injectable()
export class PasswordService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokenStore,
    private readonly sessions: SessionTokensService,
    private readonly mailer: Mailer,
    private readonly audit: AuditService,
    private readonly background: BackgroundTasks,
    private readonly delay: LoginDelay,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * The answer is the same, and takes about the same time, whether the account exists: one
   * lookup on the request path; the token, the audit event and the mail come after the answer.
   * Nothing about the account changes until a valid token is presented.
   */
  async forgot(email: string, meta: RequestMeta): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (user === null || user.disabledAt !== null) return;
    this.background.run('Password reset request', async () => {
      const ttl = this.config.mail.resetTokenTtl;
      const token = await this.tokens.issue('password-reset', user.id, ttl);
      this.mailer.send(
        mails.passwordReset(user.email, this.config.mail.appUrl, token, Math.round(ttl / 60)),
      );
      await this.audit.record({ type: 'password.reset_requested', userId: user.id }, meta);
    });
  }

  /**
   * A new password for the token's user, once: the policy is checked before the token is used
   * up (a weak password costs nothing), then every session and access token of the user ends.
   * No tokens in the answer: the user signs in again.
   */
  async reset(token: string, password: string, meta: RequestMeta): Promise<void> {
    const userId = await this.tokens.peek('password-reset', token);
    const user = userId === null ? null : await this.users.findById(userId);
    if (user === null || user.disabledAt !== null) throw invalidResetToken();
    this.users.checkPassword(user, password);
    if ((await this.tokens.consume('password-reset', token)) !== user.id) throw invalidResetToken();

    await this.users.setPassword(user, password);
    const ended = await this.sessions.endEverything(user.id);
    await this.audit.record(
      { type: 'password.reset', userId: user.id, details: { sessions: ended } },
      meta,
    );
    this.mailer.send(mails.passwordChanged(user.email));
  }

  /** The current password is required; the caller's other sessions end, this one stays. */
  async change(
    principal: UserPrincipal,
    currentPassword: string,
    newPassword: string,
    meta: RequestMeta,
  ): Promise<void> {
    const user = await this.users.getById(principal.userId);
    if (!(await this.users.verifyPassword(user, currentPassword))) {
      // A stolen access token must not become a password-guessing oracle.
      await this.delay.failed(user.email);
      throw new InvalidCurrentPasswordError();
    }
    await this.users.setPassword(user, newPassword, 'newPassword');
    const ended = await this.sessions.endOthers(user.id, principal.sessionId);
    await this.audit.record(
      { type: 'password.changed', userId: user.id, details: { sessions: ended } },
      meta,
    );
    this.mailer.send(mails.passwordChanged(user.email));
  }
}
