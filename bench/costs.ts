import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { nodeCommand, SERVER_CPU } from './pinning';

export interface Costs {
  /** Milliseconds per RS256 signature (2048-bit key). */
  signMs: number;
  /** Median milliseconds of one bcrypt compare at cost 12. */
  compareMs: number;
  compares: number[];
}

/** Runs costs-child.js pinned to the server CPU (the servers idle meanwhile). */
export function measureCosts(): Promise<Costs> {
  const { command, args } = nodeCommand(join(__dirname, 'costs-child.js'), SERVER_CPU);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`cost probe exited with ${code}`));
      try {
        resolve(JSON.parse(output) as Costs);
      } catch (error) {
        reject(new Error(`cost probe printed no result: ${String(error)}`));
      }
    });
  });
}
