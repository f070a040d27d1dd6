import { DomainError } from '../common/errors/domain.error';

/**
 * More password checks are waiting on this instance than its queue holds (PasswordHasher): the
 * request is refused at once with 503 and Retry-After, rather than left waiting for minutes.
 */
export class PasswordChecksBusyError extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'password_checks_busy';
  override readonly headers = { 'retry-after': '1' };

  constructor() {
    super('Too many sign-ins are being checked right now; try again in a moment');
  }
}
