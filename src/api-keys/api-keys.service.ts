import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { UserPrincipal } from '../security/principal';
import { RequestValidationError } from '../common/errors/request-validation.error';
import type { RequestMeta } from '../common/http/request-meta';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { ApiKey, apiKeyStatus } from './api-key.entity';
import { ApiKeyCache } from './api-key.cache';
import { ApiKeyNotActiveError, ApiKeyNotFoundError } from './api-key.errors';
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
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @InjectDataSource() private readonly dataSource: DataSource,
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
    if (input.expiresAt !== undefined && input.expiresAt.getTime() <= now) {
      throw new RequestValidationError([{ field: 'expiresAt', problem: 'must be in the future' }]);
    }
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
        actorId: admin.userId,
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

  async list(page: number, limit: number): Promise<{ items: ApiKey[]; total: number }> {
    const [items, total] = await this.keys.findAndCount({
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { items, total };
  }

  async get(id: string): Promise<ApiKey> {
    const key = await this.keys.findOneBy({ id });
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
    const issued = await this.dataSource.transaction(async (manager) => {
      const old = await manager.findOne(ApiKey, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (old === null) throw new ApiKeyNotFoundError();
      const status = apiKeyStatus(old, now);
      if (status !== 'active') throw new ApiKeyNotActiveError(status);
      if (old.replacedById !== null) throw new ApiKeyNotActiveError('already rotated');

      const successor = this.issue({
        name: old.name,
        scopes: old.scopes,
        rateLimit: old.rateLimit,
        rateLimitTtl: old.rateLimitTtl,
        expiresAt: old.expiresAt,
        createdById: admin.userId,
      });
      await manager.insert(ApiKey, successor.record);
      const graceEnds = new Date(now + graceSeconds * 1000);
      const expiresAt =
        old.expiresAt !== null && old.expiresAt < graceEnds ? old.expiresAt : graceEnds;
      await manager.update(ApiKey, { id }, { expiresAt, replacedById: successor.record.id });
      return successor;
    });
    await this.cache.invalidate(id);
    await this.cache.invalidate(issued.record.id);
    await this.audit.record(
      {
        type: 'api_key.rotated',
        actorId: admin.userId,
        details: { keyId: id, newKeyId: issued.record.id, graceSeconds },
      },
      meta,
    );
    return { record: await this.get(issued.record.id), key: issued.key };
  }

  /** Idempotent: revoking a revoked key changes nothing and answers the same. */
  async revoke(id: string, admin: UserPrincipal, meta: RequestMeta): Promise<void> {
    const result = await this.keys.update(
      { id, revokedAt: IsNull() },
      { revokedAt: () => 'now()' },
    );
    if (result.affected === 0) {
      await this.get(id); // 404 for an unknown id; an already revoked key is fine
      return;
    }
    await this.cache.invalidate(id);
    await this.audit.record(
      { type: 'api_key.revoked', actorId: admin.userId, details: { keyId: id } },
      meta,
    );
  }

  private issue(
    fields: Omit<
      ApiKey,
      'id' | 'prefix' | 'secretHash' | 'revokedAt' | 'lastUsedAt' | 'replacedById' | 'createdAt'
    >,
  ): IssuedApiKey {
    const { keyId, secret, key } = generateApiKey(this.config.apiKeys.prefix);
    const record = this.keys.create({
      ...fields,
      id: keyId,
      prefix: this.config.apiKeys.prefix,
      secretHash: hashApiKeySecret(secret, this.pepper.value),
      revokedAt: null,
      lastUsedAt: null,
      replacedById: null,
    });
    return { record, key };
  }
}
