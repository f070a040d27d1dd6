import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { ApiKeyAuthenticator } from '../../api-keys/api-key.authenticator';
import { rateLimitHeaders } from '../../rate-limit/rate-limit-headers';
import { InvalidTokenError, MissingCredentialsError } from '../../tokens/access-token.errors';
import { InvalidApiKeyError } from '../../api-keys/api-key.errors';
import { challenge, challenges } from '../../common/http/auth-challenge';
import { CredentialConflictError, DuplicateCredentialHeaderError } from '../auth.errors';
import { authorize } from './authorize';
import { AUTH_METADATA, type AuthRequirements } from '../../security/auth.decorator';
import type { Principal, UserPrincipal } from '../../security/principal';
import { classifyCredential, type Credential } from '../../security/credential';
import { ApiKeyAuthGuard } from './api-key-auth.guard';
import type { GuardedRequest } from './guarded-request';
import { JwtAuthGuard } from './jwt-auth.guard';

/**
 * The one global guard. Deny by default: a route is open only with @Public(). Otherwise it picks
 * the strategy by the credential present, then checks roles and scopes. Failures throw: 400 for a
 * credential header sent twice (on every route, public ones too: logout reads the header), 401
 * for a missing or bad credential, 403 for a known caller without the right.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  /**
   * Each route's requirements, read from its metadata once (it never changes), by handler and
   * class: an inherited handler may sit under another class's decorator.
   */
  private readonly requirementsByRoute = new WeakMap<object, WeakMap<object, AuthRequirements>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly jwtGuard: JwtAuthGuard,
    private readonly apiKeyGuard: ApiKeyAuthGuard,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirements = this.requirementsOf(context);
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    // Classified once: the strategies read the credential from here, not from the headers.
    const credential = classifyCredential(request);
    request.credential = credential;
    if (credential.kind === 'duplicate')
      throw new DuplicateCredentialHeaderError(credential.header);
    if (requirements.public) {
      if (requirements.optionalUser && credential.kind === 'bearer')
        request.principal = await this.userOrNone(context, request);
      return true;
    }

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

  private requirementsOf(context: ExecutionContext): AuthRequirements {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byClass = this.requirementsByRoute.get(handler);
    if (byClass === undefined) {
      byClass = new WeakMap();
      this.requirementsByRoute.set(handler, byClass);
    }
    let requirements = byClass.get(controller);
    if (requirements === undefined) {
      requirements =
        this.reflector.getAllAndOverride<AuthRequirements | undefined>(AUTH_METADATA, [
          handler,
          controller,
        ]) ?? {};
      byClass.set(controller, requirements);
    }
    return requirements;
  }

  /**
   * A public route that identifies a user when it can (logout): a valid bearer token gives its
   * principal, a refused one none, so an expired token never stands in the way. An outage still
   * answers 503.
   */
  private async userOrNone(
    context: ExecutionContext,
    request: GuardedRequest,
  ): Promise<UserPrincipal | undefined> {
    try {
      await this.jwtGuard.canActivate(context);
    } catch (error) {
      if (error instanceof InvalidTokenError) return undefined;
      throw error;
    }
    return request.principal?.type === 'user' ? request.principal : undefined;
  }

  private async authenticate(
    context: ExecutionContext,
    request: GuardedRequest,
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
        const authenticated = request.apiKeyAuthentication;
        if (authenticated === undefined) throw new InvalidApiKeyError();
        const { principal, rateLimit } = authenticated;
        void context
          .switchToHttp()
          .getResponse<FastifyReply>()
          .headers(rateLimitHeaders(rateLimit));
        return principal;
      }
      case 'bearer': {
        await this.jwtGuard.canActivate(context);
        if (request.principal === undefined) throw new InvalidTokenError();
        return request.principal;
      }
    }
  }
}
