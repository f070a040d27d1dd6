import type { AuthRequirements } from '../../security/auth.decorator';
import type { ApiKeyPrincipal, Principal, UserPrincipal } from '../../security/principal';
import { InsufficientRightsError } from '../auth.errors';
import { authorize } from './authorize';

const token = { jti: 'jti-1', iat: 1, exp: 2 };
const user: UserPrincipal = { type: 'user', userId: 'u1', sessionId: 's1', roles: ['user'], token };
const admin: UserPrincipal = { ...user, roles: ['user', 'admin'] };
const metricsKey: ApiKeyPrincipal = {
  type: 'apiKey',
  keyId: 'k1',
  name: 'metrics',
  scopes: ['metrics:read'],
};
const bareKey: ApiKeyPrincipal = { ...metricsKey, scopes: [] };

describe('authorize', () => {
  describe.each<[string, Principal, AuthRequirements]>([
    ['a user, no rule', user, {}],
    ['a user with the role', admin, { roles: ['admin'] }],
    ['a user with one of the roles', user, { roles: ['admin', 'user'] }],
    ['a user on a key route with no scope', user, { apiKey: true }],
    [
      'a user where roles and scopes are both given',
      admin,
      { roles: ['admin'], scopes: ['metrics:read'] },
    ],
    ['a key, no rule', bareKey, { apiKey: true }],
    ['a key with the scope', metricsKey, { apiKey: true, scopes: ['metrics:read'] }],
    ['a key where an empty scope list is given', bareKey, { apiKey: true, scopes: [] }],
  ])('lets through %s', (_label, principal, requirements) => {
    it('without error', () => expect(() => authorize(principal, requirements)).not.toThrow());
  });

  describe.each<[string, Principal, AuthRequirements, RegExp]>([
    ['a user without the role', user, { roles: ['admin'] }, /needs the role admin/],
    ['a user on a scope-only route', admin, { scopes: ['metrics:read'] }, /only for API keys/],
    ['a key on a role route', metricsKey, { roles: ['admin'] }, /which an API key cannot have/],
    [
      'a key without the scope',
      metricsKey,
      { apiKey: true, scopes: ['metrics:read', 'health:read'] },
      /lacks the scope health:read/,
    ],
  ])('refuses %s', (_label, principal, requirements, message) => {
    it('with a 403 naming the rule', () => {
      let thrown: unknown;
      try {
        authorize(principal, requirements);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InsufficientRightsError);
      expect((thrown as Error).message).toMatch(message);
    });
  });
});
