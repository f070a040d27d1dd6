import { createHash } from 'node:crypto';
import { escapeHtml } from '../../common/text/html';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '../../users/password-policy';

/**
 * The two pages the mailed links open when no front end of its own receives them: server-side
 * HTML, no script at all, one inline style sheet allowed by its hash. Every value from the
 * request is escaped; the token only ever appears in a hidden form field.
 */

const STYLE = [
  ':root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}',
  'body{margin:0;display:flex;justify-content:center;padding:3rem 1rem}',
  'main{max-width:26rem;width:100%}',
  'h1{font-size:1.4rem;margin:0 0 1rem}',
  'label{display:block;margin:1rem 0 .25rem;font-weight:600}',
  'input[type=password]{box-sizing:border-box;width:100%;padding:.5rem;font:inherit}',
  'button{margin-top:1.25rem;padding:.55rem 1.1rem;font:inherit;cursor:pointer}',
  '.note{font-size:.9rem;opacity:.8}',
  '.problem{border-left:4px solid #c62828;padding:.25rem .75rem}',
  '.done{border-left:4px solid #2e7d32;padding:.25rem .75rem}',
].join('');

/** For the pages' Content-Security-Policy: `style-src` allows this sheet and nothing else. */
export const ACCOUNT_PAGE_STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

type Tone = 'problem' | 'done' | 'plain';

interface Page {
  title: string;
  /** Paragraphs of plain text (escaped here). */
  lines: string[];
  tone?: Tone;
  /** Ready-made HTML of a form, built by one of the functions below. */
  form?: string;
}

function render({ title, lines, tone = 'plain', form = '' }: Page): string {
  const text = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('');
  const body = tone === 'plain' ? text : `<div class="${tone}" role="status">${text}</div>`;
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="robots" content="noindex">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}${form}</main></body></html>`
  );
}

/** A relative action: the form posts to the page's own path, also under a proxy's path prefix. */
function form(action: string, token: string, fields: string, button: string): string {
  return (
    `<form method="post" action="${escapeHtml(action)}">` +
    `<input type="hidden" name="token" value="${escapeHtml(token)}">` +
    `${fields}<button type="submit">${escapeHtml(button)}</button></form>`
  );
}

const PASSWORD_FIELDS =
  '<label for="password">New password</label>' +
  `<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_BYTES}">` +
  '<label for="confirm">The same password again</label>' +
  `<input id="confirm" name="confirm" type="password" autocomplete="new-password" required maxlength="${PASSWORD_MAX_BYTES}">` +
  `<p class="note">At least ${PASSWORD_MIN_LENGTH} characters and hard to guess: a few unrelated words work well.</p>`;

export const accountPages = {
  verifyForm(token: string): string {
    return render({
      title: 'Confirm your email address',
      lines: ['Confirm that this address is yours to finish setting up your account.'],
      form: form('verify-email', token, '', 'Confirm my email address'),
    });
  },

  verified(): string {
    return render({
      title: 'Email address confirmed',
      tone: 'done',
      lines: ['Your email address is confirmed. You can close this page.'],
    });
  },

  resetForm(token: string, problem?: string): string {
    return render({
      title: 'Choose a new password',
      tone: problem === undefined ? 'plain' : 'problem',
      lines: problem === undefined ? [] : [problem],
      form: form('reset-password', token, PASSWORD_FIELDS, 'Set the new password'),
    });
  },

  passwordReset(): string {
    return render({
      title: 'Password changed',
      tone: 'done',
      lines: [
        'Your password is changed, and every device that was signed in has been signed out.',
        'Sign in again with the new password.',
      ],
    });
  },

  /** A link that cannot be used (invalid, used, replaced, expired) or any other refusal. */
  failure(title: string, message: string, hint?: string): string {
    return render({
      title,
      tone: 'problem',
      lines: hint === undefined ? [message] : [message, hint],
    });
  },
};
