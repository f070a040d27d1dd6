import { DomainError } from '../common/errors/domain.error';

/** Any problem with a presented credential: expired, forged, revoked, malformed. One message. */
export class InvalidTokenError extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'invalid_token';

  constructor(message = 'The access token is invalid, expired or revoked') {
    super(message);
  }
}

export class MissingCredentialsError extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'missing_credentials';

  /** `headers` may carry the challenges of every scheme the route accepts. */
  constructor(override readonly headers?: Record<string, string>) {
    super('Authentication required');
  }
}
