import { DataSource } from 'typeorm';
import { ApiKeyUsage } from '../src/api-keys/api-key-usage';
import { formatApiKey, generateApiKey } from '../src/api-keys/api-key-format';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { bearer, login, PASSWORD, register, type SignedIn } from './support/accounts';
import { issueKey, meWithKey, withoutRequestId } from './support/api-keys';
import { SERVICES_MODE } from './support/services';
import { rawRequest } from './support/raw-http';
import { createTestApp, type TestApp } from './support/test-app';
import { eventually } from './support/wait';

const ADMIN_EMAIL = 'keys-admin@example.com';
const describeServices = SERVICES_MODE ? describe : describe.skip;

describe('API keys', () => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_EMAIL, ADMIN_PASSWORD: PASSWORD } });
    admin = await login(t, ADMIN_EMAIL);
  });
  afterAll(() => t.close());

  const adminGet = (path: string) =>
    t
      .http()
      .get(path)
      .set(...bearer(admin.accessToken));

  describe('issuing and reading', () => {
    it('creates a key that is shown once and authenticates as {type: "apiKey"}', async () => {
      const { id, key, body } = await issueKey(t, admin.accessToken, {
        name: 'Acme billing',
        scopes: ['metrics:read'],
        rateLimit: { limit: 50, ttlSeconds: 60 },
      });
      expect(key).toMatch(new RegExp(`^sk_${id}_[0-9A-Za-z]{49}$`));
      expect(body).toMatchObject({
        name: 'Acme billing',
        prefix: 'sk',
        scopes: ['metrics:read'],
        rateLimit: { limit: 50, ttlSeconds: 60 },
        status: 'active',
        expiresAt: null,
        revokedAt: null,
        createdBy: admin.userId,
      });

      const me = await meWithKey(t, key).expect(200);
      expect(me.body).toEqual({
        type: 'apiKey',
        id,
        name: 'Acme billing',
        scopes: ['metrics:read'],
      });
      expect(me.headers['ratelimit-limit']).toBe('50');
      expect(me.headers['ratelimit-remaining']).toBe('49');
    });

    it('never shows a secret or hash in the list or in one key', async () => {
      const { id, key } = await issueKey(t, admin.accessToken);
      const secret = key.split('_')[2];
      const list = await adminGet('/api/v1/admin/api-keys?limit=100').expect(200);
      const one = await adminGet(`/api/v1/admin/api-keys/${id}`).expect(200);
      expect(list.body.total).toBeGreaterThanOrEqual(1);
      expect((list.body.items as { id: string }[]).map((item) => item.id)).toContain(id);
      expect(one.body).toMatchObject({ id, status: 'active' });
      for (const text of [list.text, one.text]) {
        expect(text).not.toContain(secret);
        expect(text).not.toMatch(/"key"|secret|hash/i);
      }
    });

    it('records when a key was last used', async () => {
      const { id, key } = await issueKey(t, admin.accessToken);
      await meWithKey(t, key).expect(200);
      const seen = await eventually(
        () => adminGet(`/api/v1/admin/api-keys/${id}`),
        (res) => res.body.lastUsedAt !== null,
      );
      expect(Date.parse(seen.body.lastUsedAt as string)).toBeGreaterThan(Date.now() - 60_000);
    });

    it.each([
      [{ name: '' }, 'name'],
      [{ name: 'x', scopes: ['metrics:write'] }, 'scopes'],
      [{ name: 'x', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'x', expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ name: 'x', rateLimit: { limit: 0, ttlSeconds: 60 } }, 'rateLimit.limit'],
      [{ name: 'x', secretHash: 'mine' }, 'secretHash'],
    ])('refuses %j with 400 naming %s, and stores nothing', async (body, field) => {
      const before = await adminGet('/api/v1/admin/api-keys').expect(200);
      const res = await t
        .http()
        .post('/api/v1/admin/api-keys')
        .set(...bearer(admin.accessToken))
        .send(body)
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect((res.body.details as { field: string }[]).map((d) => d.field)).toContain(field);
      const after = await adminGet('/api/v1/admin/api-keys').expect(200);
      expect(after.body.total).toBe(before.body.total);
    });

    it('answers 404 for an unknown or impossible id', async () => {
      await adminGet(`/api/v1/admin/api-keys/${generateApiKey('sk').keyId}`).expect(404);
      const odd = await adminGet("/api/v1/admin/api-keys/'%3B--").expect(404);
      expect(odd.body.code).toBe('api_key_not_found');
    });

    it('treats a key id in another case as another, unknown key', async () => {
      // Key ids are base62: case is part of the id, so no second spelling can reach the key.
      const { id, key } = await issueKey(t, admin.accessToken, { name: 'case' });
      const swapped = [...id]
        .map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
        .join('');
      expect(swapped).not.toBe(id);
      await adminGet(`/api/v1/admin/api-keys/${swapped}`).expect(404);
      await t
        .http()
        .delete(`/api/v1/admin/api-keys/${swapped}`)
        .set(...bearer(admin.accessToken))
        .expect(404);
      await meWithKey(t, key).expect(200);
      await meWithKey(t, key.replace(id, swapped)).expect(401);
    });

    it('writes audit events without the key', async () => {
      const { id, key } = await issueKey(t, admin.accessToken, { name: 'audited' });
      await t
        .http()
        .delete(`/api/v1/admin/api-keys/${id}`)
        .set(...bearer(admin.accessToken))
        .expect(204);
      const events = await t.app
        .get(DataSource)
        .getRepository(AuditEvent)
        .find({ where: { actorId: admin.userId }, order: { createdAt: 'ASC' } });
      const mine = events.filter((event) => event.details?.keyId === id);
      expect(mine.map((event) => [event.type, event.actorType])).toEqual([
        ['api_key.created', 'user'],
        ['api_key.revoked', 'user'],
      ]);
      expect(JSON.stringify(mine)).not.toContain(key.split('_')[2]);
    });
  });

  describe('refusals', () => {
    it('answers 401 with one body for a wrong, empty, 10 KB, mistyped, revoked or forged key', async () => {
      const { id, key } = await issueKey(t, admin.accessToken);
      const revoked = await issueKey(t, admin.accessToken);
      await t
        .http()
        .delete(`/api/v1/admin/api-keys/${revoked.id}`)
        .set(...bearer(admin.accessToken))
        .expect(204);
      const last = key.at(-1) === 'a' ? 'b' : 'a';
      const candidates = [
        generateApiKey('sk').key, // well-formed, unknown id
        '',
        'k'.repeat(10_240),
        key.slice(0, -1) + last, // a typo: the checksum no longer matches
        revoked.key,
        formatApiKey('sk', id, generateApiKey('sk').secret), // right id, wrong secret
        formatApiKey('pk', id, key.split('_')[2].slice(0, 43)), // right secret, other prefix
      ];
      const bodies = [];
      for (const candidate of candidates) {
        const res = await meWithKey(t, candidate).expect(401);
        // Challenged in the scheme that was used: a key is not told about Bearer tokens.
        expect(res.headers['www-authenticate']).toBe('ApiKey realm="api", error="invalid_key"');
        bodies.push(withoutRequestId(res.body as Record<string, unknown>));
      }
      expect(bodies[0]).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'The API key is invalid, expired or revoked',
        code: 'invalid_api_key',
        requestId: 'string',
      });
      for (const body of bodies) expect(body).toEqual(bodies[0]);
      await meWithKey(t, key).expect(200);
    });

    it('refuses an expired key', async () => {
      const { key } = await issueKey(t, admin.accessToken, {
        name: 'short-lived',
        expiresAt: new Date(Date.now() + 1_500).toISOString(),
      });
      await meWithKey(t, key).expect(200);
      const later = await eventually(
        () => meWithKey(t, key),
        (res) => res.status === 401,
        { timeoutMs: 5_000 },
      );
      expect(later.status).toBe(401);
      expect(later.body.code).toBe('invalid_api_key');
    });

    it('refuses a revoked key at once; revoking twice is fine', async () => {
      const { id, key } = await issueKey(t, admin.accessToken);
      await meWithKey(t, key).expect(200); // now cached
      for (let i = 0; i < 2; i += 1) {
        await t
          .http()
          .delete(`/api/v1/admin/api-keys/${id}`)
          .set(...bearer(admin.accessToken))
          .expect(204);
      }
      await meWithKey(t, key).expect(401);
      const one = await adminGet(`/api/v1/admin/api-keys/${id}`).expect(200);
      expect(one.body.status).toBe('revoked');
    });

    it('counts refused uses per key in the audit log', async () => {
      const { id, key } = await issueKey(t, admin.accessToken);
      const wrong = formatApiKey('sk', id, generateApiKey('sk').secret);
      await meWithKey(t, wrong).expect(401);
      await meWithKey(t, wrong).expect(401);
      await t.http().get('/metrics').set('x-api-key', key).expect(403);
      await t.app.get(ApiKeyUsage).flushRefusals();
      const events = await t.app
        .get(DataSource)
        .getRepository(AuditEvent)
        .findBy({ type: 'api_key.refused', actorId: id });
      expect(events.map((event) => [event.actorType, event.details])).toEqual([
        ['api_key', { keyId: id, count: 3, bad_secret: 2, insufficient_scope: 1 }],
      ]);
    });
  });

  describe('rotation', () => {
    it('gives a new key; the old one works during the grace and is refused after it', async () => {
      const old = await issueKey(t, admin.accessToken, {
        name: 'rotating',
        scopes: ['metrics:read'],
      });
      await meWithKey(t, old.key).expect(200);
      const rotated = await t
        .http()
        .post(`/api/v1/admin/api-keys/${old.id}/rotate`)
        .set(...bearer(admin.accessToken))
        .send({ graceSeconds: 1 })
        .expect(201);
      expect(rotated.body).toMatchObject({ name: 'rotating', scopes: ['metrics:read'] });
      expect(rotated.body.id).not.toBe(old.id);
      const fresh = rotated.body.key as string;

      await meWithKey(t, old.key).expect(200);
      await meWithKey(t, fresh).expect(200);
      const previous = await adminGet(`/api/v1/admin/api-keys/${old.id}`).expect(200);
      expect(previous.body).toMatchObject({ status: 'active', replacedBy: rotated.body.id });

      const after = await eventually(
        () => meWithKey(t, old.key),
        (res) => res.status === 401,
        { timeoutMs: 5_000 },
      );
      expect(after.status).toBe(401);
      await meWithKey(t, fresh).expect(200);
    });

    it('stops the old key at once by default, and rotates a key only once', async () => {
      const old = await issueKey(t, admin.accessToken);
      await meWithKey(t, old.key).expect(200);
      const rotate = () =>
        t
          .http()
          .post(`/api/v1/admin/api-keys/${old.id}/rotate`)
          .set(...bearer(admin.accessToken));
      await rotate().expect(201);
      await meWithKey(t, old.key).expect(401);
      const again = await rotate().expect(409);
      expect(again.body.code).toBe('api_key_not_active');
    });

    it('refuses a grace over 30 days', async () => {
      const { id } = await issueKey(t, admin.accessToken);
      const res = await t
        .http()
        .post(`/api/v1/admin/api-keys/${id}/rotate`)
        .set(...bearer(admin.accessToken))
        .send({ graceSeconds: 31 * 86_400 })
        .expect(400);
      expect(res.body.details).toEqual([
        { field: 'graceSeconds', problem: 'must not be greater than 2592000' },
      ]);
    });
  });

  describe('routes and scopes', () => {
    it('reaches a scoped route only with the scope', async () => {
      const scoped = await issueKey(t, admin.accessToken, { scopes: ['metrics:read'], name: 'm' });
      const plain = await issueKey(t, admin.accessToken, { name: 'no scopes' });
      const metrics = await t.http().get('/metrics').set('x-api-key', scoped.key).expect(200);
      expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
      expect(metrics.text).toContain('auth_api_key_refusals_total');
      const refused = await t.http().get('/metrics').set('x-api-key', plain.key).expect(403);
      expect(refused.body).toMatchObject({
        code: 'insufficient_scope',
        message: 'This API key lacks the scope metrics:read',
      });
      await t.http().get('/api/v1/health').set('x-api-key', plain.key).expect(200);
    });

    it('never opens admin, session or password routes to a key', async () => {
      const { key } = await issueKey(t, admin.accessToken, { scopes: ['metrics:read'], name: 'k' });
      for (const [method, path] of [
        ['get', '/api/v1/admin/api-keys'],
        ['get', '/api/v1/admin/users'],
        ['get', '/api/v1/auth/sessions'],
        ['post', '/api/v1/auth/logout-all'],
      ] as const) {
        const res = await t.http()[method](path).set('x-api-key', key).expect(401);
        expect(res.body.message).toBe('This route does not accept API keys');
        // The one scheme these routes do accept.
        expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      }
    });

    it('refuses a user token on an admin route (403) and both credentials at once (400)', async () => {
      const user = await register(t);
      const { key } = await issueKey(t, admin.accessToken);
      await t
        .http()
        .get('/api/v1/admin/api-keys')
        .set(...bearer(user.accessToken))
        .expect(403);
      const both = await t
        .http()
        .get('/api/v1/auth/me')
        .set(...bearer(user.accessToken))
        .set('x-api-key', key)
        .expect(400);
      expect(both.body.code).toBe('ambiguous_credentials');
    });

    it('challenges a key without the scope in its own scheme', async () => {
      const plain = await issueKey(t, admin.accessToken, { name: 'no scopes' });
      const refused = await t.http().get('/metrics').set('x-api-key', plain.key).expect(403);
      expect(refused.headers['www-authenticate']).toBe(
        'ApiKey realm="api", error="insufficient_scope"',
      );
    });

    it('offers both schemes when a route that takes keys gets no credential', async () => {
      const res = await t.http().get('/api/v1/auth/me').expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", ApiKey realm="api"');
      expect(res.body).toMatchObject({ code: 'missing_credentials' });
      const userOnly = await t.http().get('/api/v1/auth/sessions').expect(401);
      expect(userOnly.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it('refuses a valid key sent twice with 400, and does not count a use of it', async () => {
      const { id, key } = await issueKey(t, admin.accessToken, { name: 'twice' });
      for (const keys of [
        [key, key],
        [key, 'sk_x_y'],
      ]) {
        const res = await rawRequest(t, {
          method: 'GET',
          path: '/api/v1/auth/me',
          headers: { 'x-api-key': keys },
        });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({
          code: 'duplicate_credentials',
          message: 'Send the X-API-Key header once, not several times',
        });
        expect(res.headers['ratelimit-limit']).toBeUndefined();
      }
      const one = await meWithKey(t, key).expect(200);
      expect(one.body).toMatchObject({ id });
      // The key's budget saw only the request that sent it once.
      expect(
        Number(one.headers['ratelimit-limit']) - Number(one.headers['ratelimit-remaining']),
      ).toBe(1);
    });

    it('ignores a key in the query string', async () => {
      const { key } = await issueKey(t, admin.accessToken);
      for (const name of ['api_key', 'apiKey', 'x-api-key']) {
        const res = await t.http().get(`/api/v1/auth/me?${name}=${key}`).expect(401);
        expect(res.body.code).toBe('missing_credentials');
      }
    });
  });

  describe('rate limit', () => {
    it("answers 429 with Retry-After past the key's own limit, for that key only", async () => {
      const limited = await issueKey(t, admin.accessToken, {
        name: 'limited',
        rateLimit: { limit: 3, ttlSeconds: 30 },
      });
      const other = await issueKey(t, admin.accessToken, { name: 'default limit' });
      for (let i = 0; i < 3; i += 1) await meWithKey(t, limited.key).expect(200);
      const refused = await meWithKey(t, limited.key).expect(429);
      expect(refused.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(30);
      expect(refused.headers['ratelimit-limit']).toBe('3');
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      const fine = await meWithKey(t, other.key).expect(200);
      expect(fine.headers['ratelimit-limit']).toBe('1000');
    });
  });
});

describeServices('API keys across instances sharing Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    a = await createTestApp({ env: { ADMIN_EMAIL, ADMIN_PASSWORD: PASSWORD } });
    b = await createTestApp({ env: a.env });
    admin = await login(a, ADMIN_EMAIL);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a key revoked on one instance is refused by the other within 1 s', async () => {
    const { id, key } = await issueKey(a, admin.accessToken);
    await meWithKey(b, key).expect(200); // cached on b
    await a
      .http()
      .delete(`/api/v1/admin/api-keys/${id}`)
      .set(...bearer(admin.accessToken))
      .expect(204);
    const revokedAt = Date.now();
    const res = await eventually(
      () => meWithKey(b, key),
      (r) => r.status === 401,
      { timeoutMs: 1_000, intervalMs: 20 },
    );
    expect(res.status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  });

  it('a rotated key with no grace is refused by the other instance within 1 s', async () => {
    const { id, key } = await issueKey(a, admin.accessToken);
    await meWithKey(b, key).expect(200);
    const rotated = await a
      .http()
      .post(`/api/v1/admin/api-keys/${id}/rotate`)
      .set(...bearer(admin.accessToken))
      .expect(201);
    const res = await eventually(
      () => meWithKey(b, key),
      (r) => r.status === 401,
      { timeoutMs: 1_000, intervalMs: 20 },
    );
    expect(res.status).toBe(401);
    await meWithKey(b, rotated.body.key as string).expect(200);
  });

  it('shares the per-key rate limit between instances', async () => {
    const { key } = await issueKey(a, admin.accessToken, {
      name: 'shared limit',
      rateLimit: { limit: 4, ttlSeconds: 30 },
    });
    await meWithKey(a, key).expect(200);
    await meWithKey(b, key).expect(200);
    await meWithKey(a, key).expect(200);
    await meWithKey(b, key).expect(200);
    await meWithKey(a, key).expect(429);
    await meWithKey(b, key).expect(429);
  });
});
