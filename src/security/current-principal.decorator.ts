import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The typed caller the guard authenticated. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    // The guard runs first on every non-public route; reaching here without one is a wiring bug.
    if (principal === undefined)
      throw new Error('CurrentPrincipal used on a route without authentication');
    return principal;
  },
);

/** The caller of a @Public({ optionalUser: true }) route, when a valid bearer token named one. */
export const OptionalPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
