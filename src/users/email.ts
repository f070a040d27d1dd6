/** RFC 5321 §4.5.3.1 with RFC 3696 errata: the longest address a mail system accepts. */
export const EMAIL_MAX_LENGTH = 254;

/**
 * One account per canonical email: surrounding spaces dropped, letters lower-cased, so
 * `Alice@Example.com` and ` alice@example.com ` are the same person (and the same rate-limit key).
 *
 * Lower-casing can make a string longer (`İ` becomes `i̇`, two code units), so length limits apply
 * to this form, which is what is stored and searched for, not to the input.
 */
export function canonicalEmail(raw: string): string {
  return raw.trim().toLowerCase();
}
