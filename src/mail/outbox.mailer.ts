import { Injectable, Logger } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BackgroundTasks } from '../common/background/background-tasks';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { Mailer, redactAddress, type MailMessage } from './mailer';

const KEEP = 200;

/**
 * Without SMTP_URL (embedded mode, never production): messages stay in memory, the newest 200,
 * and each one is written to `$DATA_DIR/outbox/` so a developer can open the link; the log gets
 * one redacted line (no address, no link). Tests read messages through this provider; nothing
 * exposes them over HTTP.
 */
@Injectable()
export class OutboxMailer extends Mailer {
  private readonly logger = new Logger('Mail');
  private readonly messages: MailMessage[] = [];
  private readonly dir: string;
  private sequence = 0;

  constructor(
    @InjectConfig() config: AppConfig,
    private readonly background: BackgroundTasks,
  ) {
    super();
    this.dir = join(config.dataDir, 'outbox');
  }

  send(message: MailMessage): void {
    this.messages.push(message);
    if (this.messages.length > KEEP) this.messages.shift();
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = join(this.dir, `${stamp}-${(this.sequence += 1)}.txt`);
    this.logger.log(
      `Outbox (SMTP_URL not set): "${message.subject}" to ${redactAddress(message.to)}, in ${file}`,
    );
    this.background.run('Writing the outbox file', async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const text = `To: ${message.to}\nSubject: ${message.subject}\n\n${message.text}`;
      await writeFile(file, text, { mode: 0o600 });
    });
  }

  /** Messages to one address, oldest first. */
  to(address: string): MailMessage[] {
    return this.messages.filter((message) => message.to === address);
  }
}
