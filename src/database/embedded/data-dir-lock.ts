import { chmodSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { lock } from 'proper-lockfile';
import type { AppConfig } from '../../config/app-config';

/**
 * How long a lock whose holder stopped refreshing it (killed with SIGKILL, or a machine that
 * lost power) keeps others out, and how often a live holder refreshes it.
 */
export const LOCK_STALE_MS = 20_000;
const LOCK_UPDATE_MS = 5_000;

/** Another process has the embedded database open: this one must not open it too. */
export class EmbeddedDataDirInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `The embedded database in ${dataDir} is open in another process (the running service, or ` +
        'another command). PGlite allows one process at a time, and a second one would lose ' +
        'writes. Stop the other process and try again; to create an admin while the service ' +
        'runs, set ADMIN_EMAIL and ADMIN_PASSWORD and restart it, or use PostgreSQL ' +
        `(DATABASE_URL). If no such process runs, the lock clears within ${LOCK_STALE_MS / 1000} s.`,
    );
  }
}

interface Held {
  release: () => Promise<void>;
  holders: number;
}

/** Locks this process holds, by absolute directory: a process may open its own lock twice. */
const held = new Map<string, Promise<Held>>();

/**
 * Holds the lock on an embedded data directory (a `<dir>.lock` directory next to it, kept fresh
 * while this process lives and removed when it exits): the server, the admin CLI and the
 * migration commands each take it before PGlite opens the files, so two processes never do.
 * Answers the function that lets go of this hold; the lock is released with the last one.
 * Rejects with EmbeddedDataDirInUseError when another process holds it.
 */
export async function holdDataDir(dataDir: string): Promise<() => Promise<void>> {
  const dir = resolve(dataDir);
  let pending = held.get(dir);
  if (pending === undefined) {
    pending = acquire(dir, dataDir);
    held.set(dir, pending);
    pending.catch(() => held.delete(dir));
  }
  const entry = await pending;
  entry.holders += 1;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    entry.holders -= 1;
    if (entry.holders > 0) return;
    held.delete(dir);
    await entry.release();
  };
}

async function acquire(dir: string, shown: string): Promise<Held> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const release = await lock(dir, {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      onCompromised: (error) => {
        // Another process may be writing the files now: stop before this one writes too.
        process.stderr.write(`The lock on ${shown} was lost (${error.message}); stopping.\n`);
        process.exit(70);
      },
    });
    chmodSync(`${dir}.lock`, 0o700);
    return { release, holders: 0 };
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') throw new EmbeddedDataDirInUseError(shown);
    throw error;
  }
}

/**
 * For the entry points (the server, the admin CLI), before Nest starts anything: takes the
 * embedded database's lock for the life of the process (released at exit), or rejects with
 * EmbeddedDataDirInUseError. Nothing to hold with DATABASE_URL or a database in memory.
 */
export async function holdEmbeddedDataDir(config: AppConfig): Promise<void> {
  const dir = config.database.embeddedDataDir;
  if (config.database.url === undefined && !dir.startsWith('memory://')) await holdDataDir(dir);
}
