/** One message, in plain text and HTML. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Sends mail off the request path: `send` returns at once, delivery happens in the background,
 * and a failure is logged (never the body, which carries tokens), so it never changes the HTTP
 * answer. SMTP through nodemailer when SMTP_URL is set; otherwise an outbox that writes
 * each message to `$DATA_DIR/outbox/`.
 */
export abstract class Mailer {
  abstract send(message: MailMessage): void;
}

/** `a***@example.com`: enough to follow a flow in the log, not enough to harvest addresses. */
export function redactAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}
