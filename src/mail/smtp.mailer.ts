import { Injectable, Logger } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { BackgroundTasks } from '../common/background/background-tasks';
import type { AppConfig } from '../config/app-config';
import { Mailer, redactAddress, type MailMessage } from './mailer';

/** nodemailer over SMTP_URL, in the background; deliveries running at shutdown are awaited. */
@Injectable()
export class SmtpMailer extends Mailer {
  private readonly logger = new Logger('Mail');
  private readonly transport: Transporter;

  constructor(
    private readonly config: AppConfig,
    private readonly background: BackgroundTasks,
  ) {
    super();
    this.transport = createTransport(config.mail.smtpUrl);
  }

  send(message: MailMessage): void {
    const to = redactAddress(message.to);
    this.background.run(`Mail "${message.subject}" to ${to}`, async () => {
      await this.transport.sendMail({ from: this.config.mail.from, ...message });
      this.logger.log(`Sent "${message.subject}" to ${to}`);
    });
  }
}
