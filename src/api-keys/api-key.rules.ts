import { RequestValidationError } from '../common/errors/request-validation.error';
import type { ApiKey } from './api-key.entity';
import { ApiKeyNotActiveError } from './api-key.errors';

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** What the lifetime rules read of a key: a stored row or the verifier's cached record. */
export type ApiKeyLifetime = Pick<ApiKey, 'revokedAt' | 'expiresAt'>;

/**
 * The one "is this key usable now" rule, for the admin views, rotation and verification alike.
 * Revocation wins over expiry; a key is expired from the instant of `expiresAt` on.
 */
export function apiKeyStatus(key: ApiKeyLifetime, now: number): ApiKeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

/** A new key's expiry must lie in the future: a key born expired is a mistake, not a request. */
export function checkNewKeyExpiry(expiresAt: Date | undefined, now: number): void {
  if (expiresAt !== undefined && expiresAt.getTime() <= now) {
    throw new RequestValidationError([{ field: 'expiresAt', problem: 'must be in the future' }]);
  }
}

/**
 * When a rotated key stops working: at the end of the grace (at once for 0), or at its own
 * expiry if that comes first. Only an active key that was never rotated can be rotated: later
 * rotations go through its successor (409 otherwise).
 */
export function rotationEnd(
  old: ApiKeyLifetime & Pick<ApiKey, 'replacedById'>,
  graceSeconds: number,
  now: number,
): Date {
  const status = apiKeyStatus(old, now);
  if (status !== 'active') throw new ApiKeyNotActiveError(status);
  if (old.replacedById !== null) throw new ApiKeyNotActiveError('already rotated');
  const graceEnds = new Date(now + graceSeconds * 1000);
  return old.expiresAt !== null && old.expiresAt < graceEnds ? old.expiresAt : graceEnds;
}
