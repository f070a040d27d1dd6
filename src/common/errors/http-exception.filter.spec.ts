import { BadRequestException, ForbiddenException, HttpException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DependencyUnavailableError } from './dependency-unavailable.error';
import { DomainError } from './domain.error';
import { HttpExceptionFilter } from './http-exception.filter';
import { RequestValidationError } from './request-validation.error';

class EmailTakenError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'email_taken';
}

describe('HttpExceptionFilter.toBody', () => {
  const filter = new HttpExceptionFilter();

  it('maps a domain error to its status, message and code', () => {
    expect(filter.toBody(new EmailTakenError('This email is already registered'), 'req-1')).toEqual(
      {
        statusCode: 409,
        error: 'Conflict',
        message: 'This email is already registered',
        requestId: 'req-1',
        code: 'email_taken',
      },
    );
  });

  it('keeps validation details', () => {
    const error = new RequestValidationError([{ field: 'email', problem: 'must be an email' }]);
    expect(filter.toBody(error, 'req-2')).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Invalid request: email must be an email',
      requestId: 'req-2',
      code: 'validation_failed',
      details: [{ field: 'email', problem: 'must be an email' }],
    });
  });

  it('keeps the status and message of an HttpException', () => {
    expect(filter.toBody(new ForbiddenException('Admins only'), 'r')).toMatchObject({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Admins only',
    });
    expect(filter.toBody(new BadRequestException(['a is bad', 'b is bad']), 'r').message).toBe(
      'a is bad; b is bad',
    );
    expect(filter.toBody(new HttpException('Request body is too large', 413), 'r')).toMatchObject({
      statusCode: 413,
      error: 'Payload Too Large',
    });
  });

  it('hides everything about an unexpected error', () => {
    const body = filter.toBody(
      new TypeError("Cannot read properties of undefined (reading 'hash')"),
      'r',
    );
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      requestId: 'r',
    });
  });

  it('answers 503 when a dependency is unavailable', () => {
    expect(filter.toBody(new DependencyUnavailableError('redis'), 'r')).toMatchObject({
      statusCode: 503,
      code: 'dependency_unavailable',
    });
  });

  it('recognizes a lost database connection as 503, not 500', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(filter.toBody(refused, 'r').statusCode).toBe(503);
    const terminated = new QueryFailedError(
      'SELECT 1',
      [],
      new Error('Connection terminated unexpectedly'),
    );
    expect(filter.toBody(terminated, 'r').statusCode).toBe(503);
  });

  it('keeps a query the database refused a 500', () => {
    const syntax = new QueryFailedError(
      'SELEC 1',
      [],
      Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' }),
    );
    expect(filter.toBody(syntax, 'r').statusCode).toBe(500);
  });
});
