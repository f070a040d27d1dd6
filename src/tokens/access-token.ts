import type { Role } from '../security/roles';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const ACCESS_TOKEN_ALGORITHM = 'RS256';
/** The most clock skew tolerated on exp/nbf/iat (RFC 8725 §3.10 asks to keep it small). */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** The claims of an access token (API.md → Credentials). */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  jti: string;
  sid: string;
  roles: Role[];
  iat: number;
  exp: number;
}
