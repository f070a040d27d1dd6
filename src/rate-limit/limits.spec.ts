import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, IN_MEMORY } from '../config/app-config';
import { LIMITS, limitFor, type LimitName } from './limits';

/** The names in the first column of docs/security.md → "The limits". */
function documentedNames(): string[] {
  const doc = readFileSync(join(__dirname, '../../docs/security.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### The limits'));
  const table = section.slice(
    section.indexOf('\n|'),
    section.indexOf('\n\n', section.indexOf('\n|')),
  );
  return table
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // the header and its rule
    .map((line) => /^\|\s*`([^`]+)`/.exec(line)?.[1] ?? `unnamed row: ${line}`);
}

describe('the limits table', () => {
  it('lists in docs/security.md exactly the limits the code declares', () => {
    expect(documentedNames().sort()).toEqual(Object.keys(LIMITS).sort());
  });

  it('names every row by its key', () => {
    for (const [key, limit] of Object.entries(LIMITS)) expect(limit.name).toBe(key);
  });

  it('gives every row a positive limit and window from the default configuration', () => {
    const config = loadConfig({ NODE_ENV: 'test', PGLITE_DATA_DIR: IN_MEMORY });
    for (const name of Object.keys(LIMITS) as LimitName[]) {
      const limit = limitFor(name, 'k', config);
      expect([name, limit.limit > 0, limit.ttlSeconds > 0]).toEqual([name, true, true]);
    }
    expect(limitFor('login', 'k', config)).toEqual({
      name: 'login',
      key: 'k',
      limit: 5,
      ttlSeconds: 900,
    });
  });
});
