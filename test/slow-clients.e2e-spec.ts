import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { createTestApp, type TestApp } from './support/test-app';
import { eventually } from './support/wait';

/** What became of one slow client: what the server sent it before the socket closed. */
interface Outcome {
  received: string;
}

/**
 * A client that announces a 100-byte body and sends 10 of them, then waits. Resolves once the
 * server has closed the socket; `open` resolves when the request has been written.
 */
function slowClient(port: number): {
  open: Promise<void>;
  closed: Promise<Outcome>;
  socket: Socket;
} {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  const open = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () =>
      socket.write(
        'POST /api/v1/auth/verify HTTP/1.1\r\nHost: localhost\r\n' +
          'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"token":"',
        () => resolve(),
      ),
    );
  });
  const closed = new Promise<Outcome>((resolve) => {
    socket.on('error', () => undefined);
    socket.once('close', () => resolve({ received }));
  });
  return { open, closed, socket };
}

/** Rejects with a clear message when the server never lets go (the old behaviour: forever). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

async function listen(t: TestApp): Promise<number> {
  await t.app.listen(0, '127.0.0.1');
  return (t.app.getHttpServer().address() as AddressInfo).port;
}

const SLOW_CLIENTS = 200;

describe('slow clients', () => {
  describe('with a 1 s request deadline', () => {
    let t: TestApp;
    let port: number;
    const clients: ReturnType<typeof slowClient>[] = [];
    beforeAll(async () => {
      // The idle timeout stays long: what cuts these sockets off must be the request deadline.
      t = await createTestApp({
        env: { HTTP_REQUEST_TIMEOUT: '1', HTTP_HEADERS_TIMEOUT: '1', HTTP_IDLE_TIMEOUT: '600' },
      });
      port = await listen(t);
    });
    afterAll(async () => {
      for (const client of clients) client.socket.destroy();
      await t.close();
    });

    it('keeps serving /health/live while slow bodies are pending, then cuts them off with 408', async () => {
      for (let i = 0; i < SLOW_CLIENTS; i++) clients.push(slowClient(port));
      await Promise.all(clients.map((client) => client.open));

      const live = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: 'ok' });

      // Generous: the deadline is 1 s; without one these sockets are held for as long as the client likes.
      const outcomes = await within(
        Promise.all(clients.map((client) => client.closed)),
        30_000,
        'closing every slow socket',
      );
      for (const outcome of outcomes) expect(outcome.received).toMatch(/^HTTP\/1\.1 408 /);

      const after = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(after.status).toBe(200);
    });
  });

  describe('at the connection cap', () => {
    let t: TestApp;
    let port: number;
    const clients: ReturnType<typeof slowClient>[] = [];
    beforeAll(async () => {
      // Long deadlines, so that the slow sockets certainly hold the cap while the test looks.
      t = await createTestApp({ env: { HTTP_MAX_CONNECTIONS: '20' } });
      port = await listen(t);
    });
    afterAll(async () => {
      for (const client of clients) client.socket.destroy();
      await t.close();
    });

    it('closes sockets past the cap at once, and serves again once the slow ones are gone', async () => {
      for (let i = 0; i < 20; i++) clients.push(slowClient(port));
      await Promise.all(clients.map((client) => client.open));

      // Past the cap a socket is closed without an answer, probes included: the documented
      // trade-off, which keeps file descriptors for PostgreSQL, Redis and SMTP; the request
      // deadline (shown above) bounds how long slow sockets can hold the cap.
      const extra = slowClient(port);
      extra.open.catch(() => undefined);
      const refused = await within(extra.closed, 30_000, 'closing the socket past the cap');
      expect(refused.received).toBe('');

      for (const client of clients) client.socket.destroy();
      await Promise.all(clients.map((client) => client.closed));
      // The server counts the closed sockets out as it gets to them: poll, with a generous bound.
      const status = await eventually(
        () =>
          fetch(`http://127.0.0.1:${port}/health/live`).then(
            (res) => res.status,
            () => 0,
          ),
        (value) => value === 200,
        { timeoutMs: 30_000 },
      );
      expect(status).toBe(200);
    });
  });
});
