import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/app-config';
import { canonicalEmail } from '../../users/email';
import { AUTH_METADATA, type AuthRequirements } from '../../security/auth.decorator';

/**
 * The named limits of `/api/v1/auth` (API.md → Limits). Which ones a route counts against
 * follows from the route: login and forgot-password say so with @AuthLimits(); any other public
 * route is `public`; a route that needs a credential is `signed-in`, limited per principal and
 * never by the public budget.
 */
export type AuthLimitClass = 'login' | 'forgot' | 'public' | 'signed-in';

export type AuthLimitName =
  | 'login' // one canonical email from one client IP
  | 'login-email' // one canonical email from every IP: the temporary lockout
  | 'login-ip' // one client IP across every email
  | 'login-device' // one device cookie from every IP (logins that present a genuine one)
  | 'auth-ip' // the other public auth routes, per client IP
  | 'forgot-ip' // password/forgot requests, per client IP (mail per email: ResetMailGate)
  | 'principal'; // signed-in routes, per user or API key

const LIMITS_BY_CLASS: Record<AuthLimitClass, AuthLimitName[]> = {
  login: ['login', 'login-device', 'login-email', 'login-ip'],
  // Never per email: others' requests must not earn the owner a 429 (see ResetMailGate).
  forgot: ['auth-ip', 'forgot-ip'],
  public: ['auth-ip'],
  'signed-in': ['principal'],
};

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

export function limitApplies(name: string, limitClass: AuthLimitClass): boolean {
  return (LIMITS_BY_CLASS[limitClass] as string[]).includes(name);
}

/** The throttlers, in milliseconds as @nestjs/throttler counts, from the configuration. */
export function authThrottlers(config: AppConfig): (ThrottlerOptions & { name: AuthLimitName })[] {
  const t = config.throttle;
  const ms = (seconds: number) => seconds * 1000;
  return [
    { name: 'login', limit: t.loginLimit, ttl: ms(t.loginTtl) },
    { name: 'login-device', limit: t.loginDeviceLimit, ttl: ms(t.loginTtl) },
    { name: 'login-email', limit: t.loginEmailLimit, ttl: ms(t.loginTtl) },
    { name: 'login-ip', limit: t.loginIpLimit, ttl: ms(t.loginTtl) },
    { name: 'auth-ip', limit: t.authLimit, ttl: ms(t.authTtl) },
    { name: 'forgot-ip', limit: t.forgotIpLimit, ttl: ms(t.forgotTtl) },
    { name: 'principal', limit: t.signedInLimit, ttl: ms(t.signedInTtl) },
  ];
}

/**
 * The canonical email of the body, before validation has run (guards come first): a missing or
 * odd value counts as the empty email, and validation answers 400 afterwards.
 */
export function emailOf(request: Pick<FastifyRequest, 'body'>): string {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? canonicalEmail(email) : '';
}
