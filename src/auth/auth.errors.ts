import { DomainError } from '../common/errors/domain.error';

export class InvalidCredentialsError extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'invalid_credentials';

  constructor() {
    // One message for every login failure: unknown email, wrong password, disabled account.
    super('Invalid email or password');
  }
}

export class InvalidRefreshTokenError extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'invalid_refresh_token';

  constructor() {
    super('The refresh token is invalid, expired or revoked');
  }
}

export class InsufficientRightsError extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'insufficient_scope';

  constructor(message = 'You are not allowed to do this') {
    super(message);
  }
}

export class CredentialConflictError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'ambiguous_credentials';

  constructor() {
    super('Send either Authorization: Bearer or X-API-Key, not both');
  }
}

export class CrossSiteRequestError extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'cross_site_request';

  constructor() {
    super(
      'A request authenticated by cookie must come from an allowed origin with X-Requested-With or a JSON body',
    );
  }
}

export class SessionNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'session_not_found';

  constructor() {
    super('No such session');
  }
}
