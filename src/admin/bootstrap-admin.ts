import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { UsersService } from '../users/users.service';
import { ConfigError } from '../config/config.error';
import { EmailTakenError, WeakPasswordError } from '../users/users.errors';

/** ADMIN_EMAIL + ADMIN_PASSWORD: that admin is created at boot when no user has the email. */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapAdmin');

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { email, password } = this.config.admin;
    if (email === undefined || password === undefined) return;
    if ((await this.users.findByEmail(email)) !== null) return;
    try {
      const user = await this.users.create({ email, password, roles: ['user', 'admin'] });
      // No one signed in created this account: the service did, from its configuration.
      await this.audit.record({
        type: 'user.registered',
        userId: user.id,
        actor: SYSTEM_ACTOR,
        reason: 'bootstrap_admin',
        details: { roles: user.roles },
      });
      this.logger.log(`Created the admin account ${email.trim().toLowerCase()}`);
    } catch (error) {
      if (error instanceof WeakPasswordError)
        throw new ConfigError([`ADMIN_PASSWORD ${error.details?.[0]?.problem ?? 'is too weak'}`]);
      // Another instance booting at the same time created it first.
      if (!(error instanceof EmailTakenError)) throw error;
    }
  }
}
