/** Progress lines on stdout, each with the seconds since the run started. */
const started = performance.now();

export function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${seconds}s] ${message}\n`);
}

/** Runs one step, printing its start and how long it took. */
export async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  progress(`${name} …`);
  const t0 = performance.now();
  const value = await run();
  progress(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return value;
}
