import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LogFormat, LogLevel } from '../../config/app-config';
import { AccessLog } from './access-log';

/**
 * Paths that must never reach a log line, should an object holding them ever be logged by the
 * application. The access log (access-log.ts) writes only fields that cannot hold a secret; this
 * is the lock on the other door.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.key',
  '*.secret',
];

/**
 * JSON lines on stdout, buffered (4 KiB, at most a second) and written asynchronously; pino
 * flushes what is left when the process exits. `access` writes the one line per request (access-log.ts); `app`
 * everything else, with the redaction pass. Both write to the one destination, line by line.
 */
export interface Loggers {
  access: AccessLog;
  app: Logger;
}

export function createLoggers(
  level: LogLevel,
  destination: DestinationStream = pino.destination({
    dest: 1,
    minLength: 4096,
    sync: false,
    // Written within a second even when traffic is too light to fill the buffer.
    periodicFlush: 1000,
  }),
): Loggers {
  return {
    access: new AccessLog(level, destination),
    app: pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination),
  };
}

/**
 * Where the lines go: stdout as JSON (production, and anything that collects logs), or through
 * pino-pretty for a person at a terminal (LOG_FORMAT=pretty, the development default). The same
 * JSON lines are produced either way, so redaction and the access line do not change.
 */
export function logDestination(format: LogFormat): DestinationStream | undefined {
  if (format === 'json') return undefined;
  return pinoPretty({
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,reqId,method,route,status,ms',
    messageFormat: prettyMessage,
  });
}

/** One line per entry: `GET /api/v1/auth/me 200 1.2 ms (request id)`, or `[Context] message`. */
export function prettyMessage(entry: Record<string, unknown>): string {
  const text = (value: unknown): string =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  if (entry.reqId !== undefined && entry.method !== undefined) {
    const route = entry.route === null ? '(no route)' : text(entry.route);
    return `${text(entry.method)} ${route} ${text(entry.status)} ${text(entry.ms)} ms (${text(entry.reqId)})`;
  }
  const message = text(entry.msg);
  return entry.context === undefined ? message : `[${text(entry.context)}] ${message}`;
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's LoggerService on pino: `log(message, …params, context)`, with the context as a field.
 * Nest's exception handlers call `error(message, stack, context)`: the stack becomes `err.stack`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    // Nest heads each controller's routes with its path under the global prefix, even for routes
    // excluded from the prefix ("JwksController {/api/v1/.well-known}" for /.well-known/jwks.json).
    // The "Mapped {…}" line of every route has its true path: the heading is left out.
    if (params.at(-1) === 'RoutesResolver') return;
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const rest = [...params];
    const context = rest.length > 0 ? rest.pop() : undefined;
    if (typeof context === 'string') fields.context = context;
    else if (context !== undefined) rest.push(context);
    const stack = rest.find(
      (param): param is string => typeof param === 'string' && /\n\s*at /.test(param),
    );
    if (message instanceof Error) {
      fields.err = message;
      this.logger[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message });
    } else {
      if (stack !== undefined) fields.err = { stack };
      this.logger[level](fields, String(message));
    }
  }
}
