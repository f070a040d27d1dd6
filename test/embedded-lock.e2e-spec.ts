import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestApp, type TestApp } from './support/test-app';
import { eventually } from './support/wait';

const ROOT = resolve(__dirname, '..');
const PASSWORD = 'Correct-Horse-Battery-9';

/**
 * One data directory, two processes: this one runs the service (in process, like every e2e
 * suite) and the admin CLI runs as a child, the way an operator runs it next to `npm start`.
 * Both orders: the second one to come refuses at once, and nothing is written or lost.
 * Runs in both modes on an embedded database of its own.
 */
describe('the embedded database, opened by one process at a time', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'auth-lock-'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const serviceOnDisk = (): Promise<TestApp> =>
    createTestApp({
      env: {
        DATA_DIR: base,
        PGLITE_DATA_DIR: join(base, 'pglite'),
        DATABASE_URL: '',
        REDIS_URL: '',
      },
    });

  /** `npm run cli -- create-admin`, as a child process on the same data directory. */
  function cli(email: string): {
    child: ChildProcessWithoutNullStreams;
    done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  } {
    const child = spawn(
      process.execPath,
      [
        require.resolve('ts-node/dist/bin.js'),
        '--transpile-only',
        'src/cli/main.ts',
        'create-admin',
        '--email',
        email,
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: base,
          NODE_ENV: 'test',
          DATA_DIR: base,
          BCRYPT_ROUNDS: '4',
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((settle) =>
      child.on('close', (code) => settle({ code, stdout, stderr })),
    );
    return { child, done };
  }

  async function createAdmin(email: string) {
    const run = cli(email);
    run.child.stdin.end(`${PASSWORD}\n`);
    return run.done;
  }

  const login = (t: TestApp, email: string) =>
    t.http().post('/api/v1/auth/login').send({ email, password: PASSWORD });

  it('refuses the CLI while the service runs, then creates the admin once it has stopped', async () => {
    const first = await serviceOnDisk();
    try {
      const refused = await createAdmin('admin@example.com');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('is open in another process');
      expect(refused.stdout).not.toContain('Created admin');
      // Nothing was written behind the service's back.
      await login(first, 'admin@example.com').expect(401);
    } finally {
      await first.close();
    }

    const created = await createAdmin('admin@example.com');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Created admin admin@example\.com \(/);

    const second = await serviceOnDisk();
    try {
      const res = await login(second, 'admin@example.com').expect(200);
      expect(res.body.user.roles).toEqual(expect.arrayContaining(['admin']));
    } finally {
      await second.close();
    }
  }, 120_000);

  it('refuses to start the service while the CLI has the database open, and keeps what the CLI wrote', async () => {
    // The CLI opens the database, then waits for the password on its standard input.
    const run = cli('waiting@example.com');
    const locked = await eventually(
      () => Promise.resolve(existsSync(join(base, 'pglite.lock'))),
      (exists) => exists,
      { timeoutMs: 60_000 },
    );
    expect(locked).toBe(true);
    await expect(serviceOnDisk()).rejects.toThrow('is open in another process');

    run.child.stdin.end(`${PASSWORD}\n`);
    const created = await run.done;
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created admin waiting@example.com');

    const t = await serviceOnDisk();
    try {
      const res = await login(t, 'waiting@example.com').expect(200);
      expect(res.body.user.roles).toEqual(expect.arrayContaining(['admin']));
    } finally {
      await t.close();
    }
  }, 120_000);
});
