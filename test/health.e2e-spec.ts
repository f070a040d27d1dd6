import { bearer, register } from './support/accounts';
import { closedPort, TcpProxy } from './support/tcp-proxy';
import { SERVICES_MODE } from './support/services';
import { createTestApp, servicesEnv, type TestApp } from './support/test-app';
import { eventually } from './support/wait';

const describeServices = SERVICES_MODE ? describe : describe.skip;

describe('health', () => {
  describe('with every dependency up', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('is live', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('is ready, naming the mode of each dependency', async () => {
      const res = await t.http().get('/health/ready').expect(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.details).toEqual({
        database: { status: 'up', mode: SERVICES_MODE ? 'postgres' : 'embedded' },
        redis: { status: 'up', mode: SERVICES_MODE ? 'redis' : 'memory' },
      });
    });

    it('gives signed-in callers the details, and nobody else', async () => {
      await t.http().get('/api/v1/health').expect(401);
      const user = await register(t);
      const res = await t
        .http()
        .get('/api/v1/health')
        .set(...bearer(user.accessToken))
        .expect(200);
      expect(res.body.details).toEqual({
        database: {
          status: 'up',
          mode: SERVICES_MODE ? 'postgres' : 'embedded',
          latencyMs: expect.any(Number),
        },
        redis: {
          status: 'up',
          mode: SERVICES_MODE ? 'redis' : 'memory',
          latencyMs: expect.any(Number),
        },
      });
    });
  });

  describe('with Redis unreachable', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` } });
    });
    afterAll(() => t.close());

    it('still starts, and is live but not ready: 503 well within 5 s', async () => {
      await t.http().get('/health/live').expect(200);
      const started = Date.now();
      const res = await t.http().get('/health/ready').expect(503);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.body).toMatchObject({
        status: 'error',
        error: { redis: { status: 'down', mode: 'redis' } },
        info: { database: { status: 'up' } },
      });
      // The public probe says what is down, not why: no addresses or driver errors.
      expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    });
  });

  describeServices('when a dependency goes away and comes back (services)', () => {
    const redisProxy = TcpProxy.forUrl(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    const dbProxy = TcpProxy.forUrl(process.env.TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432');
    let t: TestApp;

    beforeAll(async () => {
      await redisProxy.start();
      await dbProxy.start();
      // A normal services-mode app whose traffic goes through the proxies.
      const env = await servicesEnv();
      t = await createTestApp({
        env: {
          ...env,
          DATABASE_URL: dbProxy.rewrite(env.DATABASE_URL),
          REDIS_URL: redisProxy.rewrite(env.REDIS_URL),
        },
      });
    });
    afterAll(async () => {
      await t.close();
      await redisProxy.stop();
      await dbProxy.stop();
    });

    const ready = () => t.http().get('/health/ready');

    it('answers 503 while Redis is gone and 200 once it is back, without a restart', async () => {
      await ready().expect(200);
      await redisProxy.stop();
      const down = await eventually(ready, (res) => res.status === 503);
      expect(down.status).toBe(503);
      expect(down.body.error).toEqual({ redis: { status: 'down', mode: 'redis' } });

      await redisProxy.start();
      const up = await eventually(ready, (res) => res.status === 200);
      expect(up.status).toBe(200);
    });

    it('answers 503 while PostgreSQL is gone and 200 once it is back', async () => {
      await ready().expect(200);
      await dbProxy.stop();
      const down = await eventually(ready, (res) => res.status === 503);
      expect(down.status).toBe(503);
      expect(down.body.error).toEqual({ database: { status: 'down', mode: 'postgres' } });

      await dbProxy.start();
      const up = await eventually(ready, (res) => res.status === 200);
      expect(up.status).toBe(200);
    });
  });
});
