import { DomainError } from './domain.error';

/**
 * A dependency (PostgreSQL, Redis) did not answer. The request fails closed with 503: a check
 * that could not run is never treated as passed.
 */
export class DependencyUnavailableError extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'dependency_unavailable';

  constructor(
    readonly dependency: 'database' | 'redis',
    options?: { cause?: unknown },
  ) {
    super('A backing service is unavailable; try again shortly');
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
