import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { User } from './user.entity';

type Changes = Partial<Record<keyof User, unknown>>;

/**
 * The `users` table in process memory, behind the few Repository methods UsersService uses on
 * the sign-in, password and session paths (create, save, findOneBy, update): policy specs run the
 * real UsersService without a database. The unique index on email is kept (a duplicate fails as
 * PostgreSQL's 23505 does); reads answer copies, as rows read from a database are.
 *
 * `afterNextRead` runs work after the next read has taken its snapshot and before the reader gets
 * it: a concurrent change landing exactly between a flow's read and what it does with the row.
 */
export class MemoryUsersTable {
  private readonly rows = new Map<string, User>();
  private pendingAfterRead: (() => Promise<void>) | undefined;

  create(fields: Partial<User>): User {
    return Object.assign(new User(), fields);
  }

  save(user: User): Promise<User> {
    const clash = [...this.rows.values()].find((r) => r.email === user.email && r.id !== user.id);
    if (clash !== undefined) {
      const error = new QueryFailedError('INSERT INTO users', [], new Error('duplicate key'));
      (error.driverError as { code?: string }).code = '23505';
      return Promise.reject(error);
    }
    const now = new Date();
    const row = Object.assign(new User(), {
      id: randomUUID(),
      name: null,
      roles: ['user'],
      emailVerifiedAt: null,
      disabledAt: null,
      passwordChangedAt: null,
      createdAt: now,
      ...this.rows.get(user.id ?? ''),
      ...defined(user),
      updatedAt: now,
    });
    this.rows.set(row.id, row);
    return Promise.resolve(copy(row));
  }

  async findOneBy(where: { id?: string; email?: string }): Promise<User | null> {
    const found = [...this.rows.values()].find(
      (row) =>
        (where.id === undefined || row.id === where.id) &&
        (where.email === undefined || row.email === where.email),
    );
    const snapshot = found === undefined ? null : copy(found);
    const work = this.pendingAfterRead;
    this.pendingAfterRead = undefined;
    if (work !== undefined) await work();
    return snapshot;
  }

  update(where: { id: string }, changes: Changes): Promise<{ affected: number }> {
    const row = this.rows.get(where.id);
    if (row === undefined) return Promise.resolve({ affected: 0 });
    // A function value is SQL (`() => 'now()'`): the only one UsersService writes is the time.
    for (const [field, value] of Object.entries(changes))
      (row as unknown as Record<string, unknown>)[field] =
        typeof value === 'function' ? new Date() : value;
    row.updatedAt = new Date();
    return Promise.resolve({ affected: 1 });
  }

  /** A change made outside the flows under test (an admin's disable, say), straight to the row. */
  alter(id: string, changes: Partial<User>): void {
    const row = this.rows.get(id);
    if (row === undefined) throw new Error(`no user ${id}`);
    Object.assign(row, changes);
  }

  afterNextRead(work: () => Promise<void>): void {
    this.pendingAfterRead = work;
  }
}

/** The fields that hold a value (an entity's declared fields start out undefined). */
function defined(user: User): Partial<User> {
  return Object.fromEntries(Object.entries(user).filter(([, value]) => value !== undefined));
}

function copy(row: User): User {
  return Object.assign(new User(), { ...row, roles: [...row.roles] });
}
