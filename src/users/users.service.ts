import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { canonicalEmail } from './email';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';
import type { Role } from '../security/roles';
import { User } from './user.entity';
import { EmailTakenError, UserNotFoundError, WeakPasswordError } from './users.errors';

const UNIQUE_VIOLATION = '23505';

export interface NewUser {
  email: string;
  password: string;
  name?: string | null;
  roles?: Role[];
}

export interface UserPage {
  items: User[];
  total: number;
}

/** Accounts: the only module that touches the users table. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
  ) {}

  /** Creates an account; the database's unique index decides between concurrent registrations. */
  async create({ email, password, name = null, roles = ['user'] }: NewUser): Promise<User> {
    const canonical = canonicalEmail(email);
    this.assertAcceptablePassword('password', password, canonical, name);
    const passwordHash = await this.hasher.hash(password);
    try {
      return await this.users.save(
        this.users.create({ email: canonical, name, passwordHash, roles }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError();
      throw error;
    }
  }

  private assertAcceptablePassword(
    field: string,
    password: string,
    email: string,
    name?: string | null,
  ): void {
    const problem = this.policy.problem(password, { email, name });
    if (problem !== null) throw new WeakPasswordError(field, problem);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: canonicalEmail(email) });
  }

  /**
   * By id: what every signed-in request that needs the account runs (/auth/me, refresh). On a
   * TypeORM repository, one SQL text built once from the entity's metadata and the row mapped
   * back through the same metadata: building and transforming a TypeORM query per call cost more
   * than the query (docs/performance.md). The memory table of the policy specs has no metadata
   * and answers findOneBy; test/admin.e2e-spec.ts holds the two paths to the same answer.
   */
  findById(id: string): Promise<User | null> {
    this.byId ??= byIdReader(this.users);
    return this.byId(id);
  }

  private byId?: (id: string) => Promise<User | null>;

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (user === null) throw new UserNotFoundError();
    return user;
  }

  /** The password check of a login; an unknown user costs the same time as a wrong password. */
  async verifyPassword(user: User | null, password: string): Promise<boolean> {
    if (user === null) return this.hasher.verifyNothing(password);
    return this.hasher.verify(password, user.passwordHash);
  }

  /** Throws WeakPasswordError (400, naming `field`) when the policy refuses the password. */
  checkPassword(user: User, password: string, field = 'password'): void {
    this.assertAcceptablePassword(field, password, user.email, user.name);
  }

  /** A new password (the policy applies, with `field` naming the input in a refusal). */
  async setPassword(user: User, password: string, field = 'password'): Promise<void> {
    this.checkPassword(user, password, field);
    const passwordHash = await this.hasher.hash(password);
    await this.users.update({ id: user.id }, { passwordHash, passwordChangedAt: new Date() });
  }

  async markEmailVerified(id: string): Promise<void> {
    await this.users.update({ id }, { emailVerifiedAt: () => 'now()' });
  }

  async list(options: { page: number; limit: number; email?: string }): Promise<UserPage> {
    const query = this.users
      .createQueryBuilder('user')
      .orderBy('user.createdAt', 'ASC')
      .addOrderBy('user.id', 'ASC');
    if (options.email !== undefined) {
      // A substring search on the canonical email; LIKE wildcards in the input match literally.
      const needle = canonicalEmail(options.email).replace(/[\\%_]/g, (c) => `\\${c}`);
      query.where('user.email LIKE :needle', { needle: `%${needle}%` });
    }
    const [items, total] = await query
      .skip((options.page - 1) * options.limit)
      .take(options.limit)
      .getManyAndCount();
    return { items, total };
  }

  /**
   * Changes roles and/or the disabled flag in one statement that also answers the roles the row
   * had just before: the row is locked while it is read, so a concurrent change by another admin
   * lands either wholly before (and is what this reports as the roles before) or wholly after.
   * A caller deciding whether a role was lost therefore never misses one.
   */
  async update(
    id: string,
    changes: { roles?: Role[]; disabled?: boolean },
  ): Promise<{ user: User; rolesBefore: Role[]; rolesAfter: Role[] }> {
    const roles = changes.roles === undefined ? null : [...new Set(changes.roles)];
    const disabled = changes.disabled ?? null;
    const [rows] = await this.users.query<
      [{ roles_before: Role[]; roles_after: Role[] }[], number]
    >(
      `UPDATE users AS u
          SET roles = COALESCE($2::text[], old.roles),
              disabled_at = CASE
                WHEN $3::boolean IS NULL THEN old.disabled_at
                WHEN $3::boolean THEN COALESCE(old.disabled_at, now())
                ELSE NULL END,
              updated_at = now()
         FROM (SELECT id, roles, disabled_at FROM users WHERE id = $1 FOR UPDATE) AS old
        WHERE u.id = old.id
    RETURNING old.roles AS roles_before, u.roles AS roles_after`,
      [id, roles, disabled],
    );
    if (rows.length === 0) throw new UserNotFoundError();
    const [{ roles_before: rolesBefore, roles_after: rolesAfter }] = rows;
    return { user: await this.getById(id), rolesBefore, rolesAfter };
  }
}

function byIdReader(users: Repository<User>): (id: string) => Promise<User | null> {
  const metadata = users.metadata as Repository<User>['metadata'] | undefined;
  if (metadata === undefined) return (id) => users.findOneBy({ id });
  const { columns, tablePath, primaryColumns } = metadata;
  const list = columns.map((column) => `"${column.databaseName}"`).join(', ');
  const sql = `SELECT ${list} FROM "${tablePath}" WHERE "${primaryColumns[0].databaseName}" = $1`;
  return async (id) => {
    const rows = await users.query<Record<string, unknown>[]>(sql, [id]);
    if (rows.length === 0) return null;
    const user = users.create();
    for (const column of columns) column.setEntityValue(user, rows[0][column.databaseName]);
    return user;
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string }).code === UNIQUE_VIOLATION
  );
}
