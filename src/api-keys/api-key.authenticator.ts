import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { ApiKeyPrincipal } from '../security/principal';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { RateLimitedError } from '../rate-limit/rate-limited.error';
import { RateLimiter, type RateLimitState } from '../rate-limit/rate-limiter';
import { ApiKey, rateLimitOf } from './api-key.entity';
import { ApiKeyCache, type ApiKeyRecord } from './api-key.cache';
import { InvalidApiKeyError } from './api-key.errors';
import { apiKeySecretMatches, parseApiKey } from './api-key-format';
import { ApiKeyPepper } from './api-key-pepper';
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
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
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
    if (key.revoked) this.refuse(key.id, 'revoked');
    if (key.expiresAt !== null && key.expiresAt <= now) this.refuse(key.id, 'expired');

    const limit = key.rateLimit ?? this.config.apiKeys.defaultRateLimit;
    let rateLimit: RateLimitState;
    try {
      rateLimit = await this.rateLimiter.consume({
        name: 'api-key',
        key: `api-key:${key.id}`,
        ...limit,
      });
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
    const key = await this.keys.findOneBy({ id });
    if (key === null) return null;
    return {
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      secretHash: key.secretHash,
      scopes: key.scopes,
      rateLimit: rateLimitOf(key),
      expiresAt: key.expiresAt?.getTime() ?? null,
      revoked: key.revokedAt !== null,
    };
  }
}
