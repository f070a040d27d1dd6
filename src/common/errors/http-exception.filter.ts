import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  Optional,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { challenge as challengeFor } from '../http/auth-challenge';
import { asDependencyFailure } from './dependency-failure';
import { DomainError, type DomainErrorKind } from './domain.error';
import { errorBody, type ErrorBody } from './error-body';
import { ErrorPages } from './error-pages';
import { OutageLog } from './outage-log';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Every error leaves through here: domain errors and HTTP exceptions keep their status and
 * message; anything unexpected becomes a bare 500 whose details go to the log, never the client.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  constructor(
    @Optional() private readonly outages?: OutageLog,
    @Optional() private readonly pages?: ErrorPages,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toBody(exception, String(request.id));

    const unavailable = asDependencyFailure(exception);
    if (unavailable !== undefined) {
      // One line when the outage starts and one when it ends (outage-log.ts), not one a request:
      // the access line of each refused request says 503.
      this.outages?.refused(unavailable);
    } else if (body.statusCode >= 500 && body.statusCode !== 503) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(
        {
          err: { type: error.name, message: error.message, stack: error.stack },
          requestId: body.requestId,
        },
        'Request failed',
      );
    }
    const challenge = authenticateChallenge(body, request);
    if (challenge !== undefined) void reply.header('www-authenticate', challenge);
    // After the default challenge: an error that knows the route's schemes names them itself.
    if (exception instanceof DomainError && exception.headers !== undefined)
      void reply.headers(exception.headers);
    void reply.status(body.statusCode).header('cache-control', 'no-store');
    const route = request.routeOptions.url;
    if (this.pages !== undefined && route !== undefined && this.pages.routes.has(route))
      void reply.type('text/html; charset=utf-8').send(this.pages.render(body));
    else void reply.send(body);
  }

  toBody(thrown: unknown, requestId: string): ErrorBody {
    const exception = asDependencyFailure(thrown) ?? thrown;
    if (exception instanceof DomainError) {
      return errorBody(STATUS_BY_KIND[exception.kind], exception.message, requestId, {
        code: exception.code,
        details: exception.details,
      });
    }
    if (exception instanceof HttpException) {
      return errorBody(exception.getStatus(), withoutQuery(messageOf(exception)), requestId);
    }
    return errorBody(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error', requestId);
  }
}

/**
 * RFC 6750 §3 and RFC 9110 §11.6.1: how a client should authenticate, and what was wrong with
 * what it sent, in the scheme of the credential it sent (a refused API key is not told about
 * Bearer tokens). The guard, which knows the route, may replace this with its own challenge.
 */
function authenticateChallenge(body: ErrorBody, request: FastifyRequest): string | undefined {
  const sentApiKey = request.headers['x-api-key'] !== undefined;
  const sentAuthorization = request.headers.authorization !== undefined;
  if (body.statusCode === (HttpStatus.UNAUTHORIZED as number)) {
    if (sentApiKey) return challengeFor('ApiKey', 'invalid_key');
    // A token refused where it came in the body (verify) is still an invalid token.
    return sentAuthorization || body.code === 'invalid_token'
      ? challengeFor('Bearer', 'invalid_token')
      : challengeFor('Bearer');
  }
  if (body.statusCode === (HttpStatus.FORBIDDEN as number) && body.code === 'insufficient_scope') {
    if (sentApiKey) return challengeFor('ApiKey', 'insufficient_scope');
    if (/^Bearer\s/i.test(request.headers.authorization ?? ''))
      return challengeFor('Bearer', 'insufficient_scope');
  }
  return undefined;
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * The router's 404 says "Cannot GET <url>", query string included: a mailed link's token would
 * come back in the body (and in whatever logs answers). No error body echoes a query string.
 */
function withoutQuery(message: string): string {
  return message.replace(/^(Cannot [A-Z]+ [^?\s]*)\?\S*/, '$1');
}
