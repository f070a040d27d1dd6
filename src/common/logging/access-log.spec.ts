import Fastify from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { registerAccessLog } from './access-log';
import { createLoggers, PinoNestLogger, prettyMessage } from './logger';

/** A destination that keeps each JSON line pino writes, and counts the writes. */
function memoryDestination(): {
  lines: () => Record<string, unknown>[];
  writes: () => number;
  stream: Writable;
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, writes: () => chunks.length, stream };
}

/** The access log hands its lines over at the end of the event-loop turn. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('access log', () => {
  async function serve(level: 'info' | 'error' | 'silent') {
    const destination = memoryDestination();
    const fastify = Fastify({ genReqId: () => 'req-1' });
    const access = createLoggers(level, destination.stream).access;
    expect(access.enabled).toBe(level !== 'silent');
    registerAccessLog(fastify, access);
    fastify.get('/api/v1/users/:id', () => ({ ok: true }));
    fastify.get('/boom', () => {
      throw new Error('boom');
    });
    await fastify.ready();
    const lines = async (): Promise<Record<string, unknown>[]> => {
      await nextTurn();
      return destination.lines();
    };
    return { fastify, lines, writes: destination.writes };
  }

  it('writes one line per request: id, method, route pattern, status, duration, and nothing else', async () => {
    const { fastify, lines } = await serve('info');
    const response = await fastify.inject({
      method: 'GET',
      url: '/api/v1/users/7d3c1b0e?token=secret-in-query',
      headers: { authorization: 'Bearer secret-token', cookie: 'refresh_token=secret-cookie' },
    });
    expect(response.statusCode).toBe(200);
    const logged = await lines();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 30,
      msg: 'request',
      reqId: 'req-1',
      method: 'GET',
      route: '/api/v1/users/:id',
      status: 200,
    });
    expect(typeof logged[0].ms).toBe('number');
    expect(typeof logged[0].time).toBe('number');
    expect(logged[0].pid).toBe(process.pid);
    // pino's own fields and nothing more: a new field must be added here on purpose.
    expect(Object.keys(logged[0]).sort()).toEqual(
      [
        'hostname',
        'level',
        'method',
        'ms',
        'msg',
        'pid',
        'reqId',
        'route',
        'status',
        'time',
      ].sort(),
    );
    const text = JSON.stringify(logged);
    for (const secret of ['secret-in-query', 'secret-token', 'secret-cookie', '7d3c1b0e'])
      expect(text).not.toContain(secret);
  });

  it('logs an unmatched path without the path, and a 5xx at error level', async () => {
    const { fastify, lines } = await serve('info');
    expect((await fastify.inject({ method: 'GET', url: '/nope/abc' })).statusCode).toBe(404);
    expect((await fastify.inject({ method: 'GET', url: '/boom' })).statusCode).toBe(500);
    const [notFound, failed] = await lines();
    expect(notFound).toMatchObject({ status: 404, level: 30, route: null });
    expect(JSON.stringify(notFound)).not.toContain('/nope');
    expect(failed).toMatchObject({ status: 500, level: 50, msg: 'request failed', route: '/boom' });
  });

  it('at LOG_LEVEL=error writes only failed requests, and nothing when silent', async () => {
    const errorsOnly = await serve('error');
    await errorsOnly.fastify.inject({ method: 'GET', url: '/api/v1/users/1' });
    await errorsOnly.fastify.inject({ method: 'GET', url: '/boom' });
    expect((await errorsOnly.lines()).map((line) => line.status)).toEqual([500]);
    const silent = await serve('silent');
    await silent.fastify.inject({ method: 'GET', url: '/boom' });
    expect(await silent.lines()).toEqual([]);
  });

  it('hands the lines of one event-loop turn to the destination in one write', async () => {
    const { fastify, lines, writes } = await serve('info');
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => fastify.inject({ method: 'GET', url: '/api/v1/users/1' })),
    );
    expect(statuses.map((response) => response.statusCode)).toEqual(Array(20).fill(200));
    expect(await lines()).toHaveLength(20);
    expect(writes()).toBeLessThan(20);
  });
});

describe('PinoNestLogger', () => {
  function logger() {
    const destination = memoryDestination();
    return {
      nest: new PinoNestLogger(createLoggers('info', destination.stream).app),
      lines: destination.lines,
    };
  }

  it('writes the message with its context as a field', () => {
    const { nest, lines } = logger();
    nest.log('Listening', 'Bootstrap');
    nest.warn('Embedded mode');
    expect(lines()).toEqual([
      expect.objectContaining({ level: 30, msg: 'Listening', context: 'Bootstrap' }),
      expect.objectContaining({ level: 40, msg: 'Embedded mode' }),
    ]);
    expect(lines()[1]).not.toHaveProperty('context');
  });

  it("keeps the stack of Nest's exception handlers (message, stack, context) and of an Error", () => {
    const { nest, lines } = logger();
    const error = new Error('database gone');
    nest.error('Unhandled', error.stack, 'ExceptionsHandler');
    nest.error(error, 'Audit');
    const [handler, thrown] = lines();
    expect(handler).toMatchObject({ level: 50, msg: 'Unhandled', context: 'ExceptionsHandler' });
    expect((handler.err as { stack: string }).stack).toContain('database gone');
    expect(thrown).toMatchObject({ level: 50, msg: 'database gone', context: 'Audit' });
    expect((thrown.err as { stack: string }).stack).toContain('at ');
  });

  it("leaves out Nest's controller headings, whose paths ignore the global prefix's exclusions", () => {
    const { nest, lines } = logger();
    nest.log('JwksController {/api/v1/.well-known}:', 'RoutesResolver');
    nest.log('Mapped {/.well-known/jwks.json, GET} route', 'RouterExplorer');
    expect(lines().map((line) => line.msg)).toEqual(['Mapped {/.well-known/jwks.json, GET} route']);
  });

  it('redacts secret fields in objects the application logs', () => {
    const { nest, lines } = logger();
    nest.log({ user: { password: 'hunter2', refreshToken: 'rt' }, msg: 'oops' }, 'Somewhere');
    const text = JSON.stringify(lines());
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('"rt"');
    expect(text).toContain('[redacted]');
  });

  it('reads as one line in the pretty format: a request, or a message with its context', () => {
    expect(
      prettyMessage({
        reqId: 'r-1',
        method: 'GET',
        route: '/api/v1/auth/me',
        status: 200,
        ms: 1.2,
        msg: 'request',
      }),
    ).toBe('GET /api/v1/auth/me 200 1.2 ms (r-1)');
    expect(prettyMessage({ reqId: 'r-2', method: 'GET', route: null, status: 404, ms: 0.4 })).toBe(
      'GET (no route) 404 0.4 ms (r-2)',
    );
    expect(prettyMessage({ msg: 'Listening', context: 'Bootstrap' })).toBe('[Bootstrap] Listening');
    expect(prettyMessage({ msg: 'plain' })).toBe('plain');
  });

  it('writes nothing below its level', () => {
    const destination = memoryDestination();
    const quiet = new PinoNestLogger(pino({ level: 'warn' }, destination.stream));
    quiet.log('not this');
    quiet.debug('nor this');
    quiet.warn('this');
    expect(destination.lines().map((line) => line.msg)).toEqual(['this']);
  });
});
