import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../src/database/embedded/embedded-postgres';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** Every file and directory under `root` whose mode lets anyone but the owner in. */
function openToOthers(root: string): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    if (modeOf(path) & 0o077) found.push(`${path} ${modeOf(path).toString(8)}`);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return found;
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

// Runs the same in both modes: it starts an embedded server of its own on a data directory on disk.
describe('the embedded PostgreSQL', () => {
  const base = mkdtempSync(join(tmpdir(), 'auth-embedded-'));
  const dataDir = join(base, 'pglite');
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('listens only on a UNIX socket in a directory of its own user, and keeps its files private', async () => {
    const server = await EmbeddedPostgres.start(dataDir);
    try {
      // No TCP address anyone on the machine could try: a socket directory only this user can enter.
      expect(server.url).not.toMatch(/127\.0\.0\.1|localhost|:\d+\//);
      expect(modeOf(server.socketDir)).toBe(0o700);
      expect(modeOf(join(server.socketDir, '.s.PGSQL.5432'))).toBe(0o600);

      await query(server.url, 'CREATE TABLE notes (body text)');
      await query(server.url, "INSERT INTO notes VALUES ('kept')");
      expect(await query(server.url, 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
    } finally {
      await server.stop();
    }
    expect(existsSync(server.socketDir)).toBe(false);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(openToOthers(dataDir)).toEqual([]);
  });

  it('makes files left open by an earlier version private again at start', async () => {
    const file = join(dataDir, 'PG_VERSION');
    chmodSync(file, 0o666);
    chmodSync(dataDir, 0o755);
    const server = await EmbeddedPostgres.start(dataDir);
    try {
      expect(await query(server.url, 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
    } finally {
      await server.stop();
    }
    expect(modeOf(file)).toBe(0o600);
    expect(openToOthers(dataDir)).toEqual([]);
  });
});
