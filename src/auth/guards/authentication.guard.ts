import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import {
  ApiKeyAuthenticator,
  type AuthenticatedApiKey,
} from '../../api-keys/api-key.authenticator';
import { rateLimitHeaders } from '../../rate-limit/rate-limit-headers';
import { InvalidTokenError, MissingCredentialsError } from '../../tokens/access-token.errors';
import { AccessTokenAuthenticator } from '../access-token.authenticator';
import { InvalidApiKeyError } from '../../api-keys/api-key.errors';
import { challenge, challenges } from '../../common/http/auth-challenge';
import {
  CredentialConflictError,
  DuplicateCredentialHeaderError,
  InsufficientRightsError,
} from '../auth.errors';
import { AUTH_METADATA, type AuthRequirements } from '../../security/auth.decorator';
import type { AuthenticatedRequest } from '../../security/current-principal.decorator';
import type { Principal } from '../../security/principal';
import { classifyCredential, type Credential } from '../../security/credential';
import { ApiKeyAuthGuard } from './api-key-auth.guard';
import { JwtAuthGuard } from './jwt-auth.guard';

/**
 * The one global guard. Deny by default: a route is open only with @Public(). Otherwise it picks
 * the strategy by the credential present, then checks roles and scopes. Failures throw: 400 for a
 * credential header sent twice (on every route, public ones too: logout reads the header), 401
 * for a missing or bad credential, 403 for a known caller without the right.
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
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const credential = classifyCredential(request);
    if (credential.kind === 'duplicate')
      throw new DuplicateCredentialHeaderError(credential.header);
    if (requirements.public) return true;

    const principal = await this.authenticate(context, request, credential, requirements);
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
    credential: Credential,
    requirements: AuthRequirements,
  ): Promise<Principal> {
    switch (credential.kind) {
      case 'none':
        // RFC 9110 §11.6.1: one challenge for each scheme the route accepts.
        throw new MissingCredentialsError({
          'www-authenticate': requirements.apiKey
            ? challenges(challenge('Bearer'), challenge('ApiKey'))
            : challenge('Bearer'),
        });
      case 'conflict':
        throw new CredentialConflictError();
      case 'duplicate':
        throw new DuplicateCredentialHeaderError(credential.header);
      case 'malformed':
        throw new InvalidTokenError();
      case 'apiKey': {
        // Refused before any lookup: admin, session and password routes never take a key. The
        // challenge names the one scheme the route does accept.
        if (!requirements.apiKey)
          throw new InvalidApiKeyError('This route does not accept API keys', {
            'www-authenticate': challenge('Bearer'),
          });
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

/**
 * Roles are the rule for users, scopes the rule for API keys. A route that restricts its callers
 * but gives no rule for a principal's type is one that principal cannot satisfy: it is refused,
 * never let through because the rule that exists does not apply to it.
 */
function authorize(principal: Principal, requirements: AuthRequirements): void {
  const { roles, scopes } = requirements;
  if (principal.type === 'user') {
    if (roles !== undefined) {
      if (!roles.some((role) => principal.roles.includes(role)))
        throw new InsufficientRightsError(`This route needs the role ${roles.join(' or ')}`);
      return;
    }
    if (scopes !== undefined && scopes.length > 0)
      throw new InsufficientRightsError('This route is only for API keys with the right scope');
    return;
  }
  if (scopes === undefined || scopes.length === 0) {
    if (roles !== undefined)
      throw new InsufficientRightsError(
        `This route needs the role ${roles.join(' or ')}, which an API key cannot have`,
      );
    return;
  }
  const missing = scopes.filter((scope) => !principal.scopes.includes(scope));
  if (missing.length > 0)
    throw new InsufficientRightsError(`This API key lacks the scope ${missing.join(', ')}`);
}
