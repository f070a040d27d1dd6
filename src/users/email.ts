/**
 * One account per canonical email: surrounding spaces dropped, letters lower-cased, so
 * `Alice@Example.com` and ` alice@example.com ` are the same person (and the same rate-limit key).
 */
export function canonicalEmail(raw: string): string {
  return raw.trim().toLowerCase();
}
