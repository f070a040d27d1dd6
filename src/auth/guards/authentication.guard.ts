import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import {
  ApiKeyAuthenticator,
  type AuthenticatedApiKey,
} from '../../api-keys/api-key.authenticator';
import { rateLimitHeaders } from '../../rate-limit/rate-limiter';
import { InvalidTokenError, MissingCredentialsError } from '../../tokens/access-token.errors';
import { AccessTokenAuthenticator } from '../access-token.authenticator';
import { InvalidApiKeyError } from '../../api-keys/api-key.errors';
import { CredentialConflictError, InsufficientRightsError } from '../auth.errors';
import { AUTH_METADATA, type AuthRequirements } from '../decorators/auth.decorator';
import type { AuthenticatedRequest } from '../decorators/current-principal.decorator';
import type { Principal } from '../principal';
import { classifyCredential } from './credential';
import { ApiKeyAuthGuard } from './api-key-auth.guard';
import { JwtAuthGuard } from './jwt-auth.guard';

/**
 * The one global guard. Deny by default: a route is open only with @Public(). Otherwise it picks
 * the strategy by the credential present, then checks roles and scopes. Failures throw: 401 for
 * a missing or bad credential, 403 for a known caller without the right.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwtGuard: JwtAuthGuard,
    private readonly apiKeyGuard: ApiKeyAuthGuard,
    private readonly accessTokens: AccessTokenAuthenticator,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirements =
      this.reflector.getAllAndOverride<AuthRequirements | undefined>(AUTH_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? {};
    if (requirements.public) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(context, request, requirements);
    request.principal = principal;
    try {
      authorize(principal, requirements);
    } catch (error) {
      if (principal.type === 'apiKey') this.apiKeys.refused(principal.keyId, 'insufficient_scope');
      throw error;
    }
    return true;
  }

  private async authenticate(
    context: ExecutionContext,
    request: AuthenticatedRequest,
    requirements: AuthRequirements,
  ): Promise<Principal> {
    const credential = classifyCredential(request);
    switch (credential.kind) {
      case 'none':
        throw new MissingCredentialsError();
      case 'conflict':
        throw new CredentialConflictError();
      case 'malformed':
        throw new InvalidTokenError();
      case 'apiKey': {
        // Refused before any lookup: admin, session and password routes never take a key.
        if (!requirements.apiKey)
          throw new InvalidApiKeyError('This route does not accept API keys');
        await this.apiKeyGuard.canActivate(context);
        const { principal, rateLimit } = (
          request as AuthenticatedRequest & { user: AuthenticatedApiKey }
        ).user;
        void context
          .switchToHttp()
          .getResponse<FastifyReply>()
          .headers(rateLimitHeaders(rateLimit));
        return principal;
      }
      case 'bearer': {
        const cached = this.accessTokens.cached(credential.token);
        if (cached !== undefined) return this.accessTokens.principalFor(cached);
        await this.jwtGuard.canActivate(context);
        return (request as AuthenticatedRequest & { user: Principal }).user;
      }
    }
  }
}

function authorize(principal: Principal, requirements: AuthRequirements): void {
  if (principal.type === 'user') {
    const roles = requirements.roles;
    if (roles !== undefined && !roles.some((role) => principal.roles.includes(role))) {
      throw new InsufficientRightsError(`This route needs the role ${roles.join(' or ')}`);
    }
    return;
  }
  const missing = (requirements.scopes ?? []).filter((scope) => !principal.scopes.includes(scope));
  if (missing.length > 0)
    throw new InsufficientRightsError(`This API key lacks the scope ${missing.join(', ')}`);
}
