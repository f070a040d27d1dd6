import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { RateLimitedError } from '../../rate-limit/rate-limited.error';
import { rateLimitHeaders } from '../../rate-limit/rate-limiter';
import type { AuthenticatedRequest } from '../decorators/current-principal.decorator';
import { emailOf, limitApplies, limitClassOf, type AuthLimitName } from './auth-limits';
import { KnownClients } from './known-clients';
import { LoginLockouts } from './login-lockouts';
import { sha256 } from '../../common/crypto/sha256';

/** A 429 that still knows which limit refused, for the lockout audit. */
class AuthLimitedError extends RateLimitedError {
  constructor(readonly detail: ThrottlerLimitDetail) {
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    super(
      rateLimitHeaders({ limit: detail.limit, remaining: 0, resetSeconds: retryAfter }, retryAfter),
    );
  }
}

/**
 * @nestjs/throttler's guard, with the layered limits of `/api/v1/auth`: each named limit is
 * counted only on the routes of its class, keyed by what it limits (canonical email, client IP,
 * principal). Counters are shared by all routes of a class, so the budget cannot be multiplied
 * by switching routes. Runs after the global authentication guard, so the principal is known.
 * A refused request stops here: the handler (and bcrypt) never runs.
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly lockouts: LoginLockouts,
    private readonly knownClients: KnownClients,
  ) {
    super(options, storage, reflector);
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const name = request.throttler.name as AuthLimitName;
    if (!limitApplies(name, limitClassOf(this.reflector, request.context))) return true;
    const req = request.context.switchToHttp().getRequest<FastifyRequest>();
    if (name === 'login-email' && (await this.knownClients.isKnown(emailOf(req), req.ip)))
      return true;
    try {
      return await super.handleRequest({
        ...request,
        getTracker: (req) => trackerFor(name, req as AuthenticatedRequest),
      });
    } catch (error) {
      if (name === 'login-email' && error instanceof AuthLimitedError)
        await this.lockouts.lockedOut(req, error.detail.timeToBlockExpire);
      throw error;
    }
  }

  /** The throttler's name and the tracker, hashed: no raw email or IP in Redis keys. */
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `auth:${name}:${sha256(tracker)}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new AuthLimitedError(detail);
  }
}

function trackerFor(name: AuthLimitName, request: AuthenticatedRequest): string {
  switch (name) {
    case 'login':
      return `${emailOf(request)}|${request.ip}`;
    case 'login-email':
    case 'forgot-email':
      return emailOf(request);
    case 'login-ip':
    case 'auth-ip':
      return request.ip;
    case 'principal': {
      const principal = request.principal;
      if (principal === undefined) return `ip:${request.ip}`;
      return principal.type === 'user' ? `user:${principal.userId}` : `key:${principal.keyId}`;
    }
  }
}
