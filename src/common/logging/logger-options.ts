import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../../config/app-config';

/**
 * Paths that must never reach a log line, should a header or body ever be logged. The request
 * serializer below already logs neither headers nor bodies nor query strings; this is the
 * second lock on the same door.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.key',
  '*.secret',
];

export function buildLoggerOptions(config: AppConfig): Params {
  return {
    // Every route, in the path syntax of Nest 11 (a bare '*' is deprecated).
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      // Fastify resolved the request id already (resolveRequestId); log the same one.
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: IncomingMessage & { id?: string; raw?: IncomingMessage }) => ({
          id: req.id,
          method: req.method,
          // The path only: a query string could carry something secret.
          url: req.url?.split('?')[0],
          userAgent: req.headers?.['user-agent'],
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) =>
        error !== undefined || res.statusCode >= 500 ? 'error' : 'info',
      autoLogging: { ignore: (req) => req.url?.startsWith('/health/') ?? false },
      quietReqLogger: true,
    },
  };
}
