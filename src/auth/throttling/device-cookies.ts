import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { ServerSecret } from '../../common/crypto/server-secret';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/config.module';

export const DEVICE_COOKIE = 'device';
/** Only login reads it, so no other request carries it. */
export const DEVICE_COOKIE_PATH = '/api/v1/auth/login';
const LIFETIME_SECONDS = 365 * 24 * 3600;
const PURPOSE = 'device-cookie';
/** `v1.<device id: 128 random bits>.<HMAC-SHA-256 of "<device id>|<canonical email>">`. */
const FORMAT = /^v1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): a successful
 * login hands its browser a cookie that names a random device id and is bound to the account's
 * canonical email by a MAC under the server secret. A login that presents a genuine one for its
 * email comes from a device the owner signed in on, and is spared the per-email lockout (it has
 * a per-device limit instead). The email is not in the cookie, only in its MAC: the cookie tells
 * nobody which account it belongs to. One cookie per browser: it follows the last account that
 * signed in there.
 */
@Injectable()
export class DeviceCookies {
  constructor(
    private readonly secret: ServerSecret,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The device id of the request's cookie when the server issued it for this email, else undefined. */
  deviceOf(request: FastifyRequest, email: string): string | undefined {
    const value = request.cookies?.[DEVICE_COOKIE];
    const match = typeof value === 'string' && email !== '' ? FORMAT.exec(value) : null;
    if (match === null) return undefined;
    const [, id, tag] = match;
    return this.secret.verify(PURPOSE, bound(id, email), Buffer.from(tag, 'base64url'))
      ? id
      : undefined;
  }

  /** After a successful login: keeps the device's id when it had a cookie for this email. */
  issue(request: FastifyRequest, reply: FastifyReply, email: string): void {
    const id = this.deviceOf(request, email) ?? randomBytes(16).toString('base64url');
    const tag = this.secret.mac(PURPOSE, bound(id, email)).toString('base64url');
    void reply.setCookie(DEVICE_COOKIE, `v1.${id}.${tag}`, {
      httpOnly: true,
      secure: this.config.http.cookieSecure,
      sameSite: 'strict',
      path: DEVICE_COOKIE_PATH,
      maxAge: LIFETIME_SECONDS,
    });
  }
}

/** The id has a fixed length, so the pair is unambiguous whatever the email holds. */
function bound(id: string, email: string): string {
  return `${id}|${email}`;
}
