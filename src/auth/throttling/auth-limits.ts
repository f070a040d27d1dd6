import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/app-config';
import { canonicalEmail } from '../../users/email';
import {
  LIMITS,
  limitsCountedBy,
  type LimitDeclaration,
  type LimitName,
  type RouteClass,
} from '../../rate-limit/limits';
import { AUTH_METADATA, type AuthRequirements } from '../../security/auth.decorator';

/**
 * The route classes of `/api/v1/auth` the throttler limits (src/rate-limit/limits.ts says which
 * limit applies to which). A route's class follows from the route: login and forgot-password say
 * so with @AuthLimits(); any other public route is `public`; a route that needs a credential is
 * `signed-in`, limited per principal and never by the public budget. Forgot is never limited per
 * email: others' requests must not earn the owner a 429 (see ResetMailGate).
 */
export type AuthLimitClass = Extract<RouteClass, 'login' | 'forgot' | 'public' | 'signed-in'>;

/** The limits the throttler counts: the `throttler` rows of the table. */
export type AuthLimitName = {
  [N in LimitName]: (typeof LIMITS)[N]['counter'] extends 'throttler' ? N : never;
}[LimitName];

const THROTTLED: LimitDeclaration[] = limitsCountedBy('throttler');

const AUTH_LIMITS_METADATA = 'auth:limits';

/** Puts a public route in the login or forgot-password class of limits. */
export const AuthLimits = (limitClass: 'login' | 'forgot'): MethodDecorator =>
  SetMetadata(AUTH_LIMITS_METADATA, limitClass);

/** Route metadata never changes, so each handler's class is worked out once. */
const classByHandler = new WeakMap<object, AuthLimitClass>();

export function limitClassOf(reflector: Reflector, context: ExecutionContext): AuthLimitClass {
  const handler = context.getHandler();
  let limitClass = classByHandler.get(handler);
  if (limitClass === undefined) {
    const targets = [handler, context.getClass()];
    const explicit = reflector.getAllAndOverride<AuthLimitClass | undefined>(
      AUTH_LIMITS_METADATA,
      targets,
    );
    const auth = reflector.getAllAndOverride<AuthRequirements | undefined>(AUTH_METADATA, targets);
    limitClass = explicit ?? (auth?.public ? 'public' : 'signed-in');
    classByHandler.set(handler, limitClass);
  }
  return limitClass;
}

/** Metadata is read the same by any Reflector; this one serves the throttlers' skipIf. */
const METADATA = new Reflector();

/**
 * The throttlers, in milliseconds as @nestjs/throttler counts, from the table and the
 * configuration. Each is skipped on the routes of the classes it does not limit, before the
 * throttler reads its per-route options: most requests are counted by one limit of seven.
 */
export function authThrottlers(config: AppConfig): (ThrottlerOptions & { name: AuthLimitName })[] {
  return THROTTLED.map((limit) => ({
    name: limit.name as AuthLimitName,
    limit: limit.limit(config),
    ttl: limit.windowSeconds(config) * 1000,
    skipIf: (context: ExecutionContext) => !limit.routes.includes(limitClassOf(METADATA, context)),
  }));
}

/**
 * The canonical email of the body, before validation has run (guards come first): a missing or
 * odd value counts as the empty email, and validation answers 400 afterwards.
 */
export function emailOf(request: Pick<FastifyRequest, 'body'>): string {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? canonicalEmail(email) : '';
}
