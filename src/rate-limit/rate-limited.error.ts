import { DomainError } from '../common/errors/domain.error';

/** 429. The answer carries `Retry-After` and the `RateLimit-*` headers of the limit that refused. */
export class RateLimitedError extends DomainError {
  readonly kind = 'rate_limited';
  readonly code = 'rate_limited';

  constructor(
    override readonly headers: Record<string, string>,
    message = 'Too many requests; try again later',
  ) {
    super(message);
  }
}
