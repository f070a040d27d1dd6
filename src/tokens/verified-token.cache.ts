import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { AccessTokenClaims } from './access-token';

const MAX_ENTRIES = 10_000;

/**
 * Clients send the same access token many times: this bounded LRU, keyed by the whole token
 * (signature included, so a tampered copy never hits), skips the RSA verification on repeats.
 * Entries expire with their token. Revocation is checked on every request regardless.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly cache = new LRUCache<string, AccessTokenClaims>({
    max: MAX_ENTRIES,
    ttlAutopurge: false,
  });

  get(token: string, now = Date.now()): AccessTokenClaims | undefined {
    const claims = this.cache.get(token);
    if (claims !== undefined && claims.exp * 1000 <= now) {
      this.cache.delete(token);
      return undefined;
    }
    return claims;
  }

  set(token: string, claims: AccessTokenClaims, now = Date.now()): void {
    const ttl = claims.exp * 1000 - now;
    if (ttl > 0) this.cache.set(token, claims, { ttl });
  }
}
