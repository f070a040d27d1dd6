export interface DependencyStatus {
  up: boolean;
  details: Record<string, string | number>;
}

/** Resolves with the promise, or rejects when it takes longer than `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Times a ping: up with its latency, or down with the reason. */
export async function probe(
  ping: () => Promise<unknown>,
  timeoutMs: number,
  details: Record<string, string | number>,
): Promise<DependencyStatus> {
  const started = performance.now();
  try {
    await withTimeout(ping(), timeoutMs);
    return {
      up: true,
      details: { ...details, latencyMs: Math.round(performance.now() - started) },
    };
  } catch (error) {
    // A DependencyUnavailableError says only "unavailable"; its cause says why.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason = cause instanceof Error && cause.message !== '' ? cause.message : 'unreachable';
    return { up: false, details: { ...details, error: reason } };
  }
}
