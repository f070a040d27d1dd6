import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { BackgroundTasks } from '../common/background/background-tasks';
import type { RequestMeta } from '../common/http/request-meta';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { Mailer } from '../mail/mailer';
import { mails } from '../mail/templates';
import { OneTimeTokenStore } from '../tokens/one-time-token.store';
import { canonicalEmail } from '../users/email';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { InvalidCurrentPasswordError, InvalidLinkTokenError } from './auth.errors';
import type { UserPrincipal } from '../security/principal';
import { SessionTokensService } from './session-tokens.service';
import { LoginDelay } from './throttling/login-delay';
import { PasswordGuesses } from './throttling/password-guesses';
import { ResetMailGate } from './throttling/reset-mail-gate';

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
    private readonly guesses: PasswordGuesses,
    private readonly resetMail: ResetMailGate,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * The answer is the same, and takes about the same time, whether the account exists: one
   * lookup on the request path; the token, the audit event and the mail come after the answer.
   * Nothing about the account changes until a valid token is presented. Always 202: what is
   * limited is the mail (ResetMailGate), never the answer.
   */
  async forgot(email: string, meta: RequestMeta): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (user === null || user.disabledAt !== null) return;
    this.background.run('Password reset request', async () => {
      // A request the gate holds back issues no token either: a stranger asking again must not
      // replace the link the owner was mailed moments ago (the newest mail always works).
      const mailed = await this.resetMail.admit(canonicalEmail(user.email), meta.ip);
      if (mailed) {
        const ttl = this.config.mail.resetTokenTtl;
        const token = await this.tokens.issue('password-reset', user.id, ttl);
        this.mailer.send(mails.passwordReset(user.email, this.config.mail.appUrl, token, ttl));
      }
      await this.audit.record(
        { type: 'password.reset_requested', userId: user.id, details: { mailed } },
        meta,
      );
    });
  }

  /**
   * Why a reset link cannot be used, or null when it can: what its page says before a password
   * is typed. Uses nothing up; the reset itself checks again.
   */
  async resetLinkError(token: string): Promise<InvalidLinkTokenError | null> {
    return (await this.resetUser(token)) === null ? invalidResetToken() : null;
  }

  /** The live account a reset token belongs to, or null. */
  private async resetUser(token: string): Promise<User | null> {
    const userId = await this.tokens.peek('password-reset', token);
    const user = userId === null ? null : await this.users.findById(userId);
    return user === null || user.disabledAt !== null ? null : user;
  }

  /**
   * A new password for the token's user, once: the policy is checked before the token is used
   * up (a weak password costs nothing), then every session and access token of the user ends.
   * No tokens in the answer: the user signs in again.
   */
  async reset(token: string, password: string, meta: RequestMeta): Promise<void> {
    const user = await this.resetUser(token);
    if (user === null) throw invalidResetToken();
    this.users.checkPassword(user, password);
    if ((await this.tokens.consume('password-reset', token)) !== user.id) throw invalidResetToken();

    // The database first, the new generation after: a login that reads the generation before
    // the user row either sees the new password or opens nothing (docs/security.md).
    await this.users.setPassword(user, password);
    const ended = await this.sessions.newGeneration(user.id);
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
    // A stolen access token must not become a password-guessing oracle: a counted budget of
    // wrong guesses, taken before bcrypt (429 once spent), and the login's progressive delay.
    const guess = await this.guesses.reserve(user.id);
    if (!(await this.users.verifyPassword(user, currentPassword))) {
      await this.delay.failed(user.email);
      throw new InvalidCurrentPasswordError();
    }
    await this.guesses.right(guess);
    // A reset link mailed before the change must not undo it: it ends before the new password
    // is written, so a link used meanwhile is overwritten by this change, never the reverse.
    await this.tokens.revoke('password-reset', user.id);
    await this.users.setPassword(user, newPassword, 'newPassword');
    // A new generation that keeps the caller's session: every other one ends in the same step,
    // and a login that checked the old password meanwhile opens nothing.
    const ended = await this.sessions.newGenerationKeeping(user.id, principal.sessionId);
    await this.audit.record(
      { type: 'password.changed', userId: user.id, details: { sessions: ended } },
      meta,
    );
    this.mailer.send(mails.passwordChanged(user.email));
  }
}
