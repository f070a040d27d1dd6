import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { holdDataDir } from './data-dir-lock';

interface WorkerMessage {
  type: 'ready' | 'closed' | 'error';
  message?: string;
}

/** libpq's name for the socket of a server on the default port, inside the socket directory. */
const SOCKET_NAME = '.s.PGSQL.5432';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * An embedded PostgreSQL server (PGlite in a worker thread). PGlite is a single-session database:
 * the socket server multiplexes connections, but statements of two connections may interleave,
 * so clients must use a pool of one connection.
 *
 * PGlite accepts any user name and password, so it listens on no TCP port: only on a UNIX socket
 * in a fresh 0700 directory, which no other local user can enter. Its data files are 0600 in a
 * 0700 directory (see pglite.worker.js).
 *
 * One process at a time: a data directory on disk is locked (data-dir-lock.ts) before PGlite
 * opens it, and start() rejects with EmbeddedDataDirInUseError while another process holds it.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly worker: Worker,
    /** The directory of the server's socket (what libpq and `pg` call the host). */
    readonly socketDir: string,
    private readonly releaseDataDir: () => Promise<void>,
  ) {}

  /** `pg` reaches a UNIX socket through `host=<directory>`. */
  get url(): string {
    return `postgres://postgres@/postgres?host=${encodeURIComponent(this.socketDir)}`;
  }

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    const releaseDataDir = dataDir.startsWith('memory://')
      ? () => Promise.resolve()
      : await holdDataDir(dataDir);
    // mkdtemp creates the directory 0700, readable by this user alone.
    const socketDir = mkdtempSync(join(tmpdir(), 'auth-pglite-'));
    const worker = new Worker(join(__dirname, 'pglite.worker.js'), {
      // A spare connection lets a pool replace a broken one while the old socket is still closing.
      workerData: { dataDir, socketPath: join(socketDir, SOCKET_NAME), maxConnections: 2 },
    });
    let onMessage: (message: WorkerMessage) => void = () => undefined;
    let onError: (error: Error) => void = () => undefined;
    let onExit: (code: number) => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error('The embedded PostgreSQL did not start within 60 s')),
        START_TIMEOUT_MS,
      );
      onError = reject;
      onExit = (code) => reject(new Error(`The embedded PostgreSQL exited with code ${code}`));
      onMessage = (message) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'error')
          reject(new Error(`The embedded PostgreSQL failed to start: ${message.message}`));
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    })
      .catch(async (error: Error) => {
        await worker.terminate();
        rmSync(socketDir, { recursive: true, force: true });
        await releaseDataDir();
        throw error;
      })
      .finally(() => {
        clearTimeout(timer);
        // Only these listeners: removeAllListeners() would also drop the ones Node's Worker uses
        // to keep its message port referenced, and later messages would arrive late.
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      });
    return new EmbeddedPostgres(worker, socketDir, releaseDataDir);
  }

  /** Lets the process exit while the server still runs (CLI commands that do not stop it). */
  unref(): void {
    this.worker.unref();
  }

  /** Closes the database cleanly (PGlite flushes its files), then ends the worker. */
  async stop(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_TIMEOUT_MS);
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'closed' || message.type === 'error') resolve();
      });
      this.worker.once('exit', () => resolve());
    });
    this.worker.postMessage({ type: 'close' });
    await closed;
    clearTimeout(timer);
    await this.worker.terminate();
    rmSync(this.socketDir, { recursive: true, force: true });
    await this.releaseDataDir();
  }
}
