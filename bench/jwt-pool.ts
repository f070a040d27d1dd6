import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { nodeCommand } from './pinning';
import type { TokenTemplate } from './jwt';

/**
 * Pre-signs `size` fresh access tokens in child processes, one per CPU. Child processes, not
 * worker threads: this process is pinned to one CPU and its threads would share it. The servers
 * are idle meanwhile.
 */
export async function signPool(
  pem: string,
  template: TokenTemplate,
  size: number,
): Promise<string[]> {
  const workers = Math.max(1, cpus().length);
  const script = join(__dirname, 'sign-worker.js');
  const shares = Array.from(
    { length: workers },
    (_, i) => Math.floor(size / workers) + (i < size % workers ? 1 : 0),
  );
  const parts = await Promise.all(
    shares.map(
      (count) =>
        new Promise<string[]>((resolve, reject) => {
          const { command, args } = nodeCommand(script, 'all');
          const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          let tokens: string[] | undefined;
          child.once('message', (message: { tokens: string[] }) => (tokens = message.tokens));
          child.once('error', reject);
          child.once('close', (code) =>
            tokens !== undefined && tokens.length === count
              ? resolve(tokens)
              : reject(new Error(`sign worker exited with ${code} without its tokens`)),
          );
          child.send({ pem, template, count });
        }),
    ),
  );
  return parts.flat();
}
