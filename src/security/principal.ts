import type { Role } from './roles';

/** Who is calling, as the handlers see it: never `req.user`. */
export interface UserPrincipal {
  type: 'user';
  userId: string;
  sessionId: string;
  roles: Role[];
  /** The verified token's id and times, for logout of this exact token. */
  token: { jti: string; iat: number; exp: number };
}

export interface ApiKeyPrincipal {
  type: 'apiKey';
  keyId: string;
  name: string;
  scopes: string[];
}

export type Principal = UserPrincipal | ApiKeyPrincipal;
