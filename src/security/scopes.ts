/**
 * Every scope an API key can hold. A route asks for scopes with `@Auth({ apiKey: true, scopes })`;
 * a new resource route that needs its own scope adds it here, so that an admin who mistypes one
 * gets a 400 at creation instead of a key that silently reaches nothing.
 */
export const API_KEY_SCOPES = [
  'metrics:read',
  // The latency and failure reason of each dependency on GET /api/v1/health.
  'health:read',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
