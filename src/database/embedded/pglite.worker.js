'use strict';
// Embedded PostgreSQL: PGlite (Postgres compiled to WASM) served on a loopback port, so the
// service reaches it through the same `pg` driver and migrations as a real server.
//
// Plain JavaScript in a worker thread, on purpose:
// - PGlite's start-up does a dynamic import(), which fails inside Jest's module sandbox;
// - its WASM queries run synchronously, and on the main thread they would stall every request.
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync } = require('node:fs');

let db;
let server;

async function start() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dataDir = workerData.dataDir;
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  db = await PGlite.create(dataDir);
  server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: workerData.maxConnections,
  });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  parentPort.postMessage({ type: 'ready', port });
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
