import autocannon from 'autocannon';
import { progress } from './progress';

export const CONNECTIONS = 50;

/** One measurement, as reported: rate, latency, and every answer that was not a 2xx. */
export interface Measurement {
  name: string;
  route: string;
  connections: number;
  overallRate?: number;
  durationS: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Errors, timeouts or non-2xx answers: the figure is shown, with this flag. */
  flagged: boolean;
  /** The server's CPU time over the recorded run: its share of one core, and per request. */
  serverCpuShare?: number;
  cpuUsPerRequest?: number;
}

export interface LoadOptions {
  name: string;
  baseUrl: string;
  route: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  overallRate?: number;
  durationS: number;
  /** Seconds of unrecorded load first (JIT, connection pools); 0 for none. */
  warmupS: number;
  /** For dynamic requests (fresh tokens, refresh rotation): autocannon's `requests`. */
  requests?: autocannon.Request[];
  /**
   * Slow routes (login): one run of steadyAfterS + durationS seconds, and requests/s counted
   * from the answers of the last durationS only, once every connection has a request in flight.
   * A separate warm-up run would not help: its requests in flight are dropped when it stops.
   */
  steadyAfterS?: number;
  /** The server's CPU seconds so far (RunningServer.cpuSeconds), to report CPU per request. */
  serverCpuSeconds?: () => number;
}

function run(options: LoadOptions, durationS: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${options.baseUrl}${options.route}`,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    connections: options.connections ?? CONNECTIONS,
    overallRate: options.overallRate,
    duration: durationS,
    requests: options.requests,
    timeout: 10,
  });
}

function statusCodes(result: autocannon.Result): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    codes[code] = stats.count ?? 0;
  }
  return codes;
}

export async function measure(options: LoadOptions): Promise<Measurement> {
  const connections = options.connections ?? CONNECTIONS;
  const rate = options.overallRate === undefined ? '' : `, ${options.overallRate} req/s`;
  const steady =
    options.steadyAfterS === undefined
      ? ''
      : ` after ${options.steadyAfterS} s to fill the pipeline`;
  progress(
    `measure ${options.name}: ${options.method ?? 'GET'} ${options.route}, ${connections} connections${rate}, ${options.durationS} s${steady}`,
  );
  if (options.warmupS > 0) await run(options, options.warmupS);
  const steadyAfterS = options.steadyAfterS ?? 0;
  const answeredAt: number[] = [];
  const timed: LoadOptions =
    steadyAfterS > 0
      ? { ...options, requests: [{ onResponse: () => answeredAt.push(performance.now()) }] }
      : options;
  const started = performance.now();
  const cpuBefore = options.serverCpuSeconds?.();
  const result = await run(timed, steadyAfterS + options.durationS);
  const cpuUsed =
    cpuBefore === undefined || options.serverCpuSeconds === undefined
      ? undefined
      : options.serverCpuSeconds() - cpuBefore;
  const wallSeconds = (performance.now() - started) / 1000;
  const steadyFrom = started + steadyAfterS * 1000;
  const steadyRate = answeredAt.filter((t) => t >= steadyFrom).length / options.durationS;
  const measurement: Measurement = {
    name: options.name,
    route: `${options.method ?? 'GET'} ${options.route}`,
    connections,
    overallRate: options.overallRate,
    durationS: options.durationS,
    requestsPerSecond: steadyAfterS > 0 ? steadyRate : result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: statusCodes(result),
    flagged: result.non2xx > 0 || result.errors > 0 || result.timeouts > 0,
    serverCpuShare: cpuUsed === undefined ? undefined : cpuUsed / wallSeconds,
    cpuUsPerRequest:
      cpuUsed === undefined || result.requests.total === 0
        ? undefined
        : (cpuUsed * 1e6) / result.requests.total,
  };
  const problems = measurement.flagged
    ? `  FLAGGED: ${measurement.non2xx} non-2xx, ${measurement.errors} errors (${measurement.timeouts} timeouts), codes ${JSON.stringify(measurement.statusCodes)}`
    : '';
  const cpu =
    measurement.cpuUsPerRequest === undefined || measurement.serverCpuShare === undefined
      ? ''
      : `, server CPU ${(measurement.serverCpuShare * 100).toFixed(0)} % (${measurement.cpuUsPerRequest.toFixed(1)} µs/request)`;
  progress(
    `  ${measurement.name}: ${measurement.requestsPerSecond.toFixed(0)} req/s, p50 ${measurement.p50Ms} ms, p99 ${measurement.p99Ms} ms${cpu}${problems}`,
  );
  return measurement;
}

/** Fresh tokens: every request takes the next token of the pool (a cache miss each time). */
export function cyclingBearer(pool: string[]): autocannon.Request[] {
  let next = 0;
  return [
    {
      setupRequest: (request) => {
        const token = pool[next % pool.length];
        next += 1;
        return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
      },
    },
  ];
}

/**
 * Rotating refresh: each request takes a token from the pool and its answer puts the new one
 * back. The pool, not autocannon's context, holds them: the context is reset between
 * iterations. An empty pool (a lost answer) sends a token the service refuses, counted as non-2xx.
 */
export function rotatingRefresh(pool: string[]): autocannon.Request[] {
  return [
    {
      method: 'POST',
      setupRequest: (request) => {
        const refreshToken = pool.shift() ?? 'pool-empty';
        return {
          ...request,
          method: 'POST',
          headers: {
            ...request.headers,
            'content-type': 'application/json',
            'x-auth-mode': 'body',
          },
          body: JSON.stringify({ refreshToken }),
        };
      },
      onResponse: (status, body) => {
        if (status !== 200) return;
        const { refreshToken } = JSON.parse(body) as { refreshToken?: string };
        if (refreshToken !== undefined) pool.push(refreshToken);
      },
    },
  ];
}
