import type { AppConfig } from './app-config';
import type { EnvReader } from './env-reader';
import { estimatedSecretBits, MIN_SECRET_BITS, secretPattern } from './secret-strength';

/**
 * Values that are obviously not secrets: refused in production. A run of x's counts only when it
 * is all there is (`xxxx`, `xxxx-xxxx`): inside random base64 `xxxx` turns up by chance, in about
 * one `openssl rand -base64 48` in 17,000 and one PEM key in 600. Tested against the value with
 * the base64 lines of PEM blocks removed.
 */
const PLACEHOLDER =
  /change[-_ ]?me|changeit|placeholder|replace[-_ ]?me|^secret$|^password$|^example|^[x_.-]*x{4}[x_.-]*$/i;

/** The value with every line of base64 inside a PEM block left out (its BEGIN/END lines stay). */
function withoutPemBodies(value: string): string {
  return value.replace(
    /(-----BEGIN [A-Z0-9 ]+-----)([\s\S]*?)(-----END [A-Z0-9 ]+-----)/g,
    (_block, begin: string, body: string, end: string) =>
      [
        begin,
        ...body.split(/\r?\n/).filter((line) => !/^[A-Za-z0-9+/=]*$/.test(line.trim())),
        end,
      ].join('\n'),
  );
}

/**
 * Mail carries reset and verification links: in production it must travel over TLS, either
 * smtps:// or STARTTLS made mandatory (`?requireTLS=true`, a nodemailer option read from the URL).
 * SMTP_ALLOW_PLAINTEXT=true accepts a plaintext relay on the same host or network.
 */
function checkSmtpTls(read: EnvReader, config: AppConfig): void {
  const url = config.mail.smtpUrl;
  if (url === undefined || config.mail.smtpAllowPlaintext) return;
  const parsed = new URL(url);
  const option = (name: string): boolean => parsed.searchParams.get(name) === 'true';
  // ignoreTLS turns STARTTLS off; it does not matter on a connection that starts with TLS.
  const tls =
    parsed.protocol === 'smtps:' ||
    option('secure') ||
    (option('requireTLS') && !option('ignoreTLS'));
  if (!tls) {
    read.fail(
      'SMTP_URL',
      'must use TLS when NODE_ENV=production: smtps://, or smtp://…?requireTLS=true for STARTTLS (SMTP_ALLOW_PLAINTEXT=true allows a plaintext local relay)',
      undefined,
    );
  }
}

/** Production refuses everything that is only meant for a laptop. */
export function checkProductionRules(read: EnvReader, config: AppConfig): void {
  const embeddedOnly = 'embedded mode is for development only';
  const required: [string, unknown, string][] = [
    ['DATABASE_URL', config.database.url, embeddedOnly],
    ['REDIS_URL', config.redis.url, embeddedOnly],
    ['API_KEY_PEPPER', config.apiKeys.pepper, embeddedOnly],
    ['TOKEN_SECRET', config.tokenSecret, embeddedOnly],
    ['SMTP_URL', config.mail.smtpUrl, embeddedOnly],
    ['APP_URL', read.raw('APP_URL'), 'mailed links must carry the address people open'],
  ];
  for (const [name, value, why] of required) {
    if (value === undefined)
      read.fail(name, `is required when NODE_ENV=production (${why})`, undefined);
  }
  if (config.jwt.privateKeys === undefined && config.jwt.keysDir === undefined) {
    read.fail(
      'JWT_PRIVATE_KEYS',
      'or JWT_KEYS_DIR is required when NODE_ENV=production (generated keys are for development only)',
      undefined,
    );
  }
  const placeholders = new Set<string>();
  for (const name of ['API_KEY_PEPPER', 'TOKEN_SECRET', 'ADMIN_PASSWORD', 'JWT_PRIVATE_KEYS']) {
    const value = read.raw(name);
    if (value !== undefined && PLACEHOLDER.test(withoutPemBodies(value))) {
      placeholders.add(name);
      read.fail(name, 'still holds a placeholder value', undefined);
    }
  }
  for (const name of ['API_KEY_PEPPER', 'TOKEN_SECRET']) {
    const value = read.raw(name);
    if (value === undefined || value.length < 32 || placeholders.has(name)) continue;
    const pattern = secretPattern(value);
    if (estimatedSecretBits(value) < MIN_SECRET_BITS || pattern !== undefined) {
      const why = pattern ?? `under ${MIN_SECRET_BITS} bits by its character frequencies`;
      read.fail(name, `does not look random (${why}): use \`openssl rand -base64 48\``, undefined);
    }
  }
  checkSmtpTls(read, config);
  if (!config.http.cookieSecure) {
    read.fail(
      'COOKIE_SECURE',
      'must stay true when NODE_ENV=production (refresh cookies would travel over plain http)',
      undefined,
    );
  }
}
