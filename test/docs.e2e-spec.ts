import { createTestApp, type TestApp } from './support/test-app';

describe('API documentation', () => {
  describe('enabled (the default outside production)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('serves Swagger UI at /docs', async () => {
      const res = await t.http().get('/docs').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('swagger-ui');
    });

    it('lets the page load its own assets over plain http, without upgrading them to https', async () => {
      for (const path of ['/docs', '/docs/swagger-ui.css']) {
        const res = await t.http().get(path).expect(200);
        const csp = res.headers['content-security-policy'];
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("style-src 'self' 'unsafe-inline'");
        // Over http on a LAN address or in a container the browser would fetch nothing.
        expect(csp).not.toContain('upgrade-insecure-requests');
      }
    });

    it('upgrades its assets to https where the page is served over https', async () => {
      const proxied = await createTestApp({
        env: { TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1' },
      });
      try {
        const secure = await proxied
          .http()
          .get('/docs')
          .set('x-forwarded-proto', 'https')
          .expect(200);
        expect(secure.headers['content-security-policy']).toContain('upgrade-insecure-requests');
        const plain = await proxied
          .http()
          .get('/docs')
          .set('x-forwarded-proto', 'http')
          .expect(200);
        expect(plain.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      } finally {
        await proxied.close();
      }
    });

    it('serves an OpenAPI 3 document that declares both security schemes', async () => {
      const res = await t.http().get('/docs/openapi.json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(res.body.components.securitySchemes).toEqual({
        bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
        apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
      });
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining(['/health/live', '/health/ready', '/api/v1/auth/login']),
      );
      // Error answers are documented with their shape, and protected routes with their schemes.
      const register = res.body.paths['/api/v1/auth/register'].post;
      expect(register.responses['409'].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/ErrorResponse',
      });
      expect(res.body.paths['/api/v1/auth/me'].get.security).toEqual(
        expect.arrayContaining([{ bearer: [] }, { apiKey: [] }]),
      );
    });
  });

  describe('disabled', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ env: { DOCS_ENABLED: 'false' } });
    });
    afterAll(() => t.close());

    it('answers 404 for the UI and the document', async () => {
      await t.http().get('/docs').expect(404);
      await t.http().get('/docs/openapi.json').expect(404);
    });
  });
});
