import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { UserPrincipal } from '../security/principal';
import { SessionTokensService } from '../auth/session-tokens.service';
import { DomainError } from '../common/errors/domain.error';
import type { RequestMeta } from '../common/http/request-meta';
import type { User } from '../users/user.entity';
import { UsersService, type UserPage } from '../users/users.service';
import type { ListUsersQuery, UpdateUserDto } from './dto/admin-users.dto';

export class SelfLockoutError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'self_lockout';

  constructor() {
    super('Admins cannot disable themselves or remove their own admin role');
  }
}

@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionTokensService,
    private readonly audit: AuditService,
  ) {}

  list(query: ListUsersQuery): Promise<UserPage> {
    return this.users.list(query);
  }

  async update(
    id: string,
    changes: UpdateUserDto,
    admin: UserPrincipal,
    meta: RequestMeta,
  ): Promise<User> {
    // From here on only the id the database returned is used: for the self-check, the session
    // and revocation keys and the audit entry, whatever spelling of it the path carried.
    const before = await this.users.getById(id);
    if (
      before.id === admin.userId &&
      (changes.disabled === true ||
        (changes.roles !== undefined && !changes.roles.includes('admin')))
    ) {
      throw new SelfLockoutError();
    }
    // The roles before and after come from the one statement that changed them, not from the
    // read above: a grant by another admin in between must count as a role this removal takes.
    const { user, rolesBefore, rolesAfter } = await this.users.update(before.id, changes);
    const lostRole = rolesBefore.some((role) => !rolesAfter.includes(role));
    // Disabling, or taking a role away, ends every session and access token at once: a token
    // must not keep a right its holder no longer has. A granted role needs no hurry: it comes
    // with the next refresh.
    if (changes.disabled === true || lostRole)
      await this.sessions.signOutEverywhere(user.id, meta, { type: 'user', id: admin.userId });
    await this.audit.record(
      {
        type: 'admin.user_updated',
        userId: user.id,
        actor: { type: 'user', id: admin.userId },
        details: { ...changes },
      },
      meta,
    );
    return user;
  }

  async logoutAll(id: string, admin: UserPrincipal, meta: RequestMeta): Promise<void> {
    const user = await this.users.getById(id);
    await this.sessions.signOutEverywhere(user.id, meta, { type: 'user', id: admin.userId });
  }
}
