import { createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';

/** What a fresh token copies from a real one: the header segment verbatim, and its claims. */
export interface TokenTemplate {
  headerSegment: string;
  claims: Record<string, unknown> & { iat: number; exp: number };
}

export function templateOf(accessToken: string): TokenTemplate {
  const [headerSegment, payloadSegment] = accessToken.split('.');
  const claims = JSON.parse(
    Buffer.from(payloadSegment, 'base64url').toString('utf8'),
  ) as TokenTemplate['claims'];
  return { headerSegment, claims };
}

/**
 * An RS256 token with the template's header and claims (same iss, aud, sub, sid, roles, in the
 * same order), a new jti and the current iat, and the template's lifetime.
 */
export function signLike(template: TokenTemplate, key: KeyObject): string {
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    ...template.claims,
    jti: randomUUID(),
    iat,
    exp: iat + (template.claims.exp - template.claims.iat),
  };
  const input = `${template.headerSegment}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

export function privateKeyOf(pem: string): KeyObject {
  return createPrivateKey(pem);
}
