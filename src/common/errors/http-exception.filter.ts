import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { asDependencyFailure } from './dependency-failure';
import { DomainError, type DomainErrorKind } from './domain.error';
import { errorBody, type ErrorBody } from './error-body';

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

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toBody(exception, String(request.id));

    if (body.statusCode === 503) {
      const cause = exception instanceof Error ? exception.message : String(exception);
      this.logger.warn({ requestId: body.requestId, cause }, 'Dependency unavailable');
    } else if (body.statusCode >= 500) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(
        {
          err: { type: error.name, message: error.message, stack: error.stack },
          requestId: body.requestId,
        },
        'Request failed',
      );
    }
    if (exception instanceof DomainError && exception.headers !== undefined)
      void reply.headers(exception.headers);
    const challenge = authenticateChallenge(body, request);
    if (challenge !== undefined) void reply.header('www-authenticate', challenge);
    void reply.status(body.statusCode).header('cache-control', 'no-store').send(body);
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
      return errorBody(exception.getStatus(), messageOf(exception), requestId);
    }
    return errorBody(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error', requestId);
  }
}

/** RFC 6750 §3: how a client should authenticate, and what was wrong with what it sent. */
function authenticateChallenge(body: ErrorBody, request: FastifyRequest): string | undefined {
  const sentBearer = /^Bearer\s/i.test(request.headers.authorization ?? '');
  if (body.statusCode === (HttpStatus.UNAUTHORIZED as number)) {
    const sentCredential =
      request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined;
    return sentCredential ? 'Bearer realm="api", error="invalid_token"' : 'Bearer realm="api"';
  }
  if (
    body.statusCode === (HttpStatus.FORBIDDEN as number) &&
    body.code === 'insufficient_scope' &&
    sentBearer
  ) {
    return 'Bearer realm="api", error="insufficient_scope"';
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
