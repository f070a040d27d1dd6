import { Injectable } from '@nestjs/common';
import { AuthGuard, type IAuthModuleOptions } from '@nestjs/passport';
import type { AuthenticatedApiKey } from '../../api-keys/api-key.authenticator';
import { InvalidApiKeyError } from '../../api-keys/api-key.errors';
import { API_KEY_STRATEGY } from '../strategies/api-key.strategy';

/**
 * Runs the API-key strategy and writes what it authenticated to `request.apiKeyAuthentication`
 * (see GuardedRequest). Every refusal is the one InvalidApiKeyError (401); a rate limit (429) or
 * an outage (503) raised during verification passes through unchanged.
 */
@Injectable()
export class ApiKeyAuthGuard extends AuthGuard(API_KEY_STRATEGY) {
  override getAuthenticateOptions(): IAuthModuleOptions {
    return { property: 'apiKeyAuthentication', session: false };
  }

  override handleRequest<T = AuthenticatedApiKey>(
    error: Error | null | undefined,
    result: T | false,
  ): T {
    if (error) throw error;
    if (!result) throw new InvalidApiKeyError();
    return result;
  }
}
