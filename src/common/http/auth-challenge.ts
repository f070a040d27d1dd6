/**
 * `WWW-Authenticate` challenges (RFC 9110 §11.6.1). Access tokens use the Bearer scheme of
 * RFC 6750; API keys have their own scheme, `ApiKey`, with the same parameters, so that a client
 * is told about the credential it actually sent.
 */
export type AuthScheme = 'Bearer' | 'ApiKey';

export const AUTH_REALM = 'api';

/** The `error` parameter: RFC 6750's codes for tokens, `invalid_key` for a refused API key. */
export type ChallengeError = 'invalid_token' | 'invalid_key' | 'insufficient_scope';

export function challenge(scheme: AuthScheme, error?: ChallengeError): string {
  return `${scheme} realm="${AUTH_REALM}"${error === undefined ? '' : `, error="${error}"`}`;
}

/** Several challenges in one field value, as RFC 9110 §11.6.1 allows. */
export function challenges(...values: string[]): string {
  return values.join(', ');
}
