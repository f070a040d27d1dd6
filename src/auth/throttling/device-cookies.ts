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
 * canonical email by a MAC under the server secret. The MAC lets a forged or altered cookie be
 * refused without a lookup; whether the device still counts as the owner's is kept server-side
 * (KnownClients: registered at login under the credential generation, forgotten when it
 * changes). The email is not in the cookie, only in its MAC: the cookie tells nobody which
 * account it belongs to. One cookie per browser: it follows the last account that signed in.
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

  /** The device id a login goes on with: its cookie's when genuine for this email, else a new one. */
  idFor(request: FastifyRequest, email: string): string {
    return this.deviceOf(request, email) ?? randomBytes(16).toString('base64url');
  }

  /** After a successful login: the cookie naming `id`, bound to the email, renewed for a year. */
  issue(reply: FastifyReply, id: string, email: string): void {
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
