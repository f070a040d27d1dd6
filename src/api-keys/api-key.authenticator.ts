import { Injectable } from '@nestjs/common';
import type { ApiKeyPrincipal } from '../security/principal';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { limitFor } from '../rate-limit/limits';
import { RateLimitedError } from '../rate-limit/rate-limited.error';
import type { RateLimitState } from '../rate-limit/rate-limit-headers';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { rateLimitOf } from './api-key.entity';
import { ApiKeyCache, type ApiKeyRecord } from './api-key.cache';
import { InvalidApiKeyError } from './api-key.errors';
import { apiKeySecretMatches, parseApiKey } from './api-key-format';
import { ApiKeyPepper } from './api-key-pepper';
import { ApiKeyRepository } from './api-key.repository';
import { apiKeyStatus } from './api-key.rules';
import { ApiKeyUsage, type RefusalReason } from './api-key-usage';

export interface AuthenticatedApiKey {
  principal: ApiKeyPrincipal;
  rateLimit: RateLimitState;
}

/**
 * Verifies a presented API key: format and checksum (no lookup for a mistyped key), the record
 * by id (cached for a few seconds), a constant-time comparison of the keyed hash, revocation and
 * expiry on every request, then the key's own rate limit.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    private readonly keys: ApiKeyRepository,
    @InjectConfig() private readonly config: AppConfig,
    private readonly cache: ApiKeyCache,
    private readonly pepper: ApiKeyPepper,
    private readonly usage: ApiKeyUsage,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async authenticate(raw: string, now = Date.now()): Promise<AuthenticatedApiKey> {
    const parts = parseApiKey(raw);
    if (parts === null) throw new InvalidApiKeyError();
    const key = await this.cache.get(parts.keyId, (id) => this.load(id));
    if (key === null) throw new InvalidApiKeyError();
    if (
      key.prefix !== parts.prefix ||
      !apiKeySecretMatches(parts.secret, key.secretHash, this.pepper.value)
    )
      this.refuse(key.id, 'bad_secret');
    const status = apiKeyStatus(key, now);
    if (status !== 'active') this.refuse(key.id, status);

    // The `api-key` row of the limits table, unless the key has a limit of its own.
    const limit = { ...limitFor('api-key', `api-key:${key.id}`, this.config), ...key.rateLimit };
    let rateLimit: RateLimitState;
    try {
      rateLimit = await this.rateLimiter.consume(limit);
    } catch (error) {
      if (error instanceof RateLimitedError) this.usage.refused(key.id, 'rate_limited');
      throw error;
    }
    this.usage.used(key.id, now);
    return {
      principal: { type: 'apiKey', keyId: key.id, name: key.name, scopes: key.scopes },
      rateLimit,
    };
  }

  /** Counts a refusal of a known key that the route or its scopes did not allow. */
  refused(keyId: string, reason: RefusalReason): void {
    this.usage.refused(keyId, reason);
  }

  private refuse(id: string, reason: RefusalReason): never {
    this.usage.refused(id, reason);
    throw new InvalidApiKeyError();
  }

  private async load(id: string): Promise<ApiKeyRecord | null> {
    const key = await this.keys.findById(id);
    if (key === null) return null;
    return {
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      secretHash: key.secretHash,
      scopes: key.scopes,
      rateLimit: rateLimitOf(key),
      expiresAt: key.expiresAt,
      revokedAt: key.revokedAt,
    };
  }
}
