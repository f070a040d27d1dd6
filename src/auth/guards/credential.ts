import type { FastifyRequest } from 'fastify';

export type Credential =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'apiKey'; key: string }
  | { kind: 'malformed' }
  | { kind: 'conflict' };

/**
 * Which credential a request carries, from its headers only (never the query string): a pure
 * function, so the guard's decision is easy to read and to test.
 */
export function classifyCredential(request: Pick<FastifyRequest, 'headers'>): Credential {
  const authorization = request.headers.authorization;
  const apiKey = request.headers['x-api-key'];
  const hasAuthorization = authorization !== undefined;
  const hasApiKey = apiKey !== undefined;
  if (hasAuthorization && hasApiKey) return { kind: 'conflict' };
  // An empty or odd key is still a key: the API-key strategy refuses it like any wrong one.
  if (hasApiKey) return { kind: 'apiKey', key: String(apiKey).trim() };
  if (hasAuthorization) {
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
    return match ? { kind: 'bearer', token: match[1] } : { kind: 'malformed' };
  }
  return { kind: 'none' };
}
