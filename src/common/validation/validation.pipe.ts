import { ValidationPipe } from '@nestjs/common';
import { RequestValidationError } from '../errors/request-validation.error';

/** The global pipe: DTOs are transformed, and unknown fields are refused (no mass assignment). */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => RequestValidationError.fromValidationErrors(errors),
  });
}
