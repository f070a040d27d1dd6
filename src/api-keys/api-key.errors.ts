import { DomainError } from '../common/errors/domain.error';

/**
 * Any refused API key: malformed, mistyped, unknown, wrong secret, revoked or expired. One status
 * and one body, so the answer never tells which part was wrong.
 */
export class InvalidApiKeyError extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'invalid_api_key';

  constructor(
    message = 'The API key is invalid, expired or revoked',
    override readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export class ApiKeyNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'api_key_not_found';

  constructor() {
    super('No such API key');
  }
}

export class ApiKeyNotActiveError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'api_key_not_active';

  constructor(state: string) {
    super(`This API key cannot be rotated: it is ${state}`);
  }
}
