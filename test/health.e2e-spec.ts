import { bearer, login, PASSWORD, register } from './support/accounts';
import { issueKey } from './support/api-keys';
import { closedPort, TcpProxy } from './support/tcp-proxy';
import { SERVICES_MODE } from './support/services';
import { createTestApp, servicesEnv, type TestApp } from './support/test-app';
import { eventually } from './support/wait';

const describeServices = SERVICES_MODE ? describe : describe.skip;
const ADMIN_EMAIL = 'health-admin@example.com';

describe('health', () => {
  describe('with every dependency up', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { ADMIN_EMAIL, ADMIN_PASSWORD: PASSWORD } });
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

    it('asks for a credential', async () => {
      await t.http().get('/api/v1/health').expect(401);
    });

    // Latency and failure reasons (driver messages with addresses and ports) are details.
    const summary = {
      database: { status: 'up', mode: SERVICES_MODE ? 'postgres' : 'embedded' },
      redis: { status: 'up', mode: SERVICES_MODE ? 'redis' : 'memory' },
    };
    const detailed = {
      database: { ...summary.database, latencyMs: expect.any(Number) },
      redis: { ...summary.redis, latencyMs: expect.any(Number) },
    };

    it.each([
      ['a signed-in user', 'user', summary],
      ['an admin', 'admin', detailed],
      ['an API key without scopes', 'key', summary],
      ['an API key with metrics:read only', 'metrics-key', summary],
      ['an API key with health:read', 'health-key', detailed],
    ] as const)('shows %s the details it may see', async (_label, caller, expected) => {
      const res = await t
        .http()
        .get('/api/v1/health')
        .set(...(await credentialOf(caller)))
        .expect(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.details).toEqual(expected);
    });

    async function credentialOf(caller: string): Promise<[string, string]> {
      if (caller === 'user') return bearer((await register(t)).accessToken);
      const admin = await login(t, ADMIN_EMAIL);
      if (caller === 'admin') return bearer(admin.accessToken);
      const scopes = { key: [], 'metrics-key': ['metrics:read'], 'health-key': ['health:read'] }[
        caller
      ];
      const { key } = await issueKey(t, admin.accessToken, { name: caller, scopes });
      return ['x-api-key', key];
    }
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
          ADMIN_EMAIL,
          ADMIN_PASSWORD: PASSWORD,
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

    it('names why PostgreSQL is down to an admin only', async () => {
      const user = await register(t);
      const admin = await login(t, ADMIN_EMAIL);
      const details = (token: string) =>
        t
          .http()
          .get('/api/v1/health')
          .set(...bearer(token));
      await dbProxy.stop();
      try {
        const asAdmin = await eventually(
          () => details(admin.accessToken),
          (res) => res.status === 503,
        );
        expect(asAdmin.status).toBe(503);
        expect(asAdmin.body.error.database).toEqual({
          status: 'down',
          mode: 'postgres',
          error: expect.any(String),
        });
        const asUser = await details(user.accessToken).expect(503);
        expect(asUser.body.error).toEqual({ database: { status: 'down', mode: 'postgres' } });
        expect(asUser.text).not.toContain(String(asAdmin.body.error.database.error));
      } finally {
        await dbProxy.start();
      }
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
