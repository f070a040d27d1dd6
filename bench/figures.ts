import type { Costs } from './costs';
import type { Measurement } from './load';
import type { Measurements } from './measurements';
import type { RedisMemoryRuns } from './redis-memory';
import { atLeast, atMost, rps, type Figure } from './report';

/**
 * The hello app is measured twice, first and after the guarded routes, and the cheaper of the two
 * is the baseline: interference from anything else on the machine only ever adds cost, and one
 * disturbed baseline would shift every ratio of the run.
 */
export function baselineOf(m: Measurements): Measurement {
  const [a, b] = [m.hello, m.helloAgain];
  if (a.cpuUsPerRequest !== undefined && b.cpuUsPerRequest !== undefined)
    return a.cpuUsPerRequest <= b.cpuUsPerRequest ? a : b;
  return a.requestsPerSecond >= b.requestsPerSecond ? a : b;
}

/**
 * A route against the hello app, per CPU second of the server: requests per second divided by
 * the share of its core the server used. One load-generator core cannot saturate the hello app
 * (it runs at about 70 % of its core), so raw requests per second would flatter every route; per
 * CPU second, the ratio is what each request costs the server, which is what capacity is made
 * of. The raw ratio is shown too. Without CPU figures (no /proc), the raw ratio decides.
 */
function ofHello(name: string, m: Measurements, key: keyof Measurements, min: number): Figure {
  const route = m[key];
  const hello = baselineOf(m);
  const raw = route.requestsPerSecond / hello.requestsPerSecond;
  const perCpu =
    route.cpuUsPerRequest === undefined || hello.cpuUsPerRequest === undefined
      ? undefined
      : hello.cpuUsPerRequest / route.cpuUsPerRequest;
  const measured =
    perCpu === undefined || route.cpuUsPerRequest === undefined
      ? rps(route)
      : `${rps(route)}, ${route.cpuUsPerRequest.toFixed(1)} µs CPU/request (raw ratio ${raw.toFixed(2)})`;
  return atLeast(
    name,
    measured,
    perCpu ?? raw,
    min,
    `≥ ${min.toFixed(2)} of hello per CPU second`,
    [route, hello],
  );
}

/** Every goal of the benchmark, each a ratio against a baseline measured in this run. */
export function figures(
  m: Measurements,
  costs: Costs,
  cores: number,
  redis: RedisMemoryRuns | undefined,
): Figure[] {
  const signBound = 1000 / costs.signMs;
  const loginBound = (cores * 1000) / costs.compareMs;
  const hello = baselineOf(m);
  const which = hello === m.hello ? 'first' : 'second';
  return [
    {
      figure: 'baseline: bare Nest + Fastify hello',
      measured:
        hello.cpuUsPerRequest === undefined
          ? `${rps(hello)} (the ${which} of two runs)`
          : `${rps(hello)}, ${hello.cpuUsPerRequest.toFixed(1)} µs CPU/request (the cheaper of two runs: the ${which})`,
      ratio: 1,
      goal: '—',
      met: null,
    },
    ofHello('GET /health/live', m, 'live', 0.7),
    ofHello('guarded, repeated JWT', m, 'guardedRepeated', 0.5),
    ofHello('guarded, fresh JWTs', m, 'guardedFresh', 0.2),
    ofHello('guarded, API key', m, 'guardedApiKey', 0.45),
    ofHello('GET /auth/me, JWT', m, 'me', 0.25),
    atLeast(
      'POST /auth/refresh, rotating',
      `${rps(m.refresh)} (sign-bound ${signBound.toFixed(0)}/s: ${costs.signMs.toFixed(3)} ms/sign)`,
      m.refresh.requestsPerSecond / signBound,
      0.8,
      '≥ 0.80 of sign-bound',
      [m.refresh],
    ),
    atMost(
      'login p50, 1 connection',
      `${m.loginSingle.p50Ms} ms (bcrypt compare ${costs.compareMs.toFixed(0)} ms)`,
      m.loginSingle.p50Ms / costs.compareMs,
      1.15,
      '≤ 1.15 × compare',
      [m.loginSingle],
    ),
    atLeast(
      `login throughput, ${m.loginThroughput.connections} connections`,
      `${m.loginThroughput.requestsPerSecond.toFixed(2)} req/s (bound ${loginBound.toFixed(2)}/s, ${cores} core(s))`,
      m.loginThroughput.requestsPerSecond / loginBound,
      0.9,
      '≥ 0.90 of cores ÷ compare',
      [m.loginThroughput],
    ),
    atMost(
      'guarded p99 in a login storm',
      `${m.stormDuring.p99Ms} ms (idle ${m.stormIdle.p99Ms} ms, ${m.stormIdle.overallRate}/s)`,
      m.stormDuring.p99Ms / Math.max(m.stormIdle.p99Ms, 1),
      2,
      '≤ 2 × idle p99',
      [m.stormIdle, m.stormDuring, m.stormLogins],
    ),
    redis === undefined
      ? {
          figure: 'Redis bytes per session',
          measured: 'skipped',
          ratio: null,
          goal: '≤ 400 B',
          met: null,
          note: 'embedded mode: no Redis',
        }
      : {
          figure: 'Redis bytes per session',
          measured: `${redis.onePerUser.bytesPerSession.toFixed(0)} B, ${redis.onePerUser.sessions} sessions one per user (${redis.fivePerUser.bytesPerSession.toFixed(0)} B at five per user)`,
          ratio: redis.onePerUser.bytesPerSession / 400,
          goal: '≤ 400 B (ratio: of 400)',
          met: redis.onePerUser.bytesPerSession <= 400,
        },
  ];
}
