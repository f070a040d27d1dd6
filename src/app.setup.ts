import fastifyCookie from '@fastify/cookie';
import { RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ACCOUNT_PAGE_STYLE_SOURCE } from './auth/pages/account-page.html';
import { ACCOUNT_PAGE_PATHS } from './auth/pages/account-pages.controller';
import { registerFormBodyParser } from './common/http/form-body-parser';
import { registerJsonBodyParser } from './common/http/json-body-parser';
import { securityHeaderSets } from './common/http/security-headers';
import { registerAccessLog } from './common/logging/access-log';
import type { Loggers } from './common/logging/logger';
import { PinoNestLogger } from './common/logging/logger';
import { LOGGERS } from './common/logging/logging.module';
import { undecodableQueryError } from './common/http/query-encoding';
import { REQUEST_ID_HEADER } from './common/http/request-id';
import type { AppConfig } from './config/app-config';
import { DOCS_PATH, setupSwagger } from './docs/openapi';

export const API_PREFIX = 'api/v1';

/** GET routes served at the root, outside /api/v1: probes, JWKS and metrics sit where tools look. */
export const UNPREFIXED_ROUTES = [
  'health/live',
  'health/ready',
  '.well-known/jwks.json',
  'metrics',
];

/** Everything between "the Nest app exists" and "it may listen". */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.useLogger(app.get(PinoNestLogger));
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      ...UNPREFIXED_ROUTES.map((path) => ({ path, method: RequestMethod.GET })),
      ...ACCOUNT_PAGE_PATHS.flatMap((path) => [
        { path, method: RequestMethod.GET },
        { path, method: RequestMethod.POST },
      ]),
    ],
  });

  const fastify = app.getHttpAdapter().getInstance();
  const pages = new Set(ACCOUNT_PAGE_PATHS.map((path) => `/${path}`));
  // JSON only (API.md): without its built-in text/plain parser Fastify answers 415 to anything
  // else. HTML forms are read on the account pages' routes only.
  fastify.removeContentTypeParser('text/plain');
  registerJsonBodyParser(fastify);
  registerFormBodyParser(fastify, pages);
  registerAccessLog(fastify, app.get<Loggers>(LOGGERS).access);
  // One hook for what every request gets: a hook costs about a microsecond of its own.
  const headers = securityHeaderSets(config.isProduction, ACCOUNT_PAGE_STYLE_SOURCE);
  fastify.addHook('onRequest', (request, reply, done) => {
    // Helmet's headers, computed at boot (security-headers.ts), and the request id.
    const route = request.routeOptions.url;
    const https = request.protocol === 'https';
    if (route?.startsWith(`/${API_PREFIX}/`)) {
      // Nothing under the API may be stored by a browser or a shared cache: tokens, sessions,
      // keys. Decided from the route that matched, not the raw URL, which may spell the same
      // path differently (`/%61pi/v1/…`). Unmatched paths answer through the error filter,
      // which sets it.
      void reply.headers(headers.api).header('cache-control', 'no-store');
    } else if (route !== undefined && pages.has(route)) {
      // A page with a token in its URL and its form.
      void reply
        .headers(https ? headers.pageSecure : headers.pagePlain)
        .header('cache-control', 'no-store');
    } else if (route === DOCS_PATH || route?.startsWith(`${DOCS_PATH}/`)) {
      void reply.headers(https ? headers.docsSecure : headers.docsPlain);
    } else {
      void reply.headers(headers.api);
    }
    void reply.header(REQUEST_ID_HEADER, request.id);
    // A query string that is not percent-encoded UTF-8 is refused before anything reads it.
    done(undecodableQueryError(request.url) ?? undefined);
  });

  await app.register(fastifyCookie);

  if (config.http.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.http.corsOrigins,
      credentials: true,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'X-API-Key',
        'X-Requested-With',
        'X-Auth-Mode',
        'X-Request-Id',
      ],
      exposedHeaders: [
        'X-Request-Id',
        'Retry-After',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
      ],
      maxAge: 600,
    });
  }

  if (config.http.docsEnabled) setupSwagger(app);
}
