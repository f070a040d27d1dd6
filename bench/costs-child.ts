/**
 * Measures the two costs the service cannot go below, on the server's CPU: one RS256 signature
 * with a 2048-bit key (the way the service signs: jsonwebtoken with a KeyObject), and one
 * bcrypt compare at cost 12. Prints one JSON line.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import * as bcrypt from 'bcrypt';
import * as jwt from 'jsonwebtoken';

const SIGNS = Number(process.env.SIGNS ?? 500);
const COMPARES = Number(process.env.COMPARES ?? 10);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signOnce = (): string =>
    jwt.sign({ sid: randomUUID(), roles: ['user'] }, privateKey, {
      algorithm: 'RS256',
      header: { alg: 'RS256', kid: 'bench', typ: 'at+jwt' },
      subject: randomUUID(),
      jwtid: randomUUID(),
      issuer: 'auth-service',
      audience: 'api',
      expiresIn: 900,
    });
  for (let i = 0; i < 20; i += 1) signOnce();
  const t0 = performance.now();
  for (let i = 0; i < SIGNS; i += 1) signOnce();
  const signMs = (performance.now() - t0) / SIGNS;

  const password = 'correct horse battery staple';
  const hash = await bcrypt.hash(password, 12);
  const times: number[] = [];
  for (let i = 0; i < COMPARES; i += 1) {
    const started = performance.now();
    if (!(await bcrypt.compare(password, hash))) throw new Error('bcrypt compare failed');
    times.push(performance.now() - started);
  }
  process.stdout.write(
    `${JSON.stringify({ signMs, compareMs: median(times), compares: times })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
