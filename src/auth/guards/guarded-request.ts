import type { AuthenticatedApiKey } from '../../api-keys/api-key.authenticator';
import type { AuthenticatedRequest } from '../../security/current-principal.decorator';
import type { Credential } from '../../security/credential';

/**
 * A request on its way through the global guard: the credential is classified once, here; the
 * JWT strategy reads its token from this property (never from the headers again), and the
 * API-key strategy reads the one header the classification only detected. The passport guards
 * write what they authenticated to typed properties (never `request.user`).
 */
export interface GuardedRequest extends AuthenticatedRequest {
  credential?: Credential;
  /** Set by ApiKeyAuthGuard: the key's principal and its rate-limit state. */
  apiKeyAuthentication?: AuthenticatedApiKey;
}

/** The bearer token the guard classified, for passport-jwt's jwtFromRequest. */
export function bearerTokenOf(request: GuardedRequest): string | null {
  return request.credential?.kind === 'bearer' ? request.credential.token : null;
}

/**
 * Passport's typings name Express's request; under Fastify, what a strategy receives is the
 * Fastify request the guard annotated. This is the one place that bridges the two typings.
 */
export function asGuardedRequest(request: object): GuardedRequest {
  return request as GuardedRequest;
}
