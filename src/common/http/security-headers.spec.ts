import { SECURITY_HEADER_OPTIONS, securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  const headers = securityHeaders(SECURITY_HEADER_OPTIONS);

  it("is helmet's set, with this service's CSP and resource policy", () => {
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("object-src 'none'");
    expect(headers['cross-origin-resource-policy']).toBe('same-site');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers).not.toHaveProperty('x-powered-by');
  });

  it('follows the options it is given (nothing is hard-coded here)', () => {
    const other = securityHeaders({
      contentSecurityPolicy: false,
      referrerPolicy: { policy: 'same-origin' },
    });
    expect(other).not.toHaveProperty('content-security-policy');
    expect(other['referrer-policy']).toBe('same-origin');
  });

  it('is frozen, so no request can change what the next one gets', () => {
    expect(Object.isFrozen(headers)).toBe(true);
  });
});
