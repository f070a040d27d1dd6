/**
 * npm run bench: the service over real HTTP, in its own process, against a bare NestJS + Fastify
 * hello app measured in the same run. Every goal is a ratio against a baseline of this run on this
 * machine, never an absolute number; a missed goal is reported, never a failure. The run fails
 * only when the harness does: a server that does not start, a setup call that is refused, a
 * measurement that gets nothing but errors.
 *
 * Servers run pinned to CPU 0, this load generator (autocannon) to CPU 1, when taskset exists.
 * BENCH_DURATION_S (default 10) is the length of each measurement.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/app-config';
import { Cleanup } from './cleanup';
import { measureCosts } from './costs';
import { figures } from './figures';
import { signPool } from './jwt-pool';
import { privateKeyOf, templateOf } from './jwt';
import { runMeasurements, type Measurements } from './measurements';
import { PINNED, reexecPinned, serverCores } from './pinning';
import { progress, step } from './progress';
import { measureRedisMemory, type RedisMemoryRuns } from './redis-memory';
import { goalsTable, routesTable } from './report';
import { freePort, startServerProcess } from './servers';
import { prepareEnvironment } from './services';
import { setUp } from './setup';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
/** Larger than the verified-token cache (10,000 entries, fixed), so cycling always misses. */
const FRESH_TOKEN_POOL = 12_000;
const REDIS_SESSIONS = 10_000;
const REPO = join(__dirname, '..', '..');
const RESULTS = join(REPO, 'bench', 'results.json');

async function main(cleanup: Cleanup): Promise<number> {
  if (!Number.isFinite(DURATION_S) || DURATION_S <= 0)
    throw new Error(
      `BENCH_DURATION_S must be a positive number, got ${process.env.BENCH_DURATION_S}`,
    );
  const cores = serverCores();
  const environment = await step('prepare services', () => prepareEnvironment(cleanup));
  progress(
    `mode: ${environment.mode} (NODE_ENV=${environment.env.NODE_ENV}); ${PINNED ? 'servers pinned to CPU 0, load generator to CPU 1' : 'not pinned (no taskset or one CPU)'}; ${DURATION_S} s per measurement; logs in ${environment.tempDir}`,
  );
  const [helloPort, servicePort] = [await freePort(), await freePort()];
  const [hello, service] = await step('start servers', () =>
    Promise.all([
      startServerProcess({
        name: 'hello',
        script: join(__dirname, 'hello', 'main.js'),
        env: { PATH: environment.env.PATH, HOME: environment.env.HOME },
        port: helloPort,
        readyPath: '/hello',
        logDir: environment.tempDir,
        cwd: REPO,
      }),
      startServerProcess({
        name: 'service',
        script: join(__dirname, 'server.js'),
        env: environment.env,
        port: servicePort,
        readyPath: '/health/ready',
        logDir: environment.tempDir,
        cwd: REPO,
      }),
    ]),
  );
  cleanup.add('hello server stopped', () => hello.stop());
  cleanup.add('service stopped', () => service.stop());
  progress(`service access log: ${service.logFile}`);

  const credentials = await step('setup over HTTP (admin login, API key, register, login)', () =>
    setUp(service.url, { email: environment.adminEmail, password: environment.adminPassword }),
  );
  const costs = await step('RS256 sign and bcrypt(12) compare cost, pinned to the server CPU', () =>
    measureCosts(),
  );
  progress(
    `  RS256 sign ${costs.signMs.toFixed(3)} ms (${(1000 / costs.signMs).toFixed(0)}/s), bcrypt compare median ${costs.compareMs.toFixed(1)} ms`,
  );
  const template = templateOf(credentials.accessToken);
  privateKeyOf(environment.privateKeyPem); // fails here, not in a worker, on a bad key
  const signStarted = performance.now();
  const freshTokens = await step(`sign ${FRESH_TOKEN_POOL} fresh JWTs`, () =>
    signPool(environment.privateKeyPem, template, FRESH_TOKEN_POOL),
  );
  const poolSeconds = (performance.now() - signStarted) / 1000;

  const measurements = await runMeasurements({
    helloUrl: hello.url,
    serviceUrl: service.url,
    helloCpuSeconds: () => hello.cpuSeconds(),
    serviceCpuSeconds: () => service.cpuSeconds(),
    credentials,
    freshTokens,
    durationS: DURATION_S,
  });

  let redis: RedisMemoryRuns | undefined;
  if (environment.redis !== undefined) {
    const config = loadConfig(environment.env);
    const run = async (perUser: number) => {
      const memory = await step(
        `Redis memory of ${REDIS_SESSIONS} sessions, ${perUser} per user`,
        () => measureRedisMemory(config, REDIS_SESSIONS, perUser),
      );
      progress(
        `  ${memory.totalBytes} bytes over ${memory.keys} keys: ${memory.bytesPerSession.toFixed(1)} B/session`,
      );
      return memory;
    };
    redis = { onePerUser: await run(1), fivePerUser: await run(5) };
  }

  const goals = figures(measurements, costs, cores, redis);
  const all = Object.values(measurements) as Measurements[keyof Measurements][];
  process.stdout.write(
    `\n## Auth service benchmark (${environment.mode} mode, ${DURATION_S} s per measurement, ${PINNED ? 'pinned' : 'not pinned'})\n\n${goalsTable(goals)}\n\n${routesTable(all)}\n\n`,
  );
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        mode: environment.mode,
        nodeEnv: environment.env.NODE_ENV,
        pinned: PINNED,
        serverCores: cores,
        durationS: DURATION_S,
        node: process.version,
        costs,
        freshTokenPool: { size: freshTokens.length, signSeconds: poolSeconds },
        measurements,
        figures: goals,
        redisMemory: redis ?? null,
      },
      null,
      2,
    )}\n`,
  );
  progress(`results written to ${RESULTS}`);
  const empty = all.filter((m) => m.ok === 0);
  if (empty.length > 0) {
    process.stderr.write(
      `harness failure: no 2xx answer in ${empty.map((m) => m.name).join(', ')}\n`,
    );
    return 1;
  }
  return 0;
}

if (!reexecPinned()) {
  const cleanup = new Cleanup();
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      progress(`${signal}: cleaning up`);
      void cleanup.runAll().then(() => process.exit(130));
    });
  }
  main(cleanup)
    .catch((error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      return 1;
    })
    .then(async (code) => {
      await cleanup.runAll();
      process.exit(code);
    })
    .catch(() => process.exit(1));
}
