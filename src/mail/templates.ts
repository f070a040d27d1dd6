import type { MailMessage } from './mailer';

/**
 * The service's mails. Links are built from APP_URL only, never from the request's Host or
 * X-Forwarded-Host, so a forged header cannot point a reset link at another site.
 */
export const mails = {
  passwordReset(to: string, appUrl: string, token: string, minutes: number): MailMessage {
    const link = linkTo(appUrl, '/reset-password', token);
    return message(
      to,
      'Reset your password',
      [
        'Someone (hopefully you) asked to reset the password of this account.',
        `Open this link within ${minutes} minutes to choose a new password:`,
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

  verifyEmail(to: string, appUrl: string, token: string): MailMessage {
    const link = linkTo(appUrl, '/verify-email', token);
    return message(
      to,
      'Confirm your email address',
      ['Confirm that this address is yours by opening this link within 24 hours:', link],
      link,
    );
  },
};

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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
