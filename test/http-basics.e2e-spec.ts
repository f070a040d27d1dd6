import { createTestApp, type TestApp } from './support/test-app';
import { FixtureModule } from './support/fixture.controller';
import { rawRequest } from './support/raw-http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('HTTP basics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [FixtureModule],
      env: { BODY_LIMIT: '2kb', CORS_ORIGINS: 'https://app.example.com' },
    });
  });
  afterAll(() => t.close());

  describe('errors share one shape', () => {
    it('answers an unknown route with 404 and the request id', async () => {
      const res = await t.http().get('/api/v1/nothing-here').expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'Cannot GET /api/v1/nothing-here',
        requestId: res.headers['x-request-id'],
      });
    });

    it('never echoes the query string of an unknown route (a mailed token stays out of the body)', async () => {
      const res = await t.http().get('/reset-passwords?token=SECRET123&x=1').expect(404);
      expect(res.body.message).toBe('Cannot GET /reset-passwords');
      expect(res.text).not.toContain('SECRET123');
    });

    it('answers a path with a malformed percent-escape with 400, without echoing the path', async () => {
      const res = await rawRequest(t, { method: 'GET', path: '/api/v1/%FF%zz-secret' });
      expect(res.status).toBe(400);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'The request URL is malformed',
        code: 'malformed_url',
        requestId: res.headers['x-request-id'],
      });
      expect(res.text).not.toContain('secret');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('answers a body over BODY_LIMIT with 413', async () => {
      const res = await t
        .http()
        .post('/api/v1/test/echo')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ name: 'x'.repeat(3000) }))
        .expect(413);
      expect(res.body).toMatchObject({
        statusCode: 413,
        error: 'Payload Too Large',
        requestId: expect.any(String),
      });
      expect(res.body.message).toMatch(/too large/i);
    });

    it.each([
      ['text/plain', 'name=alice'],
      ['application/x-www-form-urlencoded', 'name=alice'],
      ['application/xml', '<name>alice</name>'],
    ])('answers a %s body with 415', async (contentType, payload) => {
      const res = await t
        .http()
        .post('/api/v1/test/echo')
        .set('content-type', contentType)
        .send(payload)
        .expect(415);
      expect(res.body).toMatchObject({
        statusCode: 415,
        error: 'Unsupported Media Type',
        requestId: expect.any(String),
      });
    });

    it('answers malformed JSON with 400', async () => {
      const res = await t
        .http()
        .post('/api/v1/test/echo')
        .set('content-type', 'application/json')
        .send('{"name": "alice"')
        .expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        requestId: expect.any(String),
      });
      expect(res.body.message).toMatch(/JSON/);
    });

    it.each([
      ['__proto__', '{"name":"a","__proto__":{"admin":true}}'],
      ['constructor.prototype', '{"name":"a","constructor":{"prototype":{"admin":true}}}'],
    ])('refuses a body with a %s key (prototype poisoning) with 400', async (_, payload) => {
      const res = await t
        .http()
        .post('/api/v1/test/echo')
        .set('content-type', 'application/json')
        .send(payload)
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, requestId: expect.any(String) });
      expect(res.body.message).toMatch(/JSON/);
    });

    it('answers an empty JSON body with 400', async () => {
      const res = await t
        .http()
        .post('/api/v1/test/echo')
        .set('content-type', 'application/json')
        .send('')
        .expect(400);
      expect(res.body.message).toMatch(/empty/i);
    });

    it('refuses unknown fields with 400 and names them', async () => {
      const res = await t
        .http()
        .post('/api/v1/test/echo')
        .send({ name: 'alice', roles: ['admin'] })
        .expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Invalid request: roles property roles should not exist',
        requestId: res.headers['x-request-id'],
        code: 'validation_failed',
        details: [{ field: 'roles', problem: 'property roles should not exist' }],
      });
    });

    it('names every invalid field', async () => {
      const res = await t
        .http()
        .post('/api/v1/test/echo')
        .send({ name: 42, count: 99 })
        .expect(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          { field: 'name', problem: 'must be a string' },
          { field: 'count', problem: 'must not be greater than 10' },
        ]),
      );
    });

    it('refuses a JSON body that is not an object', async () => {
      const res = await t
        .http()
        .post('/api/v1/test/echo')
        .send([{ name: 'alice' }])
        .expect(400);
      expect(res.body.statusCode).toBe(400);
    });

    it('accepts a valid body', async () => {
      const res = await t
        .http()
        .post('/api/v1/test/echo')
        .send({ name: 'alice', count: 2 })
        .expect(200);
      expect(res.body).toEqual({ name: 'alice', count: 2 });
    });

    it('turns an unexpected error into a bare 500 without internals', async () => {
      const res = await t.http().get('/api/v1/test/crash').expect(500);
      expect(res.body).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Internal server error',
        requestId: res.headers['x-request-id'],
      });
      expect(res.text).not.toMatch(/hunter2|postgres:|at .*\.ts/);
    });
  });

  describe('request id', () => {
    it('generates one when the client sent none', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.headers['x-request-id']).toMatch(UUID);
    });

    it('echoes a sane one', async () => {
      const res = await t
        .http()
        .get('/api/v1/nothing')
        .set('x-request-id', 'trace-42.abc')
        .expect(404);
      expect(res.headers['x-request-id']).toBe('trace-42.abc');
      expect(res.body.requestId).toBe('trace-42.abc');
    });

    it.each([['has spaces and <html>'], ['x'.repeat(200)], ['line\\nbreak']])(
      'replaces an unsafe one (%s)',
      async (sent) => {
        const res = await t.http().get('/health/live').set('x-request-id', sent).expect(200);
        expect(res.headers['x-request-id']).toMatch(UUID);
      },
    );
  });

  describe('headers', () => {
    it('sends the security headers and no X-Powered-By', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      // JSON only: nothing to load, nothing to frame.
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });

    it('marks every API answer, errors included, as not storable', async () => {
      const ok = await t.http().post('/api/v1/test/echo').send({ name: 'a' }).expect(200);
      expect(ok.headers['cache-control']).toBe('no-store');
      const missing = await t.http().get('/api/v1/auth/nothing').expect(404);
      expect(missing.headers['cache-control']).toBe('no-store');
    });

    it.each(['/%61pi/v1/test/echo', '/api/%76%31/test/echo', '/api/v1/test/%65cho'])(
      'marks an answer on the percent-encoded path %s as not storable',
      async (path) => {
        const ok = await t.http().post(path).send({ name: 'a' }).expect(200);
        expect(ok.body).toEqual({ name: 'a' });
        expect(ok.headers['cache-control']).toBe('no-store');
      },
    );

    it('allows a configured origin with credentials', async () => {
      const res = await t
        .http()
        .options('/api/v1/test/echo')
        .set('origin', 'https://app.example.com')
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'content-type,authorization');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    });

    it('gives another origin no CORS grant', async () => {
      const res = await t
        .http()
        .options('/api/v1/test/echo')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'POST');
      // Without Access-Control-Allow-Origin the browser refuses the call.
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
