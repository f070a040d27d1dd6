import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { UserPrincipal } from '../security/principal';
import type { RequestMeta } from '../common/http/request-meta';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import type { ApiKey } from './api-key.entity';
import { ApiKeyCache } from './api-key.cache';
import { ApiKeyNotFoundError } from './api-key.errors';
import { ApiKeyRepository, type NewApiKey } from './api-key.repository';
import { checkNewKeyExpiry, rotationEnd } from './api-key.rules';
import { generateApiKey, hashApiKeySecret } from './api-key-format';
import { ApiKeyPepper } from './api-key-pepper';
import type { CreateApiKeyDto } from './dto/api-keys.dto';

export interface IssuedApiKey {
  record: ApiKey;
  /** The whole key: returned once, never stored. */
  key: string;
}

/** What admins do with API keys. Every change drops the key from every instance's cache. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    @InjectConfig() private readonly config: AppConfig,
    private readonly pepper: ApiKeyPepper,
    private readonly cache: ApiKeyCache,
    private readonly audit: AuditService,
  ) {}

  async create(
    input: CreateApiKeyDto,
    admin: UserPrincipal,
    meta: RequestMeta,
    now = Date.now(),
  ): Promise<IssuedApiKey> {
    checkNewKeyExpiry(input.expiresAt, now);
    const issued = this.issue({
      name: input.name,
      scopes: input.scopes ?? [],
      rateLimit: input.rateLimit?.limit ?? null,
      rateLimitTtl: input.rateLimit?.ttlSeconds ?? null,
      expiresAt: input.expiresAt ?? null,
      createdById: admin.userId,
    });
    await this.keys.insert(issued.record);
    // A well-formed key for this id may have been tried (and cached as unknown) before.
    await this.cache.invalidate(issued.record.id);
    await this.audit.record(
      {
        type: 'api_key.created',
        actor: { type: 'user', id: admin.userId },
        details: {
          keyId: issued.record.id,
          name: issued.record.name,
          scopes: issued.record.scopes,
        },
      },
      meta,
    );
    return { record: await this.get(issued.record.id), key: issued.key };
  }

  list(page: number, limit: number): Promise<{ items: ApiKey[]; total: number }> {
    return this.keys.page(page, limit);
  }

  async get(id: string): Promise<ApiKey> {
    const key = await this.keys.findById(id);
    if (key === null) throw new ApiKeyNotFoundError();
    return key;
  }

  /**
   * A new key with a new id and the same name, scopes, limit and expiry. The old key expires
   * when the grace ends (at once for 0). A key can be rotated once: later rotations go through
   * its successor.
   */
  async rotate(
    id: string,
    graceSeconds: number,
    admin: UserPrincipal,
    meta: RequestMeta,
    now = Date.now(),
  ): Promise<IssuedApiKey> {
    const issued = await this.keys.rotate(id, (old) => {
      if (old === null) throw new ApiKeyNotFoundError();
      const oldExpiresAt = rotationEnd(old, graceSeconds, now);
      const successor = this.issue({
        name: old.name,
        scopes: old.scopes,
        rateLimit: old.rateLimit,
        rateLimitTtl: old.rateLimitTtl,
        expiresAt: old.expiresAt,
        createdById: admin.userId,
      });
      return { successor: successor.record, oldExpiresAt, result: successor };
    });
    await this.cache.invalidate(id);
    await this.cache.invalidate(issued.record.id);
    await this.audit.record(
      {
        type: 'api_key.rotated',
        actor: { type: 'user', id: admin.userId },
        details: { keyId: id, newKeyId: issued.record.id, graceSeconds },
      },
      meta,
    );
    return { record: await this.get(issued.record.id), key: issued.key };
  }

  /** Idempotent: revoking a revoked key changes nothing and answers the same. */
  async revoke(id: string, admin: UserPrincipal, meta: RequestMeta): Promise<void> {
    if (!(await this.keys.revoke(id))) {
      await this.get(id); // 404 for an unknown id; an already revoked key is fine
      return;
    }
    await this.cache.invalidate(id);
    await this.audit.record(
      {
        type: 'api_key.revoked',
        actor: { type: 'user', id: admin.userId },
        details: { keyId: id },
      },
      meta,
    );
  }

  private issue(
    fields: Omit<
      NewApiKey,
      'id' | 'prefix' | 'secretHash' | 'revokedAt' | 'lastUsedAt' | 'replacedById'
    >,
  ): { record: NewApiKey; key: string } {
    const { keyId, secret, key } = generateApiKey(this.config.apiKeys.prefix);
    const record: NewApiKey = {
      ...fields,
      id: keyId,
      prefix: this.config.apiKeys.prefix,
      secretHash: hashApiKeySecret(secret, this.pepper.value),
      revokedAt: null,
      lastUsedAt: null,
      replacedById: null,
    };
    return { record, key };
  }
}
