import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { BackgroundTasks } from '../common/background/background-tasks';
import type { RequestMeta } from '../common/http/request-meta';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { Mailer } from '../mail/mailer';
import { mails } from '../mail/templates';
import { RateLimitedError } from '../rate-limit/rate-limited.error';
import { limitFor } from '../rate-limit/limits';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { OneTimeTokenStore } from '../tokens/one-time-token.store';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { EmailAlreadyVerifiedError, InvalidLinkTokenError } from './auth.errors';

/** A single-use link mailed at registration (and on request) proves the address is the user's. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: OneTimeTokenStore,
    private readonly mailer: Mailer,
    private readonly audit: AuditService,
    private readonly background: BackgroundTasks,
    private readonly limiter: RateLimiter,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Issues a new link (the previous one stops working) and mails it, after the answer. */
  sendLink(user: User): void {
    this.background.run('Email verification mail', async () => {
      const ttl = this.config.mail.verificationTokenTtl;
      const token = await this.tokens.issue('email-verify', user.id, ttl);
      this.mailer.send(mails.verifyEmail(user.email, this.config.mail.appUrl, token, ttl));
    });
  }

  /** At most one link a minute per user (the `email-resend` limit): resend must not flood a mailbox. */
  async resend(userId: string, meta: RequestMeta): Promise<void> {
    const user = await this.users.getById(userId);
    if (user.emailVerifiedAt !== null) throw new EmailAlreadyVerifiedError();
    try {
      await this.limiter.consume(limitFor('email-resend', `verify-resend:${user.id}`, this.config));
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      throw new RateLimitedError(
        error.headers,
        'A verification link was sent a moment ago; try again later',
      );
    }
    this.sendLink(user);
    await this.audit.record({ type: 'email.verification_sent', userId: user.id }, meta);
  }

  async verify(token: string, meta: RequestMeta): Promise<void> {
    const userId = await this.tokens.consume('email-verify', token);
    if (userId === null) {
      throw new InvalidLinkTokenError(
        'invalid_verification_token',
        'The verification link is invalid or has expired',
      );
    }
    await this.users.markEmailVerified(userId);
    await this.audit.record({ type: 'email.verified', userId }, meta);
  }
}
