import * as bcrypt from 'bcrypt';
import type { AppConfig } from '../config/app-config';
import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  // 72 bytes exactly: bcrypt reads all of it and nothing after it.
  const LONGEST = 'p'.repeat(70) + 'é';
  let hasher: PasswordHasher;
  let hash: string;

  beforeAll(async () => {
    hasher = new PasswordHasher({ passwords: { bcryptRounds: 4 } } as AppConfig);
    await hasher.onModuleInit();
    hash = await hasher.hash(LONGEST);
  });

  it('verifies the exact password', async () => {
    expect(Buffer.byteLength(LONGEST)).toBe(72);
    await expect(hasher.verify(LONGEST, hash)).resolves.toBe(true);
  });

  it('refuses the password with any suffix, which bcrypt alone would accept', async () => {
    for (const suffix of ['x', 'é', ' the rest is ignored by bcrypt']) {
      await expect(bcrypt.compare(LONGEST + suffix, hash)).resolves.toBe(true);
      await expect(hasher.verify(LONGEST + suffix, hash)).resolves.toBe(false);
    }
  });

  it('refuses a password with a NUL, where bcrypt stops reading', async () => {
    const short = await hasher.hash('correct horse');
    await expect(hasher.verify('correct horse\u0000anything', short)).resolves.toBe(false);
  });

  it('refuses to hash what it could not verify', async () => {
    await expect(hasher.hash(`${LONGEST}x`)).rejects.toThrow(RangeError);
    await expect(hasher.hash('a\u0000b')).rejects.toThrow(RangeError);
  });

  it('lets the checks already running finish when it shuts down, and refuses the queued ones', async () => {
    const closing = new PasswordHasher({ passwords: { bcryptRounds: 4 } } as AppConfig);
    await closing.onModuleInit();
    // More checks than threads, each long enough (cost 12) to be running at shutdown. A worker
    // terminated inside bcrypt's call would abort this whole process, failing the run.
    const slowHash = await bcrypt.hash('correct horse', 12);
    const checks = Array.from({ length: 8 }, () =>
      closing.verify('correct horse', slowHash).then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      ),
    );
    // Once the first check is done its thread has taken the next one: shut down with checks
    // running and others still queued, however fast or busy the machine is.
    await checks[0];
    await closing.onApplicationShutdown();
    const outcomes = await Promise.all(checks);
    const finished = outcomes.filter((o) => 'ok' in o);
    expect(finished.length).toBeGreaterThan(1);
    expect(finished.every((o) => 'ok' in o && o.ok)).toBe(true);
    expect(outcomes.length - finished.length).toBeGreaterThan(0);
  });
});
