/**
 * What went wrong, in the service's own words. The exception filter maps each kind to one HTTP
 * status; services never think in status codes.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable';

export interface ErrorDetail {
  field: string;
  problem: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** A stable machine-readable code clients may branch on, e.g. `email_not_verified`. */
  abstract readonly code: string;
  readonly details?: ErrorDetail[];
  /** Response headers that belong to this answer, e.g. `Retry-After` on a 429. */
  readonly headers?: Record<string, string>;

  constructor(message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}
