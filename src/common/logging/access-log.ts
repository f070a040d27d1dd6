import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hostname } from 'node:os';
import pino, { type DestinationStream } from 'pino';
import type { LogLevel } from '../../config/app-config';

const INFO = pino.levels.values.info;
const ERROR = pino.levels.values.error;

/**
 * One line per request, written when the response has gone out: the request id, the method, the
 * route that matched (its pattern, `/api/v1/admin/users/:id`, never the values in the path or the
 * query string, so a token in a URL cannot reach the log), the status and the duration in ms.
 *
 * The line has pino's shape (level, time, pid, hostname, msg) and goes to pino's destination,
 * but it is put together here: it has five fields, none of which can hold a secret, so it needs
 * neither a per-request logger nor a redaction pass nor pino's generic serialiser, which together
 * cost more than the rest of a public request (docs/performance.md).
 *
 * Lines are handed to the destination once per event-loop turn, joined: the destination's
 * buffer re-measures its pending text on every write, so one write per line would copy that
 * text once per request. close() (at shutdown) and process exit hand over what is left.
 */
export class AccessLog {
  private readonly threshold: number;
  private pending: string[] = [];
  private scheduled = false;
  private readonly tail = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())},`;
  /** Route patterns as JSON strings: a service has a few dozen. */
  private readonly routes = new Map<string, string>();

  constructor(
    level: LogLevel,
    private readonly destination: DestinationStream,
  ) {
    this.threshold = level === 'silent' ? Infinity : pino.levels.values[level];
  }

  /** False when not even a failed request would be written (LOG_LEVEL=fatal or silent). */
  get enabled(): boolean {
    return this.threshold <= ERROR;
  }

  write(request: FastifyRequest, reply: FastifyReply, now = Date.now()): void {
    const status = reply.statusCode;
    const level = status >= 500 ? ERROR : INFO;
    if (level < this.threshold) return;
    const ms = Math.round(reply.elapsedTime * 100) / 100;
    const msg = level === ERROR ? 'request failed' : 'request';
    this.pending.push(
      `{"level":${level},"time":${now}${this.tail}"reqId":${JSON.stringify(request.id)},"method":${JSON.stringify(request.method)},"route":${this.route(request.routeOptions.url)},"status":${status},"ms":${ms},"msg":"${msg}"}\n`,
    );
    if (!this.scheduled) {
      this.scheduled = true;
      holdUntilFlushed(this);
      setImmediate(this.flush);
    }
  }

  /** Hands every pending line to the destination. */
  readonly flush = (): void => {
    this.scheduled = false;
    OPEN.delete(this);
    if (this.pending.length === 0) return;
    const lines = this.pending.join('');
    this.pending = [];
    this.destination.write(lines);
  };

  private route(pattern: string | undefined): string {
    if (pattern === undefined) return 'null';
    let json = this.routes.get(pattern);
    if (json === undefined) {
      json = JSON.stringify(pattern);
      this.routes.set(pattern, json);
    }
    return json;
  }
}

/**
 * Logs with lines not yet handed over, flushed should the process exit first (pino then writes
 * its destination out synchronously). The exit listener is added with the first line.
 */
const OPEN = new Set<AccessLog>();
let exitListener = false;
function holdUntilFlushed(log: AccessLog): void {
  OPEN.add(log);
  if (exitListener) return;
  exitListener = true;
  process.once('exit', () => {
    for (const open of OPEN) open.flush();
  });
}

export function registerAccessLog(fastify: FastifyInstance, log: AccessLog): void {
  if (!log.enabled) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    log.write(request, reply);
    done();
  });
}
