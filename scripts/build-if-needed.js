'use strict';
// Runs before `npm start`, `npm run cli` and `npm run migration:run|show|revert`. In a checkout it
// builds when dist/ is missing or older than any source file, so the quick start is one command on
// a fresh clone and never runs stale code. In a production-shaped install (the image: dist/ and
// production dependencies, no src/) there is nothing to build, and nothing is done.
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
if (!existsSync('src')) {
  if (!existsSync(entry)) {
    process.stderr.write('dist/ is missing and there is no src/ to build it from.\n');
    process.exit(1);
  }
  process.exit(0);
}
const sources = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
const sourceTime = Math.max(
  ...sources.map((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)),
);
if (!existsSync(entry) || statSync(entry).mtimeMs < sourceTime) {
  // On stderr: a command's standard output (`npm run --silent cli …`) stays its own.
  process.stderr.write('Building (dist/ is missing or older than src/)...\n');
  execSync('npm run build', { stdio: ['ignore', process.stderr, 'inherit'] });
}
