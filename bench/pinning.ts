import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';

/** CPU 0 runs the servers (and the cost probes), CPU 1 the load generator. */
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

function hasTaskset(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether processes are pinned: taskset exists and there are at least two CPUs to split. */
export const PINNED = hasTaskset() && cpus().length >= 2;

/** The command and arguments that run `node script` pinned to `cpu` (or on any CPU). */
export function nodeCommand(
  script: string,
  cpu: number | 'all',
): { command: string; args: string[] } {
  if (!PINNED) return { command: process.execPath, args: [script] };
  const list = cpu === 'all' ? `0-${cpus().length - 1}` : String(cpu);
  return { command: 'taskset', args: ['-c', list, process.execPath, script] };
}

/**
 * Re-runs this process under `taskset -c LOAD_CPU` (once: BENCH_PINNED marks the child). Returns
 * true when it did, and then this process only waits for the child and exits with its code.
 */
export function reexecPinned(): boolean {
  if (!PINNED || process.env.BENCH_PINNED !== undefined) return false;
  const script = process.argv[1];
  const child = spawn(
    'taskset',
    ['-c', String(LOAD_CPU), process.execPath, script, ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
  return true;
}

/** Cores the server can use: 1 when pinned, else every CPU. */
export function serverCores(): number {
  return PINNED ? 1 : cpus().length;
}
