import type { Principal } from '../security/principal';
import type { ApiKeyScope } from '../security/scopes';

export const HEALTH_DETAILS_SCOPE: ApiKeyScope = 'health:read';

/**
 * Who sees each dependency's latency and failure reason on GET /api/v1/health: admins and API
 * keys with `health:read`. A failure reason is a driver message (addresses, ports); everyone
 * else gets what the public readiness probe shows, up or down and the mode.
 */
export function mayReadHealthDetails(principal: Principal): boolean {
  return principal.type === 'user'
    ? principal.roles.includes('admin')
    : principal.scopes.includes(HEALTH_DETAILS_SCOPE);
}
