import { createHash } from 'node:crypto';

/**
 * SHA-256 as base64url: how stored secrets (refresh, reset and verification tokens) and store
 * keys derived from emails and IPs are hashed, so that neither appears in Redis as it is.
 */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
