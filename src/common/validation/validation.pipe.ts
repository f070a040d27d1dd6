import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { RequestValidationError } from '../errors/request-validation.error';
import { findInputProblem } from './input-rules';

// What the client sent directly. Custom parameters (request metadata, the principal) are built by
// the service itself.
const CLIENT_INPUT: ReadonlySet<ArgumentMetadata['type']> = new Set(['body', 'query', 'param']);

/**
 * The DTO rules, after one rule for every input of every route: no NUL, no lone surrogate and no
 * deep nesting in any string of the body, query or path. It runs before the handler, so a
 * refused value never reaches the database (PostgreSQL refuses 0x00 half-way through a write).
 */
class InputValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (CLIENT_INPUT.has(metadata.type)) {
      const problem = findInputProblem(value, metadata.data ?? metadata.type);
      if (problem !== null) return Promise.reject(new RequestValidationError([problem]));
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/** The global pipe: DTOs are transformed, and unknown fields are refused (no mass assignment). */
export function createValidationPipe(): ValidationPipe {
  return new InputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => RequestValidationError.fromValidationErrors(errors),
  });
}
