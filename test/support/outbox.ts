import { BackgroundTasks } from '../../src/common/background/background-tasks';
import { OutboxMailer } from '../../src/mail/outbox.mailer';
import type { MailMessage } from '../../src/mail/mailer';
import type { TestApp } from './test-app';

/** The mails sent so far to one address, once the background work of the app has finished. */
export async function mailsTo(t: TestApp, address: string): Promise<MailMessage[]> {
  await t.app.get(BackgroundTasks).settled();
  return t.app.get(OutboxMailer).to(address);
}

/** The token of the link in a mail. */
export function tokenIn(mail: MailMessage): string {
  const match = /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (match === null) throw new Error(`no link with a token in "${mail.subject}"`);
  return match[1];
}

/** The newest mail with this subject to one address; fails the test when there is none. */
export async function lastMail(t: TestApp, address: string, subject: string): Promise<MailMessage> {
  const mail = (await mailsTo(t, address)).filter((m) => m.subject === subject).at(-1);
  if (mail === undefined) throw new Error(`no mail "${subject}" to ${address}`);
  return mail;
}
