'use strict';
// `npm start` builds first when dist/ is missing or older than any source file, so the quick
// start is one command on a fresh clone and never runs stale code.
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

const entry = join('dist', 'main.js');
const sources = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
const sourceTime = Math.max(
  ...sources.map((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)),
);
if (!existsSync(entry) || statSync(entry).mtimeMs < sourceTime) {
  process.stdout.write('Building (dist/ is missing or older than src/)...\n');
  execSync('npm run build', { stdio: 'inherit' });
}
