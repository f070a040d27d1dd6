import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../docs/openapi';
import type { ApiKeyScope } from './scopes';
import type { Role } from './roles';
import { ErrorResponse } from '../docs/error-response.dto';

export const AUTH_METADATA = 'auth:requirements';

/** What a route demands of its caller. Routes without @Auth or @Public still need a user token. */
export interface AuthRequirements {
  public?: boolean;
  /** On a public route: a valid bearer token still identifies its user; a refused one is ignored. */
  optionalUser?: boolean;
  /** Roles a user must have one of. */
  roles?: Role[];
  /** Whether an API key may call the route (admin, session and password routes never say so). */
  apiKey?: boolean;
  /** Scopes an API key must have, all of them. */
  scopes?: ApiKeyScope[];
}

/**
 * Opens a route to anyone: deny-by-default is lifted only where a route says so. With
 * `optionalUser`, a valid bearer token still identifies its caller (@OptionalPrincipal()), and a
 * refused one is set aside instead of answering 401.
 */
export const Public = (
  options: { optionalUser?: boolean } = {},
): MethodDecorator & ClassDecorator => SetMetadata(AUTH_METADATA, { public: true, ...options });

/**
 * Who may call a route, stated once: sets the guard's requirements and the Swagger security of
 * the route together, so the documentation cannot drift from the checks.
 */
export function Auth(
  requirements: Omit<AuthRequirements, 'public'> = {},
): MethodDecorator & ClassDecorator {
  const decorators = [
    SetMetadata(AUTH_METADATA, requirements),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({
      type: ErrorResponse,
      description: 'Missing, invalid, expired or revoked credentials.',
    }),
  ];
  if (requirements.apiKey) decorators.push(ApiSecurity(API_KEY_SCHEME));
  if (requirements.roles !== undefined || requirements.scopes !== undefined) {
    decorators.push(
      ApiForbiddenResponse({
        type: ErrorResponse,
        description: 'Authenticated, but without the role or scope the route needs.',
      }),
    );
  }
  return applyDecorators(...decorators);
}
