import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body, or undefined when the answer is not JSON. */
  body: unknown;
}

export interface RawRequest {
  method: string;
  path: string;
  /** An array value sends the header once per element (duplicate headers). */
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
}

/**
 * A request over a real socket with exactly the bytes given: supertest would serialise a Buffer
 * as JSON, and cannot send the same header twice or a path it has not normalised.
 */
export async function rawRequest(t: TestApp, req: RawRequest): Promise<RawAnswer> {
  const server: Server = t.app.getHttpServer();
  if (!server.listening) await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return new Promise<RawAnswer>((resolve, reject) => {
    const outgoing = httpRequest(
      // A socket of its own: a kept-alive one may be closed by the server as it is reused.
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.path,
        // Node frames a GET or DELETE body with neither length nor chunks unless told.
        headers:
          req.body === undefined
            ? req.headers
            : { 'content-length': String(Buffer.byteLength(req.body)), ...req.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
