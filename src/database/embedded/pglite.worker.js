'use strict';
// Embedded PostgreSQL: PGlite (Postgres compiled to WASM) served on a UNIX socket, so the
// service reaches it through the same `pg` driver and migrations as a real server.
//
// Plain JavaScript in a worker thread, on purpose:
// - PGlite's start-up does a dynamic import(), which fails inside Jest's module sandbox;
// - its WASM queries run synchronously, and on the main thread they would stall every request.
//
// Nobody but the service's own user may reach the data: the server listens on a UNIX socket in a
// 0700 directory (PGlite accepts any user name and password, so the socket's directory is the
// lock), and every file and directory it writes is private (0600 / 0700).
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { join } = require('node:path');

const PRIVATE = 0o077;

/**
 * PGlite's file system layer asks for 0666 files and 0777 directories and chmods them so. A
 * worker has a module registry of its own, so masking the modes on this thread's `fs` reaches
 * PGlite alone: new files get 0600 and directories 0700, whatever the process umask.
 */
function keepFilesPrivate() {
  const masked = (mode) => (typeof mode === 'number' ? mode & ~PRIVATE : mode);
  const { chmodSync, fchmodSync, mkdirSync, openSync, writeFileSync } = fs;
  fs.chmodSync = (path, mode) => chmodSync(path, masked(mode));
  fs.fchmodSync = (fd, mode) => fchmodSync(fd, masked(mode));
  fs.openSync = (path, flags, mode) =>
    openSync(path, flags, mode === undefined ? 0o600 : masked(mode));
  fs.mkdirSync = (path, options) =>
    mkdirSync(
      path,
      typeof options === 'object' && options !== null
        ? { ...options, mode: masked(options.mode ?? 0o700) }
        : masked(options ?? 0o700),
    );
  fs.writeFileSync = (path, data, options) =>
    writeFileSync(
      path,
      data,
      typeof options === 'object' && options !== null
        ? { ...options, mode: masked(options.mode ?? 0o600) }
        : options === undefined
          ? { mode: 0o600 }
          : options,
    );
  // Named ES-module imports of node:fs see the masked functions too.
  require('node:module').syncBuiltinESMExports();
}

/** Files written before this rule (or by an older version) are made private too. */
function makePrivate(path) {
  const stat = fs.lstatSync(path);
  if (stat.isSymbolicLink()) return;
  fs.chmodSync(path, stat.mode & 0o777 & ~PRIVATE);
  if (stat.isDirectory()) for (const name of fs.readdirSync(path)) makePrivate(join(path, name));
}

let db;
let server;

async function start() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const { dataDir, socketPath } = workerData;
  keepFilesPrivate();
  if (!dataDir.startsWith('memory://')) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    makePrivate(dataDir);
  }
  db = await PGlite.create(dataDir);
  server = new PGLiteSocketServer({
    db,
    path: socketPath,
    maxConnections: workerData.maxConnections,
  });
  await server.start();
  fs.chmodSync(socketPath, 0o600);
  parentPort.postMessage({ type: 'ready' });
}

async function stop() {
  try {
    // server.stop() waits for every socket to close, and a client's socket can linger half-open
    // after the client has gone: give it a moment, then close the database regardless.
    if (server)
      await Promise.race([server.stop(), new Promise((resolve) => setTimeout(resolve, 500))]);
    if (db) await db.close();
    parentPort.postMessage({ type: 'closed' });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message) });
  }
}

parentPort.on('message', (message) => {
  if (message && message.type === 'close') void stop();
});

start().catch((error) => {
  parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) });
});
