import { InsufficientRightsError } from '../auth.errors';
import type { AuthRequirements } from '../../security/auth.decorator';
import type { Principal } from '../../security/principal';

/**
 * Roles are the rule for users, scopes the rule for API keys. A route that restricts its callers
 * but gives no rule for a principal's type is one that principal cannot satisfy: it is refused,
 * never let through because the rule that exists does not apply to it.
 */
export function authorize(principal: Principal, requirements: AuthRequirements): void {
  const { roles, scopes } = requirements;
  if (principal.type === 'user') {
    if (roles !== undefined) {
      if (!roles.some((role) => principal.roles.includes(role)))
        throw new InsufficientRightsError(`This route needs the role ${roles.join(' or ')}`);
      return;
    }
    if (scopes !== undefined && scopes.length > 0)
      throw new InsufficientRightsError('This route is only for API keys with the right scope');
    return;
  }
  if (scopes === undefined || scopes.length === 0) {
    if (roles !== undefined)
      throw new InsufficientRightsError(
        `This route needs the role ${roles.join(' or ')}, which an API key cannot have`,
      );
    return;
  }
  const missing = scopes.filter((scope) => !principal.scopes.includes(scope));
  if (missing.length > 0)
    throw new InsufficientRightsError(`This API key lacks the scope ${missing.join(', ')}`);
}
