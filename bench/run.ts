/**
 * npm run bench: speed goals as ratios against a baseline measured in the same run, on this
 * machine, never as absolute numbers. Requests go through the whole app in process (Fastify's
 * inject: routing, guard, handler, serialization), on the embedded defaults.
 *
 *   baseline      GET /health/live             no authentication at all
 *   cached token  POST /auth/verify, one token  verified-token cache hit + revocation check
 *   fresh tokens  POST /auth/verify, new token  RSA signature verification + revocation check
 *   api key       GET /auth/me, X-API-Key        key cache hit, keyed-hash compare, per-key limit
 *
 * The brute-force limits are lifted here: they would answer 429 long before the end of a run.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/app.setup';
import { createFastifyAdapter } from '../src/http-server';
import { loadConfig } from '../src/config/app-config';
import { AccessTokenIssuer } from '../src/tokens/access-token.issuer';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3_000);

async function rate(label: string, request: (i: number) => Promise<number>): Promise<number> {
  for (let i = 0; i < 200; i += 1) await request(-1 - i); // warm-up
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < DURATION_MS) {
    const status = await request(count);
    if (status !== 200) throw new Error(`${label}: unexpected status ${status}`);
    count += 1;
  }
  const perSecond = (count * 1000) / (performance.now() - started);
  process.stdout.write(`${label.padEnd(14)} ${perSecond.toFixed(0).padStart(7)} requests/s\n`);
  return perSecond;
}

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    BCRYPT_ROUNDS: '4',
    PGLITE_DATA_DIR: 'memory://',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-')),
    THROTTLE_AUTH_LIMIT: '100000000',
    THROTTLE_SIGNED_IN_LIMIT: '100000000',
    ADMIN_EMAIL: 'bench-admin@example.com',
    ADMIN_PASSWORD: 'correct horse battery staple',
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config)],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(config),
    { bodyParser: false },
  );
  await configureApp(app, config);
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();

  const registered = await fastify.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email: 'bench@example.com', password: 'correct horse battery staple' },
  });
  const { accessToken, user } = registered.json<{ accessToken: string; user: { id: string } }>();
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as {
    sid: string;
  };
  const sessionId = claims.sid;
  const issuer = app.get(AccessTokenIssuer);

  const verify = async (token: string) =>
    (await fastify.inject({ method: 'POST', url: '/api/v1/auth/verify', payload: { token } }))
      .statusCode;

  const baseline = await rate(
    'baseline',
    async () => (await fastify.inject({ method: 'GET', url: '/health/live' })).statusCode,
  );
  const cached = await rate('cached token', () => verify(accessToken));
  // Signed ahead of time, so that the timing covers verification only; each is seen once.
  const tokens = Array.from(
    { length: 6_000 },
    () => issuer.issue({ userId: user.id, sessionId, roles: ['user'] }).token,
  );
  const fresh = await rate('fresh tokens', (i) =>
    verify(tokens[(i + tokens.length) % tokens.length]),
  );

  const adminLogin = await fastify.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'bench-admin@example.com', password: 'correct horse battery staple' },
  });
  const issued = await fastify.inject({
    method: 'POST',
    url: '/api/v1/admin/api-keys',
    headers: { authorization: `Bearer ${adminLogin.json<{ accessToken: string }>().accessToken}` },
    payload: { name: 'bench', rateLimit: { limit: 1_000_000, ttlSeconds: 86_400 } },
  });
  const apiKey = issued.json<{ key: string }>().key;
  const withKey = await rate(
    'api key',
    async () =>
      (
        await fastify.inject({
          method: 'GET',
          url: '/api/v1/auth/me',
          headers: { 'x-api-key': apiKey },
        })
      ).statusCode,
  );

  process.stdout.write(
    `\ncached token / baseline: ${(cached / baseline).toFixed(2)}   fresh tokens / baseline: ${(fresh / baseline).toFixed(2)}` +
      `   cache speed-up: ${(cached / fresh).toFixed(2)}x   api key / baseline: ${(withKey / baseline).toFixed(2)}\n`,
  );
  await app.close();
}

void main();
