import { DomainError } from '../common/errors/domain.error';

export class EmailTakenError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'email_taken';

  constructor() {
    super('An account with this email already exists');
  }
}

export class WeakPasswordError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'weak_password';

  constructor(field: string, problem: string) {
    super(`Password ${problem}`, [{ field, problem }]);
  }
}

export class UserNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'user_not_found';

  constructor() {
    super('No such user');
  }
}
