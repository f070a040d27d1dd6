import type { ValidationError } from 'class-validator';
import { DomainError, type ErrorDetail } from './domain.error';

/** The request body, query or path did not match what the route accepts. */
export class RequestValidationError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'validation_failed';

  constructor(details: ErrorDetail[]) {
    super(`Invalid request: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`, details);
  }

  static fromValidationErrors(errors: ValidationError[]): RequestValidationError {
    return new RequestValidationError(flatten(errors, ''));
  }
}

function flatten(errors: ValidationError[], parent: string): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent === '' ? error.property : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((problem) => ({
      field,
      // class-validator starts each message with the property name; the field says it already.
      problem: problem.startsWith(`${error.property} `)
        ? problem.slice(error.property.length + 1)
        : problem,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
