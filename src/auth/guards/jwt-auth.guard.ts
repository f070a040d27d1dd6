import { Injectable } from '@nestjs/common';
import { AuthGuard, type IAuthModuleOptions } from '@nestjs/passport';
import { InvalidTokenError } from '../../tokens/access-token.errors';
import type { UserPrincipal } from '../../security/principal';
import { JWT_STRATEGY } from '../strategies/jwt.strategy';

/**
 * Runs the passport-jwt strategy and writes its principal to `request.principal`. A token it
 * refuses is one 401, never a 403; an error raised in validate() (a revoked token: 401, a store
 * outage: 503) passes through unchanged.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard(JWT_STRATEGY) {
  override getAuthenticateOptions(): IAuthModuleOptions {
    return { property: 'principal', session: false };
  }

  override handleRequest<T = UserPrincipal>(error: Error | null | undefined, user: T | false): T {
    if (error) throw error;
    if (!user) throw new InvalidTokenError();
    return user;
  }
}
