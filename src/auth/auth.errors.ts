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

/** A credential header sent twice: which one was meant is not ours to guess. */
export class DuplicateCredentialHeaderError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'duplicate_credentials';

  constructor(header: string) {
    super(`Send the ${header} header once, not several times`);
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

/** A reset or verification token that is unknown, used, superseded or expired: one message. */
export class InvalidLinkTokenError extends DomainError {
  readonly kind = 'invalid';

  constructor(
    readonly code: 'invalid_reset_token' | 'invalid_verification_token',
    message: string,
  ) {
    super(message);
  }
}

export class InvalidCurrentPasswordError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid_current_password';

  constructor() {
    super('The current password is not correct', [
      { field: 'currentPassword', problem: 'is not correct' },
    ]);
  }
}

export class EmailNotVerifiedError extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'email_not_verified';

  constructor() {
    super('Confirm your email address before signing in; the link is in your inbox');
  }
}

export class EmailAlreadyVerifiedError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'email_already_verified';

  constructor() {
    super('This email address is already verified');
  }
}
