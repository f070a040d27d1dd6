import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/**
 * One line per request, written when the response has gone out: the request id, the method, the
 * route that matched (its pattern, `/api/v1/admin/users/:id`, never the values in the path or the
 * query string, so a token in a URL cannot reach the log), the status and the duration in ms.
 * None of these can hold a secret, so the line needs no redaction pass and no per-request logger.
 */
export function registerAccessLog(fastify: FastifyInstance, logger: Logger): void {
  // Below `error` (LOG_LEVEL=fatal or silent) no line could be written: no hook at all.
  if (!logger.isLevelEnabled('error')) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const line = {
      reqId: request.id,
      method: request.method,
      route: request.routeOptions.url ?? null,
      status,
      ms: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (status >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
    done();
  });
}
