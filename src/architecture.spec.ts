import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The module picture, bottom to top (docs/architecture.md). A node is a top-level folder of src/
 * or a file at the root of src/ (named without `.ts`). A file may import from its own layer or
 * any layer below, never from a layer above, and the nodes within a layer import each other in
 * one direction only. A new folder or root file fails this spec until it is placed here.
 */
const LAYERS: readonly (readonly string[])[] = [
  // Typed configuration, read once at boot. Imports nothing of ours.
  ['config'],
  // Cross-cutting primitives (errors, request id, logging, crypto, metrics) and OpenAPI helpers.
  ['common', 'docs'],
  // Infrastructure: the database, the key-value state store, mail, audit, rate limiting.
  ['database', 'state', 'mail', 'audit', 'rate-limit'],
  // The security kernel every feature uses: principal, roles, scopes, @Auth, credentials.
  ['security'],
  ['users', 'tokens'],
  ['api-keys'],
  ['auth'],
  // Features at the edge.
  ['admin', 'health', 'metrics'],
  // Composition roots: what assembles the features into a program (or, for the atomic-script
  // contracts, into one test suite).
  [
    'cli',
    'entities',
    'data-source',
    'app.module',
    'app.setup',
    'http-server',
    'main',
    'server',
    'atomic-script-contracts.fixture',
    'atomic-scripts.spec',
  ],
];

const SRC = __dirname;
const THIS_FILE = relative(SRC, __filename);
// Static imports and re-exports (`from '…'`), side-effect imports, require, import() and jest.mock.
const RELATIVE_IMPORT =
  /(?:\bfrom|\bimport|\brequire\(|\bimport\(|\bjest\.mock\()\s*['"](\.{1,2}\/[^'"]*)['"]/g;

interface Arrow {
  file: string;
  specifier: string;
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The node a path under src/ belongs to: its top-level folder, or its own name at the root. */
function nodeOf(pathFromSrc: string): string {
  const parts = pathFromSrc.split(sep);
  return parts.length === 1 ? parts[0].replace(/\.ts$/, '') : parts[0];
}

function arrows(): Arrow[] {
  return sourceFiles(SRC)
    .filter((path) => relative(SRC, path) !== THIS_FILE)
    .flatMap((path) => {
      const file = relative(SRC, path);
      const text = readFileSync(path, 'utf8');
      return [...text.matchAll(RELATIVE_IMPORT)].flatMap(([, specifier]) => {
        const target = relative(SRC, resolve(dirname(path), specifier));
        if (target.startsWith('..')) return [];
        // A bare folder or file name at the root (`./app.module`) is that root node.
        const to = nodeOf(target.includes(sep) ? target : `${target}.ts`);
        const from = nodeOf(file);
        return from === to ? [] : [{ file: `src/${file}`, specifier, from, to }];
      });
    });
}

function nodes(): string[] {
  return readdirSync(SRC, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() || (entry.name.endsWith('.ts') && entry.name !== THIS_FILE),
    )
    .map((entry) => (entry.isDirectory() ? entry.name : entry.name.replace(/\.ts$/, '')));
}

const layerOf = new Map(LAYERS.flatMap((layer, index) => layer.map((node) => [node, index])));
const describeArrow = ({ file, specifier, from, to }: Arrow): string =>
  `${file} imports '${specifier}' (${from} → ${to})`;

describe('module architecture', () => {
  const all = arrows();

  it('places every top-level folder and root file of src/ in exactly one layer', () => {
    const listed = LAYERS.flat();
    const present = nodes();
    expect(present.filter((node) => !layerOf.has(node))).toEqual([]);
    expect(listed.filter((node) => !present.includes(node))).toEqual([]);
    expect(listed.filter((node, index) => listed.indexOf(node) !== index)).toEqual([]);
  });

  it('finds the imports it checks', () => {
    // A regex that stopped matching would make the rules below pass vacuously.
    expect(all.length).toBeGreaterThan(100);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward = all
      .filter(({ from, to }) => (layerOf.get(to) ?? -1) > (layerOf.get(from) ?? Infinity))
      .map(
        (arrow) =>
          `${describeArrow(arrow)}: layer ${layerOf.get(arrow.from)} may not import layer ${layerOf.get(arrow.to)}`,
      );
    expect(upward).toEqual([]);
  });

  it('has no cycle between the nodes of one layer', () => {
    // One example import per pair of nodes is enough to name the cycle.
    const next = new Map<string, Map<string, Arrow>>();
    for (const arrow of all.filter(({ from, to }) => layerOf.get(from) === layerOf.get(to))) {
      const out = next.get(arrow.from) ?? new Map<string, Arrow>();
      if (!out.has(arrow.to)) out.set(arrow.to, arrow);
      next.set(arrow.from, out);
    }

    const cycles: string[] = [];
    const done = new Set<string>();
    // `stack` holds the nodes on the current path; `via[i]` leads from stack[i] to stack[i + 1].
    const visit = (node: string, stack: string[], via: Arrow[]): void => {
      for (const arrow of next.get(node)?.values() ?? []) {
        const back = stack.indexOf(arrow.to);
        if (back >= 0) cycles.push([...via.slice(back), arrow].map(describeArrow).join(', then '));
        else if (!done.has(arrow.to)) visit(arrow.to, [...stack, arrow.to], [...via, arrow]);
      }
      done.add(node);
    };
    for (const node of next.keys()) if (!done.has(node)) visit(node, [node], []);
    expect(cycles).toEqual([]);
  });
});
