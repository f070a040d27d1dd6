'use strict';
// npm run reset: deletes what embedded mode keeps in DATA_DIR (default .data): the PGlite
// database, generated secrets and signing keys, the mail outbox. For a laptop only.
const { existsSync, rmSync, statSync } = require('node:fs');
const { resolve } = require('node:path');

if (existsSync('.env')) process.loadEnvFile('.env');
if (process.env.NODE_ENV === 'production') {
  process.stderr.write(
    'npm run reset deletes the embedded data; it does not run with NODE_ENV=production.\n',
  );
  process.exit(1);
}
const dataDir = resolve(process.env.DATA_DIR || '.data');
const pglite = resolve(process.env.PGLITE_DATA_DIR || `${dataDir}/pglite`);
// The service refreshes its lock every 5 s (src/database/embedded/data-dir-lock.ts).
const lock = `${pglite}.lock`;
if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs < 20_000) {
  process.stderr.write(`The embedded database in ${pglite} is open: stop the service first.\n`);
  process.exit(1);
}
const inside = pglite.startsWith(`${dataDir}/`);
const removed = (inside ? [dataDir] : [dataDir, pglite]).filter((path) => existsSync(path));
for (const path of removed) rmSync(path, { recursive: true, force: true });
process.stdout.write(
  removed.length === 0
    ? `Nothing to remove: ${dataDir} does not exist.\n`
    : `Removed ${removed.join(' and ')}: the next start creates a fresh database and new secrets.\n`,
);
