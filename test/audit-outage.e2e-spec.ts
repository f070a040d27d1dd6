import { DataSource, In } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { AuditService } from '../src/audit/audit.service';
import { MetricsService } from '../src/common/metrics/metrics.service';
import { bearer, login, register } from './support/accounts';
import { SERVICES_MODE } from './support/services';
import { TcpProxy } from './support/tcp-proxy';
import { createTestApp, servicesEnv, type TestApp } from './support/test-app';
import { eventually } from './support/wait';

// PostgreSQL is cut with a TCP proxy in front of the real server; the embedded database has no
// such seam, and the queue itself is covered in both modes by src/audit/audit-backlog.spec.ts.
const describeServices = SERVICES_MODE ? describe : describe.skip;

/** The sign-out events of these users, oldest first. */
function signOutsOf(t: TestApp, userIds: string[]): Promise<AuditEvent[]> {
  return t.app
    .get(DataSource)
    .getRepository(AuditEvent)
    .find({
      where: { userId: In(userIds), type: In(['logout', 'logout.all']) },
      order: { createdAt: 'ASC' },
    });
}

describeServices('audit events while PostgreSQL is down (services)', () => {
  const dbProxy = TcpProxy.forUrl(process.env.TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432');
  let t: TestApp;

  beforeAll(async () => {
    await dbProxy.start();
    const env = await servicesEnv();
    t = await createTestApp({ env: { ...env, DATABASE_URL: dbProxy.rewrite(env.DATABASE_URL) } });
  });
  afterAll(async () => {
    await t.close();
    await dbProxy.stop();
  });

  it('queues what happens during the outage and writes it, in order, once it is back', async () => {
    const user = await register(t);
    const second = await login(t, user.email);
    const third = await login(t, user.email);

    await dbProxy.stop();
    // Sign-outs need only Redis, so they still succeed while their audit events cannot be written.
    await t
      .http()
      .post('/api/v1/auth/logout')
      .send({ refreshToken: user.refreshToken })
      .expect(204);
    await t
      .http()
      .post('/api/v1/auth/logout')
      .set(...bearer(second.accessToken))
      .expect(204);
    await t
      .http()
      .post('/api/v1/auth/logout-all')
      .set(...bearer(third.accessToken))
      .expect(204);
    expect(t.app.get(AuditService).queued).toBe(3);

    await dbProxy.start();
    // Written by the background retry (at most 10 s apart), not by anything this test does.
    const events = await eventually(
      () => signOutsOf(t, [user.userId]),
      (rows) => rows.length >= 3,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(events.map((event) => event.type)).toEqual(['logout', 'logout', 'logout.all']);
    for (const event of events) {
      expect(event).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/) });
      expect(event.requestId).toEqual(expect.any(String));
    }
    expect(t.app.get(AuditService).queued).toBe(0);

    const metrics = await t.app.get(MetricsService).render();
    expect(metrics).toMatch(/^auth_audit_events_dropped_total\{reason="queue_full"\} 0$/m);
    expect(metrics).toMatch(/^auth_audit_events_queued 0$/m);
  });
});

describeServices('audit events past the queue limit (services)', () => {
  const dbProxy = TcpProxy.forUrl(process.env.TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432');
  let t: TestApp;

  beforeAll(async () => {
    await dbProxy.start();
    const env = await servicesEnv();
    t = await createTestApp({
      env: { ...env, DATABASE_URL: dbProxy.rewrite(env.DATABASE_URL), AUDIT_QUEUE_LIMIT: '2' },
    });
  });
  afterAll(async () => {
    await t.close();
    await dbProxy.stop();
  });

  it('keeps the oldest, counts the rest in a metric, and writes the kept ones once back', async () => {
    const users = [await register(t), await register(t), await register(t)];

    await dbProxy.stop();
    for (const user of users) {
      await t
        .http()
        .post('/api/v1/auth/logout')
        .send({ refreshToken: user.refreshToken })
        .expect(204);
    }
    const metrics = await t.app.get(MetricsService).render();
    expect(metrics).toMatch(/^auth_audit_events_dropped_total\{reason="queue_full"\} 1$/m);
    expect(metrics).toMatch(/^auth_audit_events_queued 2$/m);

    await dbProxy.start();
    const written = await eventually(
      () =>
        signOutsOf(
          t,
          users.map((user) => user.userId),
        ),
      (rows) => rows.length >= 2,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(written.map((event) => event.userId)).toEqual([users[0].userId, users[1].userId]);
  });
});
