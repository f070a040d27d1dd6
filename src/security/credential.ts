import type { FastifyRequest } from 'fastify';

export type CredentialHeader = 'Authorization' | 'X-API-Key';

export type Credential =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'apiKey' }
  | { kind: 'malformed' }
  | { kind: 'conflict' }
  | { kind: 'duplicate'; header: CredentialHeader };

/** What the classification reads: the parsed headers and, when there is one, the raw request. */
export type CredentialSource = Pick<FastifyRequest, 'headers'> & {
  raw?: { rawHeaders?: string[] };
};

/**
 * Which credential a request carries, from its headers only (never the query string): a pure
 * function, so the guard's decision is easy to read and to test. A bearer token is parsed here
 * and read by the JWT strategy from `request.credential`; an API key is only detected here.
 */
export function classifyCredential(request: CredentialSource): Credential {
  const duplicate = duplicatedHeader(request);
  if (duplicate !== undefined) return { kind: 'duplicate', header: duplicate };
  const authorization = request.headers.authorization;
  const apiKey = request.headers['x-api-key'];
  const hasAuthorization = authorization !== undefined;
  const hasApiKey = apiKey !== undefined;
  if (hasAuthorization && hasApiKey) return { kind: 'conflict' };
  // Which scheme, not the key itself: passport-headerapikey reads the one header, and refuses an
  // empty or odd key like any wrong one.
  if (hasApiKey) return { kind: 'apiKey' };
  if (hasAuthorization) {
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
    return match ? { kind: 'bearer', token: match[1] } : { kind: 'malformed' };
  }
  return { kind: 'none' };
}

/**
 * A credential header sent more than once. Node keeps only the first `Authorization` in
 * `headers` and joins repeated `X-API-Key` values with ", ", so either would silently pick one
 * of two credentials: the raw header list is the only place that shows the repetition.
 */
function duplicatedHeader(request: CredentialSource): CredentialHeader | undefined {
  // Repeated headers are joined or dropped, so each parsed value is checked for repetition in
  // the raw list; a request without either header (most public ones) costs two lookups.
  const authorization = request.headers.authorization !== undefined;
  const apiKey = request.headers['x-api-key'] !== undefined;
  if (!authorization && !apiKey) return undefined;
  const parsed: unknown[] = [request.headers.authorization, request.headers['x-api-key']];
  if (Array.isArray(parsed[0])) return 'Authorization';
  if (Array.isArray(parsed[1])) return 'X-API-Key';
  const raw = request.raw?.rawHeaders ?? [];
  let authorizations = 0;
  let apiKeys = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (authorization && name.length === 13 && name.toLowerCase() === 'authorization')
      authorizations += 1;
    else if (apiKey && name.length === 9 && name.toLowerCase() === 'x-api-key') apiKeys += 1;
  }
  if (authorizations > 1) return 'Authorization';
  if (apiKeys > 1) return 'X-API-Key';
  return undefined;
}
