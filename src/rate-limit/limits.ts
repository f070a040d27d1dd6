import type { AppConfig } from '../config/app-config';

/**
 * Every rate limit of the service, in one table (docs/security.md → The limits lists the same
 * names; a unit spec compares them). Each row says what one counter is keyed on, how many hits
 * it allows per window, which routes count against it, and which mechanism counts:
 *
 * - `throttler`: AuthThrottlerGuard (@nestjs/throttler), counted before the handler runs;
 * - `mail-gate`: ResetMailGate, which limits reset mail while every request answers 202;
 * - `attempt-budget`: AttemptBudget, failures only, a slot taken before the check;
 * - `rate-limiter`: RateLimiter, every hit.
 *
 * The values come from the configuration (app-config.ts validates them) or are fixed here.
 */

/** The groups of routes a limit can apply to. */
export type RouteClass =
  | 'login' // POST /auth/login
  | 'forgot' // POST /auth/password/forgot
  | 'public' // every other public /auth route: register, refresh, logout, verify, reset, …
  | 'signed-in' // /auth routes that need a credential: me, sessions, logout-all, …
  | 'password-change' // POST /auth/password/change
  | 'email-resend' // POST /auth/email/resend
  | 'api-key'; // every request made with an API key

export type LimitName =
  | 'login'
  | 'login-email'
  | 'login-ip'
  | 'login-device'
  | 'auth-ip'
  | 'forgot-ip'
  | 'principal'
  | 'reset-mail'
  | 'reset-mail-ip'
  | 'password-change'
  | 'email-resend'
  | 'api-key';

export interface LimitDeclaration {
  name: LimitName;
  /** What one counter counts for. */
  keyedOn:
    | 'canonical email + client IP'
    | 'canonical email'
    | 'client IP'
    | 'device id'
    | 'user id or API key id'
    | 'user id'
    | 'API key id';
  counter: 'throttler' | 'mail-gate' | 'attempt-budget' | 'rate-limiter';
  routes: readonly RouteClass[];
  limit: (config: AppConfig) => number;
  windowSeconds: (config: AppConfig) => number;
}

export const LIMITS = {
  login: {
    name: 'login',
    keyedOn: 'canonical email + client IP',
    counter: 'throttler',
    routes: ['login'],
    limit: (c) => c.throttle.loginLimit,
    windowSeconds: (c) => c.throttle.loginTtl,
  },
  'login-device': {
    name: 'login-device',
    keyedOn: 'device id',
    counter: 'throttler',
    routes: ['login'],
    limit: (c) => c.throttle.loginDeviceLimit,
    windowSeconds: (c) => c.throttle.loginTtl,
  },
  'login-email': {
    name: 'login-email',
    keyedOn: 'canonical email',
    counter: 'throttler',
    routes: ['login'],
    limit: (c) => c.throttle.loginEmailLimit,
    windowSeconds: (c) => c.throttle.loginTtl,
  },
  'login-ip': {
    name: 'login-ip',
    keyedOn: 'client IP',
    counter: 'throttler',
    routes: ['login'],
    limit: (c) => c.throttle.loginIpLimit,
    windowSeconds: (c) => c.throttle.loginTtl,
  },
  'auth-ip': {
    name: 'auth-ip',
    keyedOn: 'client IP',
    counter: 'throttler',
    // Forgot too: one budget for every public route but login.
    routes: ['forgot', 'public'],
    limit: (c) => c.throttle.authLimit,
    windowSeconds: (c) => c.throttle.authTtl,
  },
  'forgot-ip': {
    name: 'forgot-ip',
    keyedOn: 'client IP',
    counter: 'throttler',
    routes: ['forgot'],
    limit: (c) => c.throttle.forgotIpLimit,
    windowSeconds: (c) => c.throttle.forgotTtl,
  },
  principal: {
    name: 'principal',
    keyedOn: 'user id or API key id',
    counter: 'throttler',
    routes: ['signed-in'],
    limit: (c) => c.throttle.signedInLimit,
    windowSeconds: (c) => c.throttle.signedInTtl,
  },
  'reset-mail': {
    name: 'reset-mail',
    keyedOn: 'canonical email',
    counter: 'mail-gate',
    routes: ['forgot'],
    limit: () => 1,
    windowSeconds: (c) => c.throttle.forgotCooldown,
  },
  'reset-mail-ip': {
    name: 'reset-mail-ip',
    keyedOn: 'canonical email + client IP',
    counter: 'mail-gate',
    routes: ['forgot'],
    limit: (c) => c.throttle.forgotLimit,
    windowSeconds: (c) => c.throttle.forgotTtl,
  },
  'password-change': {
    name: 'password-change',
    keyedOn: 'user id',
    counter: 'attempt-budget',
    routes: ['password-change'],
    limit: (c) => c.throttle.passwordChangeLimit,
    windowSeconds: (c) => c.throttle.passwordChangeTtl,
  },
  'email-resend': {
    name: 'email-resend',
    keyedOn: 'user id',
    counter: 'rate-limiter',
    routes: ['email-resend'],
    // A verification mail a minute per account: resend must not flood a mailbox.
    limit: () => 1,
    windowSeconds: () => 60,
  },
  'api-key': {
    name: 'api-key',
    keyedOn: 'API key id',
    counter: 'rate-limiter',
    routes: ['api-key'],
    // The default; a key's own `rateLimit` replaces it (api-keys → rateLimit).
    limit: (c) => c.apiKeys.defaultRateLimit.limit,
    windowSeconds: (c) => c.apiKeys.defaultRateLimit.ttlSeconds,
  },
} as const satisfies { [N in LimitName]: LimitDeclaration & { name: N } };

/** The rows a mechanism counts. */
export function limitsCountedBy(counter: LimitDeclaration['counter']): LimitDeclaration[] {
  return Object.values(LIMITS).filter((limit) => limit.counter === counter);
}

/** One row as a RateLimiter / AttemptBudget limit for `key`. */
export function limitFor(
  name: LimitName,
  key: string,
  config: AppConfig,
): { name: LimitName; key: string; limit: number; ttlSeconds: number } {
  const declared: LimitDeclaration = LIMITS[name];
  return {
    name,
    key,
    limit: declared.limit(config),
    ttlSeconds: declared.windowSeconds(config),
  };
}
