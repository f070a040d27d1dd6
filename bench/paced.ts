import { Agent, request } from 'node:http';
import type { Measurement } from './load';
import { progress } from './progress';

export interface PacedOptions {
  name: string;
  baseUrl: string;
  route: string;
  headers: Record<string, string>;
  /** Requests per second, spread evenly (one every 1/rate s), not sent in bursts. */
  rate: number;
  durationS: number;
  warmupS: number;
  connections: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * An open-loop load at a fixed rate, for latency under a given load. Why not autocannon's
 * overallRate: it lets each connection send its per-second quota as fast as it can at the start
 * of every second (httpClient.js, `reqsMadeThisSecond`), so the "moderate" load is a burst at
 * full speed, and p99 measures the queue of that burst. Here requests leave evenly spaced, and
 * each latency is counted from when the request was due, so a stalled server is not hidden by
 * requests that were sent late (coordinated omission).
 */
async function paced(options: PacedOptions, durationS: number): Promise<Omit<Measurement, 'name'>> {
  const url = new URL(`${options.baseUrl}${options.route}`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  const inFlight = new Set<Promise<void>>();
  const send = (due: number): void => {
    const done = new Promise<void>((resolve) => {
      const req = request(
        url,
        { method: 'GET', headers: options.headers, agent, timeout: 10_000 },
        (res) => {
          res.resume();
          res.once('error', () => {
            errors += 1;
            resolve();
          });
          res.once('end', () => {
            latencies.push(performance.now() - due);
            const code = String(res.statusCode ?? 0);
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.once('timeout', () => {
        timeouts += 1;
        req.destroy(new Error('timeout'));
      });
      req.once('error', () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  const started = performance.now();
  const end = started + durationS * 1000;
  const interval = 1000 / options.rate;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      const dueCount = Math.min(
        Math.floor((Math.min(now, end) - started) / interval),
        Math.floor((durationS * 1000) / interval),
      );
      for (; sent < dueCount; sent += 1) send(started + sent * interval);
      if (now >= end) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const ok = Object.entries(statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  const non2xx = latencies.length - ok;
  const round = (ms: number): number => Math.round(ms * 100) / 100;
  return {
    route: `GET ${options.route}`,
    connections: options.connections,
    overallRate: options.rate,
    durationS,
    requestsPerSecond: latencies.length / durationS,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    ok,
    non2xx,
    errors,
    timeouts,
    statusCodes,
    flagged: non2xx > 0 || errors > 0 || timeouts > 0,
  };
}

export async function measurePaced(options: PacedOptions): Promise<Measurement> {
  progress(
    `measure ${options.name}: GET ${options.route}, evenly paced at ${options.rate} req/s, up to ${options.connections} connections, ${options.durationS} s`,
  );
  if (options.warmupS > 0) await paced(options, options.warmupS);
  const measurement = { name: options.name, ...(await paced(options, options.durationS)) };
  progress(
    `  ${measurement.name}: ${measurement.requestsPerSecond.toFixed(0)} req/s, p50 ${measurement.p50Ms} ms, p99 ${measurement.p99Ms} ms${measurement.flagged ? `  FLAGGED: ${JSON.stringify(measurement.statusCodes)}, ${measurement.errors} errors` : ''}`,
  );
  return measurement;
}
