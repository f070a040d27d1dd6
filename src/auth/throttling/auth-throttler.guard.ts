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
import { tooManyRequestsHeaders } from '../../rate-limit/rate-limit-headers';
import type { AuthenticatedRequest } from '../../security/current-principal.decorator';
import { emailOf, type AuthLimitName } from './auth-limits';
import { DeviceCookies } from './device-cookies';
import { KnownClients } from './known-clients';
import { LoginLockouts } from './login-lockouts';
import { sha256 } from '../../common/crypto/sha256';

const familiarityByRequest = new WeakMap<
  FastifyRequest,
  Promise<{ device?: string; address: boolean }>
>();

/** A 429 that still knows which limit refused, for the lockout audit. */
class AuthLimitedError extends RateLimitedError {
  constructor(readonly detail: ThrottlerLimitDetail) {
    super(tooManyRequestsHeaders(detail.limit, detail.timeToBlockExpire));
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
    private readonly devices: DeviceCookies,
  ) {
    super(options, storage, reflector);
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    // Only the limits of the route's class get here: each throttler's skipIf (authThrottlers).
    const name = request.throttler.name as AuthLimitName;
    const req = request.context.switchToHttp().getRequest<FastifyRequest>();
    // OWASP device cookies: a login from a device the owner signed in on counts against that
    // device's limit instead of the email-wide lockout, which stays for every other client.
    const known = name.startsWith('login-') ? await this.familiarity(req) : undefined;
    const device = known?.device;
    if (name === 'login-device' && device === undefined) return true;
    if (name === 'login-email' && (device !== undefined || known?.address === true)) return true;
    try {
      return await super.handleRequest({
        ...request,
        getTracker: (req) =>
          name === 'login-device'
            ? `device:${device}`
            : trackerFor(name, req as AuthenticatedRequest),
      });
    } catch (error) {
      if (name === 'login-email' && error instanceof AuthLimitedError)
        await this.lockouts.lockedOut(req, error.detail.timeToBlockExpire);
      throw error;
    }
  }

  /**
   * The login's device id, when its cookie is genuine (MAC) and the account still knows the
   * device, and whether it knows the address (KnownClients). Worked out once per request: every
   * login limit asks.
   */
  private familiarity(request: FastifyRequest): Promise<{ device?: string; address: boolean }> {
    let answer = familiarityByRequest.get(request);
    if (answer === undefined) {
      const email = emailOf(request);
      const id = this.devices.deviceOf(request, email);
      answer = this.knownClients
        .familiarity(email, request.ip, id)
        .then((known) => ({ device: known.device ? id : undefined, address: known.address }));
      familiarityByRequest.set(request, answer);
    }
    return answer;
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

function trackerFor(
  name: Exclude<AuthLimitName, 'login-device'>,
  request: AuthenticatedRequest,
): string {
  switch (name) {
    case 'login':
      return `${emailOf(request)}|${request.ip}`;
    case 'login-email':
      return emailOf(request);
    case 'login-ip':
    case 'auth-ip':
    case 'forgot-ip':
      return request.ip;
    case 'principal': {
      const principal = request.principal;
      if (principal === undefined) return `ip:${request.ip}`;
      return principal.type === 'user' ? `user:${principal.userId}` : `key:${principal.keyId}`;
    }
  }
}
