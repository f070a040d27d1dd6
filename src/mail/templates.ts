import { escapeHtml } from '../common/text/html';
import type { MailMessage } from './mailer';

/**
 * The service's mails. Links are built from APP_URL only, never from the request's Host or
 * X-Forwarded-Host, so a forged header cannot point a reset link at another site.
 */
export const mails = {
  passwordReset(to: string, appUrl: string, token: string, ttlSeconds: number): MailMessage {
    const link = linkTo(appUrl, '/reset-password', token);
    return message(
      to,
      'Reset your password',
      [
        'Someone (hopefully you) asked to reset the password of this account.',
        `Open this link within ${duration(ttlSeconds)} to choose a new password:`,
        link,
        'If you did not ask for this, ignore this mail: your password stays as it is.',
      ],
      link,
    );
  },

  passwordChanged(to: string): MailMessage {
    return message(to, 'Your password was changed', [
      'The password of your account was just changed, and every other session was signed out.',
      'If this was not you, reset your password at once and contact support.',
    ]);
  },

  verifyEmail(to: string, appUrl: string, token: string, ttlSeconds: number): MailMessage {
    const link = linkTo(appUrl, '/verify-email', token);
    return message(
      to,
      'Confirm your email address',
      [
        `Confirm that this address is yours by opening this link within ${duration(ttlSeconds)}:`,
        link,
      ],
      link,
    );
  },
};

/** "30 minutes", "1 hour", "2 days": the largest unit that divides the time exactly. */
export function duration(seconds: number): string {
  const units: [string, number][] = [
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${unit}${count === 1 ? '' : 's'}`;
    }
  }
  return seconds >= 60 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
}

function linkTo(appUrl: string, path: string, token: string): string {
  const url = new URL(path, appUrl.endsWith('/') ? appUrl : `${appUrl}/`);
  url.pathname = `${new URL(appUrl).pathname.replace(/\/$/, '')}${path}`;
  url.searchParams.set('token', token);
  return url.toString();
}

function message(to: string, subject: string, lines: string[], link?: string): MailMessage {
  const html = lines
    .map((line) =>
      line === link
        ? `<p><a href="${escapeHtml(line)}">${escapeHtml(line)}</a></p>`
        : `<p>${escapeHtml(line)}</p>`,
    )
    .join('\n');
  return { to, subject, text: `${lines.join('\n\n')}\n`, html };
}
