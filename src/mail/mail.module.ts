import { Module } from '@nestjs/common';
import { BackgroundModule } from '../common/background/background.module';
import { BackgroundTasks } from '../common/background/background-tasks';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Mailer } from './mailer';
import { OutboxMailer } from './outbox.mailer';
import { SmtpMailer } from './smtp.mailer';

@Module({
  imports: [BackgroundModule],
  providers: [
    OutboxMailer,
    {
      provide: Mailer,
      inject: [APP_CONFIG, OutboxMailer, BackgroundTasks],
      useFactory: (config: AppConfig, outbox: OutboxMailer, background: BackgroundTasks): Mailer =>
        config.mail.smtpUrl !== undefined ? new SmtpMailer(config, background) : outbox,
    },
  ],
  exports: [Mailer, OutboxMailer],
})
export class MailModule {}
