import { FindOperator, QueryFailedError } from 'typeorm';
import { ApiKey } from './api-key.entity';

type Where = { id: string; revokedAt?: FindOperator<unknown> };
type Changes = Partial<Record<keyof ApiKey, unknown>>;

interface MemoryManager {
  transaction<T>(work: (manager: MemoryManager) => Promise<T>): Promise<T>;
  findOne(entity: typeof ApiKey, options: { where: { id: string } }): Promise<ApiKey | null>;
  create(entity: typeof ApiKey, fields: Partial<ApiKey>): ApiKey;
  insert(entity: typeof ApiKey, row: ApiKey): Promise<void>;
  update(entity: typeof ApiKey, where: Where, changes: Changes): Promise<{ affected: number }>;
}

/**
 * The `api_keys` table in process memory, behind the Repository and EntityManager methods
 * ApiKeyRepository uses: policy specs run the real ApiKeysService and ApiKeyRepository without a
 * database. The primary key is kept (a duplicate id fails as PostgreSQL's 23505 does),
 * transactions run one at a time (as the row lock makes concurrent rotations of a key do), and
 * reads answer copies, as rows read from a database are.
 */
export class MemoryApiKeysTable {
  private readonly rows = new Map<string, ApiKey>();
  private queue: Promise<unknown> = Promise.resolve();

  readonly manager: MemoryManager = {
    transaction: <T>(work: (manager: MemoryManager) => Promise<T>): Promise<T> => {
      const run = this.queue.then(() => work(this.manager));
      this.queue = run.catch(() => undefined);
      return run;
    },
    findOne: (_entity: typeof ApiKey, options: { where: { id: string } }) =>
      this.findOneBy(options.where),
    create: (_entity: typeof ApiKey, fields: Partial<ApiKey>) => this.create(fields),
    insert: (_entity: typeof ApiKey, row: ApiKey) => this.insert(row),
    update: (_entity: typeof ApiKey, where: Where, changes: Changes) => this.update(where, changes),
  };

  create(fields: Partial<ApiKey>): ApiKey {
    return Object.assign(new ApiKey(), fields);
  }

  insert(row: ApiKey): Promise<void> {
    if (this.rows.has(row.id)) {
      const error = new QueryFailedError('INSERT INTO api_keys', [], new Error('duplicate key'));
      (error.driverError as { code?: string }).code = '23505';
      return Promise.reject(error);
    }
    this.rows.set(row.id, Object.assign(new ApiKey(), { ...row, createdAt: new Date() }));
    return Promise.resolve();
  }

  findOneBy(where: { id: string }): Promise<ApiKey | null> {
    const row = this.rows.get(where.id);
    return Promise.resolve(row === undefined ? null : copy(row));
  }

  /** Newest first, as the only listing asks; ties by id. */
  findAndCount(options: { skip: number; take: number }): Promise<[ApiKey[], number]> {
    const all = [...this.rows.values()].sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id),
    );
    return Promise.resolve([
      all.slice(options.skip, options.skip + options.take).map(copy),
      all.length,
    ]);
  }

  update(where: Where, changes: Changes): Promise<{ affected: number }> {
    const row = this.rows.get(where.id);
    // The one operator ApiKeyRepository uses is IsNull() on revoked_at.
    if (row === undefined || (where.revokedAt !== undefined && row.revokedAt !== null))
      return Promise.resolve({ affected: 0 });
    // A function value is SQL (`() => 'now()'`): the only one written is the time.
    for (const [field, value] of Object.entries(changes))
      (row as unknown as Record<string, unknown>)[field] =
        typeof value === 'function' ? new Date() : value;
    return Promise.resolve({ affected: 1 });
  }

  /** A change made outside the flows under test, straight to the row. */
  alter(id: string, changes: Partial<ApiKey>): void {
    const row = this.rows.get(id);
    if (row === undefined) throw new Error(`no key ${id}`);
    Object.assign(row, changes);
  }

  get size(): number {
    return this.rows.size;
  }
}

function copy(row: ApiKey): ApiKey {
  return Object.assign(new ApiKey(), { ...row, scopes: [...row.scopes] });
}
