import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './common/errors/error-body';
import { resolveRequestId } from './common/http/request-id';
import type { AppConfig } from './config/app-config';

/**
 * The HTTP server of main.ts and of the tests, so both run the same stack. Node and Fastify keep
 * a socket open for as long as its client likes by default (no request or body deadline): here
 * every request must arrive in full within HTTP_REQUEST_TIMEOUT, silent sockets are closed, and
 * the number of open sockets is capped, so slow clients cannot use up file descriptors.
 */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const { timeouts, maxConnections } = config.http;
  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: config.http.bodyLimit,
    trustProxy: config.http.trustProxy,
    requestIdHeader: false,
    genReqId: resolveRequestId,
    // While shutting down, new requests get 503 and idle keep-alive sockets are closed.
    return503OnClosing: true,
    // A path Fastify cannot route at all (a malformed percent-escape, an overlong parameter)
    // gets the one error shape too, without echoing the path back.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      void reply
        .code(status)
        .header('cache-control', 'no-store')
        .header('x-request-id', request.id)
        // Helmet's hooks do not run for a request that never reached routing.
        .header('x-content-type-options', 'nosniff')
        .send(
          errorBody(status, 'The request URL is malformed', request.id, { code: 'malformed_url' }),
        );
    },
    forceCloseConnections: 'idle',
    // Headers and body together; past it Node answers 408 and closes the socket.
    requestTimeout: timeouts.request * 1000,
    // Inactivity on the socket, whatever it is doing.
    connectionTimeout: timeouts.idle * 1000,
    keepAliveTimeout: timeouts.keepAlive * 1000,
    http: {
      // Also here: Node checks at creation that the headers deadline fits in the request one.
      requestTimeout: timeouts.request * 1000,
      headersTimeout: timeouts.headers * 1000,
      // Node looks for expired requests only this often (30 s by default): check within a
      // fraction of the shortest deadline, so that deadlines hold to about that fraction.
      connectionsCheckingInterval: Math.min(1000, (timeouts.headers * 1000) / 4),
      // Node refuses headers over 16 KiB with a bare 431; allow more so that an oversized token
      // gets the same 401 and error body as any other bad token (verifiers refuse past 4 KiB).
      maxHeaderSize: 96 * 1024,
    },
  });
  // Node closes sockets accepted beyond this at once (see docs/operations.md for the trade-off).
  adapter.getInstance().server.maxConnections = maxConnections;
  return adapter;
}
