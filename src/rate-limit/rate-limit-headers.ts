/** What a limit says about the current window, for the `RateLimit-*` headers. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
}

/** `RateLimit-Limit/Remaining/Reset` (IETF draft) on an answer that a limit let through. */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.resetSeconds),
  };
}

/**
 * The headers of every 429, whichever limit refused: nothing remains, the window resets when
 * the client may retry, and `Retry-After` says so. At least 1 s, so no client retries at once.
 */
export function tooManyRequestsHeaders(
  limit: number,
  retryAfterSeconds: number,
): Record<string, string> {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return {
    ...rateLimitHeaders({ limit, remaining: 0, resetSeconds: seconds }),
    'retry-after': String(seconds),
  };
}
