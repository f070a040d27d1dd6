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

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
