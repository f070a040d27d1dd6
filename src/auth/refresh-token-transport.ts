import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { CrossSiteRequestError } from './auth.errors';

export const REFRESH_COOKIE = 'refresh_token';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

export interface Delivery {
  body: boolean;
  cookie: boolean;
}

/**
 * How the refresh token travels, both ways: which of body and cookie an answer delivers it in,
 * and which token a request presents (the body's, else the cookie's, under the cross-site rule).
 * How it travels: REFRESH_TOKEN_TRANSPORT sets what the deployment allows, and a
 * client narrows it with X-Auth-Mode (a browser asks for the cookie only, a native app for the
 * body only). Cookie-authenticated requests must prove they are not cross-site.
 */
@Injectable()
export class RefreshTokenTransport {
  private readonly allowedOrigins: Set<string>;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    this.allowedOrigins = new Set([...config.http.corsOrigins, new URL(config.mail.appUrl).origin]);
  }

  delivery(request: FastifyRequest): Delivery {
    const transport = this.config.refresh.transport;
    if (transport !== 'both') return { body: transport === 'body', cookie: transport === 'cookie' };
    const mode = String(request.headers['x-auth-mode'] ?? '').toLowerCase();
    if (mode === 'cookie') return { body: false, cookie: true };
    if (mode === 'body') return { body: true, cookie: false };
    return { body: true, cookie: true };
  }

  setCookie(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
    void reply.setCookie(REFRESH_COOKIE, token, {
      httpOnly: true,
      secure: this.config.http.cookieSecure,
      sameSite: 'strict',
      path: REFRESH_COOKIE_PATH,
      maxAge: maxAgeSeconds,
    });
  }

  clearCookie(reply: FastifyReply): void {
    void reply.clearCookie(REFRESH_COOKIE, {
      httpOnly: true,
      secure: this.config.http.cookieSecure,
      sameSite: 'strict',
      path: REFRESH_COOKIE_PATH,
    });
  }

  /**
   * The refresh token of a request: the body's, else the cookie's. A request that relies on the
   * cookie must carry X-Requested-With or a JSON content type (a plain HTML form can send
   * neither) and, when it has an Origin, one this service trusts: CORS_ORIGINS, APP_URL's, or
   * the service's own as the request addressed it (its pages, Swagger UI's "Try it out", on
   * whatever host name they were opened).
   */
  presented(request: FastifyRequest, bodyToken: string | undefined): string | undefined {
    if (bodyToken !== undefined) return bodyToken;
    const cookie = this.cookieOf(request);
    if (cookie !== undefined && !this.sameSite(request)) throw new CrossSiteRequestError();
    return cookie;
  }

  /**
   * Every refresh token a logout presents: the body's and the cookie's, when they differ, so that
   * a stale token in the body cannot leave the cookie's session alive. Alongside a body token, a
   * cookie that fails the cross-site rule is left out rather than refused.
   */
  allPresented(request: FastifyRequest, bodyToken: string | undefined): string[] {
    if (bodyToken === undefined) {
      const cookie = this.presented(request, undefined);
      return cookie === undefined ? [] : [cookie];
    }
    const cookie = this.cookieOf(request);
    return cookie !== undefined && cookie !== bodyToken && this.sameSite(request)
      ? [bodyToken, cookie]
      : [bodyToken];
  }

  private cookieOf(request: FastifyRequest): string | undefined {
    const cookie = request.cookies?.[REFRESH_COOKIE];
    return cookie === undefined || cookie === '' ? undefined : cookie;
  }

  private sameSite(request: FastifyRequest): boolean {
    const contentType = String(request.headers['content-type'] ?? '');
    const hasMarker =
      request.headers['x-requested-with'] !== undefined ||
      /^application\/json\b/i.test(contentType);
    const origin = request.headers.origin;
    return (
      hasMarker &&
      (origin === undefined || this.allowedOrigins.has(origin) || origin === ownOrigin(request))
    );
  }
}

/**
 * The origin the request was sent to: its scheme and Host (X-Forwarded-* from a trusted proxy).
 * An Origin equal to it is this service's own page. A page on another site that points its host
 * name at this service (DNS rebinding) passes this test, but it is another site to the browser,
 * which never sends it this service's cookie.
 */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
