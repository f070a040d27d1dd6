import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditService } from '../../audit/audit.service';
import { requestMetaOf } from '../../common/http/request-meta';
import { KeyValueStore } from '../../state/key-value.store';
import { UsersService } from '../../users/users.service';
import { emailOf } from './auth-limits';
import { sha256 } from '../../common/crypto/sha256';

/**
 * The per-email login limit is a temporary lockout: it ends by itself when its window does,
 * and it never blocks a password reset. This writes one `login.locked_out` audit event per
 * lockout, however many instances and attempts run into it.
 */
@Injectable()
export class LoginLockouts {
  constructor(
    private readonly store: KeyValueStore,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async lockedOut(request: FastifyRequest, retryAfterSeconds: number): Promise<void> {
    const email = emailOf(request);
    const marker = `lockout:${sha256(email)}`;
    const ttlMs = Math.max(1, retryAfterSeconds) * 1000;
    if (!(await this.store.setIfAbsent(marker, '1', ttlMs))) return;
    const user = email === '' ? null : await this.users.findByEmail(email);
    await this.audit.record(
      {
        type: 'login.locked_out',
        userId: user?.id ?? null,
        reason: 'email_limit',
        details: { retryAfterSeconds },
      },
      requestMetaOf(request),
    );
  }
}
