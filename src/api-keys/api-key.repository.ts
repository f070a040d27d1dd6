import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ApiKey } from './api-key.entity';

/** The fields a new key is written with; the database fills in `created_at`. */
export type NewApiKey = Omit<ApiKey, 'createdAt' | 'createdBy' | 'replacedBy'>;

/**
 * The one owner of the `api_keys` table: the admin flows, verification and usage bookkeeping
 * read and write it only through here, so every query on it is in this file.
 */
@Injectable()
export class ApiKeyRepository {
  constructor(@InjectRepository(ApiKey) private readonly rows: Repository<ApiKey>) {}

  async insert(fields: NewApiKey): Promise<void> {
    await this.rows.insert(this.rows.create(fields));
  }

  findById(id: string): Promise<ApiKey | null> {
    return this.rows.findOneBy({ id });
  }

  async page(page: number, limit: number): Promise<{ items: ApiKey[]; total: number }> {
    const [items, total] = await this.rows.findAndCount({
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { items, total };
  }

  /**
   * One transaction with the old row locked, so two concurrent rotations of a key cannot both
   * succeed: `plan` sees the locked row (null when there is none) and answers the successor to
   * insert and when the old key stops; it may throw to refuse.
   */
  rotate<T>(
    id: string,
    plan: (old: ApiKey | null) => { successor: NewApiKey; oldExpiresAt: Date; result: T },
  ): Promise<T> {
    return this.rows.manager.transaction(async (manager) => {
      const old = await manager.findOne(ApiKey, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      const { successor, oldExpiresAt, result } = plan(old);
      await manager.insert(ApiKey, manager.create(ApiKey, successor));
      await manager.update(ApiKey, { id }, { expiresAt: oldExpiresAt, replacedById: successor.id });
      return result;
    });
  }

  /** True when this call revoked the key; false when it is unknown or was already revoked. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.rows.update(
      { id, revokedAt: IsNull() },
      { revokedAt: () => 'now()' },
    );
    return result.affected !== 0;
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.rows.update({ id }, { lastUsedAt: at });
  }
}
