import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..');
/** Test code: its scripts (a contract's own probes) are not the service's. */
const TEST_FILE = /\.(spec|contract|fixture)\.ts$/;
const DECLARATION = /\b(?:const|let)\s+\w+\s*:\s*AtomicScript</g;
const NAMED_DECLARATION =
  /\b(?:const|let)\s+\w+\s*:\s*AtomicScript<[^=]*>\s*=\s*\{\s*name:\s*'([^']+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !TEST_FILE.test(entry.name) ? [path] : [];
  });
}

/**
 * The name of every AtomicScript the service declares (`const x: AtomicScript<T> = { name: '…'`),
 * read from the source so that a new script is counted without being registered anywhere. A
 * declaration in another shape is reported, never silently skipped.
 */
export function atomicScriptNames(): { names: string[]; unreadable: string[] } {
  const names: string[] = [];
  const unreadable: string[] = [];
  for (const path of sourceFiles(SRC)) {
    const text = readFileSync(path, 'utf8');
    const found = [...text.matchAll(NAMED_DECLARATION)].map(([, name]) => name);
    const declared = [...text.matchAll(DECLARATION)].length;
    if (found.length !== declared) unreadable.push(`src/${relative(SRC, path)}`);
    names.push(...found);
  }
  return { names: names.sort(), unreadable };
}
