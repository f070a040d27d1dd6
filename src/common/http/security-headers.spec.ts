import {
  API_SECURITY_HEADER_OPTIONS,
  securityHeaderSets,
  securityHeaders,
} from './security-headers';

describe('securityHeaders', () => {
  const STYLE = "'sha256-c3R5bGU='";
  const development = securityHeaderSets(false, STYLE);
  const production = securityHeaderSets(true, STYLE);

  it("is helmet's set, with this service's resource policy", () => {
    const { api, docsPlain, docsSecure, pagePlain, pageSecure } = development;
    for (const headers of [api, docsPlain, docsSecure, pagePlain, pageSecure]) {
      expect(headers['cross-origin-resource-policy']).toBe('same-site');
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(headers).not.toHaveProperty('x-powered-by');
    }
  });

  it('lets an API answer load nothing and be framed by no one', () => {
    expect(development.api['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
    expect(production.api).toEqual(development.api);
  });

  it('lets the docs pages load their own assets, upgrading to https only where it is served so', () => {
    const page = development.docsPlain['content-security-policy'];
    expect(page).toContain("default-src 'self'");
    expect(page).toContain("style-src 'self' 'unsafe-inline'");
    expect(page).toContain("frame-ancestors 'none'");
    expect(page).toContain("object-src 'none'");
    expect(page).not.toContain('upgrade-insecure-requests');
    const secure = development.docsSecure['content-security-policy'];
    expect(secure.split(';').sort()).toEqual(
      [...page.split(';'), 'upgrade-insecure-requests'].sort(),
    );
    expect(production.docsPlain['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('lets the account pages load no script and only their own style sheet, post to this origin only', () => {
    expect(development.pagePlain['content-security-policy']).toBe(
      `default-src 'none';style-src ${STYLE};form-action 'self';base-uri 'none';frame-ancestors 'none'`,
    );
    expect(development.pageSecure['content-security-policy']).toBe(
      `${development.pagePlain['content-security-policy']};upgrade-insecure-requests`,
    );
    expect(production.pagePlain).toEqual(development.pageSecure);
  });

  it('follows the options it is given (nothing is hard-coded here)', () => {
    const other = securityHeaders({
      ...API_SECURITY_HEADER_OPTIONS,
      contentSecurityPolicy: false,
      referrerPolicy: { policy: 'same-origin' },
    });
    expect(other).not.toHaveProperty('content-security-policy');
    expect(other['referrer-policy']).toBe('same-origin');
  });

  it('is frozen, so no request can change what the next one gets', () => {
    expect(Object.isFrozen(development.api)).toBe(true);
    expect(Object.isFrozen(development.docsPlain)).toBe(true);
  });
});
