import type { AuthRequirements } from '../../security/auth.decorator';
import type { Principal } from '../../security/principal';
import { InsufficientRightsError } from '../auth.errors';
import { authorize } from './authentication.guard';

const user = (roles: ('user' | 'admin')[]): Principal => ({
  type: 'user',
  userId: '7d3c1b0e-8a57-4f0e-9a55-3b1f0c2d4e5f',
  sessionId: 'AAAAAAAAAAAAAAAAAAAAAA',
  roles,
  token: { jti: 'j', iat: 0, exp: 1 },
});
const key = (scopes: string[]): Principal => ({
  type: 'apiKey',
  keyId: 'k',
  name: 'integration',
  scopes,
});

describe('authorize: roles are the rule for users, scopes for API keys', () => {
  const cases: [string, boolean, Principal, AuthRequirements][] = [
    ['a user on a route with no rule', true, user(['user']), {}],
    ['a key on a key route with no rule', true, key([]), { apiKey: true }],
    ['an admin on an admin route', true, user(['user', 'admin']), { roles: ['admin'] }],
    ['a plain user on an admin route', false, user(['user']), { roles: ['admin'] }],
    [
      'a key on a route with roles and no scopes',
      false,
      key(['metrics:read']),
      { roles: ['admin'], apiKey: true },
    ],
    [
      'a key with the scope',
      true,
      key(['metrics:read']),
      { apiKey: true, scopes: ['metrics:read'] },
    ],
    [
      'a key without the scope',
      false,
      key(['health:read']),
      { apiKey: true, scopes: ['metrics:read'] },
    ],
    [
      'a user on a scopes-only route',
      false,
      user(['admin']),
      { apiKey: true, scopes: ['metrics:read'] },
    ],
    [
      'an admin on a route for admins or scoped keys',
      true,
      user(['admin']),
      { roles: ['admin'], apiKey: true, scopes: ['metrics:read'] },
    ],
    [
      'a scoped key on a route for admins or scoped keys',
      true,
      key(['metrics:read']),
      { roles: ['admin'], apiKey: true, scopes: ['metrics:read'] },
    ],
  ];

  it.each(cases)('%s: allowed %s', (_title, allowed, principal, requirements) => {
    if (allowed) expect(() => authorize(principal, requirements)).not.toThrow();
    else expect(() => authorize(principal, requirements)).toThrow(InsufficientRightsError);
  });
});
