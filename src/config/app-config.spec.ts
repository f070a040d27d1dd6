import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { ConfigError } from './config.error';
import { EnvReader } from './env-reader';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://auth:pw@db:5432/auth',
  REDIS_URL: 'redis://redis:6379',
  JWT_KEYS_DIR: '/run/secrets/jwt',
  API_KEY_PEPPER: 'k3Jd8s0Qm2Lx9Vb7Nc4Zp1Wt6Yr5Ue0Ha8Gf3Dq2',
  TOKEN_SECRET: 'Qz7Rt2Lp9Xk4Vm8Nb3Cw6Yd1Hs5Fj0Ga7Ue2Ko4',
  SMTP_URL: 'smtp://mail:587?requireTLS=true',
  APP_URL: 'https://auth.example.com',
};

const broad = (entry: string) =>
  `trusts more addresses than any proxy fleet has (wider than /${entry.includes(':') ? 32 : 8} outside private ranges), so clients there could forge X-Forwarded-For: name the proxies or a narrower range`;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('runs on its defaults with nothing set (embedded mode)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      database: { url: undefined, embeddedDataDir: '.data/pglite', migrationsRun: true },
      redis: { url: undefined, keyPrefix: 'auth:' },
      jwt: { accessTokenTtl: 900 },
      refresh: { ttl: 604800, reuseGrace: 10, transport: 'both' },
      passwords: { bcryptRounds: 12 },
      apiKeys: { prefix: 'sk' },
      http: {
        bodyLimit: 16384,
        trustProxy: false,
        corsOrigins: [],
        cookieSecure: true,
        docsEnabled: true,
        timeouts: { request: 30, headers: 10, idle: 60, keepAlive: 5 },
        maxConnections: 10_000,
      },
      audit: { queueLimit: 10_000 },
      throttle: {
        loginLimit: 5,
        loginTtl: 900,
        loginEmailLimit: 20,
        loginIpLimit: 100,
        authLimit: 20,
        forgotLimit: 5,
        forgotIpLimit: 20,
        forgotCooldown: 120,
        loginDeviceLimit: 10,
        passwordChangeLimit: 5,
        passwordChangeTtl: 900,
      },
      loginDelay: { after: 3, baseMs: 250, maxMs: 5000 },
      mail: { requireEmailVerification: false, appUrl: 'http://localhost:3000' },
    });
  });

  it("points the mailed links at the service's own port unless APP_URL says otherwise", () => {
    expect(loadConfig({ PORT: '8080' }).mail.appUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PORT: '8080', APP_URL: '' }).mail.appUrl).toBe('http://localhost:8080');
    expect(
      loadConfig({ PORT: '8080', APP_URL: 'https://app.example.com/account' }).mail.appUrl,
    ).toBe('https://app.example.com/account');
  });

  it('reads typed values', () => {
    const config = loadConfig({
      PORT: '8080',
      BODY_LIMIT: '32kb',
      TRUST_PROXY: '10.0.0.0/8, 192.168.1.1, fc00::/7, 203.0.113.0/24',
      CORS_ORIGINS: 'https://app.example.com,http://localhost:5173',
      COOKIE_SECURE: 'false',
      REFRESH_TOKEN_TRANSPORT: 'cookie',
    });
    expect(config.port).toBe(8080);
    expect(config.http.bodyLimit).toBe(32 * 1024);
    expect(config.http.trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.1',
      'fc00::/7',
      '203.0.113.0/24',
    ]);
    expect(config.http.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(config.http.cookieSecure).toBe(false);
    expect(config.refresh.transport).toBe('cookie');
  });

  it('accepts a hop count for TRUST_PROXY', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).http.trustProxy).toBe(1);
  });

  it.each([
    ['PORT', 'eighty', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be at most 65535/],
    ['ACCESS_TOKEN_TTL', '0', /ACCESS_TOKEN_TTL must be at least 1/],
    ['BCRYPT_ROUNDS', '3', /BCRYPT_ROUNDS must be at least 4/],
    ['COOKIE_SECURE', 'maybe', /COOKIE_SECURE must be true or false/],
    [
      'REFRESH_TOKEN_TRANSPORT',
      'carrier-pigeon',
      /REFRESH_TOKEN_TRANSPORT must be one of both, cookie, body/,
    ],
    [
      'DATABASE_URL',
      'mysql://db/auth',
      /DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\//,
    ],
    ['REDIS_URL', 'not a url', /REDIS_URL must be a URL/],
    ['BODY_LIMIT', 'lots', /BODY_LIMIT must be a size/],
    ['CORS_ORIGINS', '*', /CORS_ORIGINS must list exact origins/],
    [
      'CORS_ORIGINS',
      'https://app.example.com/',
      /CORS_ORIGINS "https:\/\/app.example.com\/" is not an origin/,
    ],
    ['TRUST_PROXY', 'true', /TRUST_PROXY must name the proxies to trust/],
    ['TRUST_PROXY', 'proxy.internal', /TRUST_PROXY "proxy.internal" is not an IP address/],
    [
      'TRUST_PROXY',
      '0.0.0.0/0',
      /TRUST_PROXY "0.0.0.0\/0" is a \/0 range: it trusts every address/,
    ],
    ['TRUST_PROXY', '::/0', /TRUST_PROXY "::\/0" is a \/0 range/],
    ['TRUST_PROXY', '0.0.0.0/1', /TRUST_PROXY "0.0.0.0\/1" trusts more addresses/],
    ['TRUST_PROXY', '2000::/3', /TRUST_PROXY "2000::\/3" trusts more addresses/],
    ['TRUST_PROXY', '128.0.0.0/2', /TRUST_PROXY "128.0.0.0\/2" trusts more addresses/],
    ['TRUST_PROXY', '10.0.0.0/33', /TRUST_PROXY "10.0.0.0\/33" has a prefix longer than \/32/],
    ['HTTP_REQUEST_TIMEOUT', '0', /HTTP_REQUEST_TIMEOUT must be at least 1/],
    [
      'HTTP_HEADERS_TIMEOUT',
      '60',
      /HTTP_HEADERS_TIMEOUT must not be larger than HTTP_REQUEST_TIMEOUT/,
    ],
    ['HTTP_MAX_CONNECTIONS', '0', /HTTP_MAX_CONNECTIONS must be at least 1/],
    ['AUDIT_QUEUE_LIMIT', 'many', /AUDIT_QUEUE_LIMIT must be a whole number/],
    ['API_KEY_PREFIX', 'SK-', /API_KEY_PREFIX must be 2 to 16 lower-case letters/],
    ['API_KEY_PEPPER', 'short', /API_KEY_PEPPER must be at least 32 characters/],
    ['TOKEN_SECRET', 'short', /TOKEN_SECRET must be at least 32 characters/],
    ['ADMIN_EMAIL', 'admin@example.com', /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['THROTTLE_FORGOT_COOLDOWN', '600', /THROTTLE_FORGOT_COOLDOWN must be at most 120/],
    ['THROTTLE_PASSWORD_CHANGE_LIMIT', '0', /THROTTLE_PASSWORD_CHANGE_LIMIT must be at least 1/],
  ])('stops on a bad %s (%s) with a message naming it', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'x', BCRYPT_ROUNDS: '99', LOG_LEVEL: 'loud' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/PORT[\s\S]*LOG_LEVEL[\s\S]*BCRYPT_ROUNDS/);
  });

  it('reads exactly the variables that .env.example documents', () => {
    const reader = new EnvReader({});
    loadConfig({}, reader);
    const documented = readFileSync(join(__dirname, '../../.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => line.slice(0, line.indexOf('=')));
    expect([...reader.names].sort()).toEqual([...new Set(documented)].sort());
  });

  it('points at .env.example in its message', () => {
    expect(() => loadConfig({ PORT: 'x' })).toThrow(/See \.env\.example/);
  });

  describe('in production', () => {
    it('starts with everything production needs', () => {
      const config = loadConfig(PRODUCTION);
      expect(config.isProduction).toBe(true);
      expect(config.http.docsEnabled).toBe(false);
    });

    it.each(['DATABASE_URL', 'REDIS_URL', 'API_KEY_PEPPER', 'TOKEN_SECRET', 'SMTP_URL', 'APP_URL'])(
      'refuses to run without %s (no embedded mode, no links to this machine)',
      (name) => {
        const env: Record<string, string> = { ...PRODUCTION };
        delete env[name];
        expect(problemsOf(env)).toEqual([
          expect.stringMatching(new RegExp(`^${name} is required when NODE_ENV=production`)),
        ]);
      },
    );

    it('refuses generated signing keys', () => {
      const env: Record<string, string> = { ...PRODUCTION };
      delete env.JWT_KEYS_DIR;
      expect(problemsOf(env)).toEqual([
        expect.stringMatching(/JWT_PRIVATE_KEYS or JWT_KEYS_DIR is required/),
      ]);
    });

    it.each([
      ['API_KEY_PEPPER', 'change-me-change-me-change-me-change-me'],
      ['TOKEN_SECRET', 'replace-me-replace-me-replace-me-replace-me'],
      ['ADMIN_PASSWORD', 'changeme'],
    ])('refuses a placeholder %s', (name, value) => {
      const env = {
        ...PRODUCTION,
        [name]: value,
        ...(name === 'ADMIN_PASSWORD' && { ADMIN_EMAIL: 'admin@example.com' }),
      };
      expect(problemsOf(env)).toEqual([`${name} still holds a placeholder value`]);
    });

    it.each([
      ['API_KEY_PEPPER', 'a'.repeat(32)],
      ['API_KEY_PEPPER', 'abcdabcdabcdabcdabcdabcdabcdabcd'],
      ['TOKEN_SECRET', 'password'.repeat(4)],
      ['TOKEN_SECRET', 'abcdefghijklmnopqrstuvwxyz012345'],
      ['API_KEY_PEPPER', '0123456789abcdef'.repeat(2)],
      ['API_KEY_PEPPER', `Zq3${'9876543210'}Lm7Rt2Kp8Vx4Nw6Yb1Hc5Fd0`],
    ])('refuses a %s that does not look random (%s)', (name, value) => {
      expect(problemsOf({ ...PRODUCTION, [name]: value })).toEqual([
        expect.stringMatching(new RegExp(`^${name} does not look random`)),
      ]);
    });

    it('accepts a random secret that happens to hold xxxx, and refuses one made of x placeholders', () => {
      const random = randomBytes(48).toString('base64');
      const lucky = `${random.slice(0, 20)}xXxx${random.slice(24)}`;
      expect(loadConfig({ ...PRODUCTION, API_KEY_PEPPER: lucky }).isProduction).toBe(true);
      for (const placeholder of ['xxxx-xxxx-xxxx-xxxx-xxxx-xxxx-xxxx-xx', 'x'.repeat(64)]) {
        expect(problemsOf({ ...PRODUCTION, TOKEN_SECRET: placeholder })).toContain(
          'TOKEN_SECRET still holds a placeholder value',
        );
      }
    });

    it('accepts secrets made the documented way (openssl rand -base64 48 / -hex 32)', () => {
      for (let i = 0; i < 200; i++) {
        const env = {
          ...PRODUCTION,
          API_KEY_PEPPER: randomBytes(48).toString('base64'),
          TOKEN_SECRET: randomBytes(32).toString('hex'),
        };
        expect(loadConfig(env).isProduction).toBe(true);
      }
    });

    it('refuses a placeholder PEM but not a real key whose base64 happens to hold xxxx', () => {
      const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      const lines = pem.split('\n');
      lines[3] = `xxxx${lines[3].slice(4)}`;
      const unlucky = lines.join('\n');
      expect(
        loadConfig({ ...PRODUCTION, JWT_KEYS_DIR: '', JWT_PRIVATE_KEYS: unlucky }).jwt.privateKeys,
      ).toBe(unlucky.trim());
      const placeholder = '-----BEGIN PRIVATE KEY-----\nchange-me\n-----END PRIVATE KEY-----';
      for (const value of [placeholder, 'xxxx']) {
        expect(problemsOf({ ...PRODUCTION, JWT_KEYS_DIR: '', JWT_PRIVATE_KEYS: value })).toEqual([
          'JWT_PRIVATE_KEYS still holds a placeholder value',
        ]);
      }
    });

    it.each([
      Array.from({ length: 256 }, (_, octet) => `${octet}.0.0.0/8`).join(','),
      '::ffff:0:0/96',
    ])('refuses TRUST_PROXY ranges that together cover every address (%s)', (value) => {
      expect(problemsOf({ ...PRODUCTION, TRUST_PROXY: value })).toEqual([
        expect.stringMatching(/^TRUST_PROXY trusts every address/),
      ]);
    });

    it.each(['0.0.0.0/1,128.0.0.0/1', '0.0.0.0/1, 128.0.0.0/2, 192.0.0.0/2', '::/1,8000::/1'])(
      'refuses every too-broad range of %s by name',
      (value) => {
        const entries = value.split(',').map((entry) => entry.trim());
        expect(problemsOf({ ...PRODUCTION, TRUST_PROXY: value })).toEqual(
          entries.map((entry) => `TRUST_PROXY "${entry}" ${broad(entry)}`),
        );
      },
    );

    it.each([
      ['smtp://mail:587', false],
      ['smtp://mail:587?requireTLS=false', false],
      ['smtp://mail:587?requireTLS=true&ignoreTLS=true', false],
      ['smtps://mail:465?ignoreTLS=true', true],
      ['smtps://mail:465', true],
      ['smtp://mail:587?requireTLS=true', true],
    ])('demands TLS for SMTP_URL=%s: accepted %s', (url, accepted) => {
      const env = { ...PRODUCTION, SMTP_URL: url };
      if (accepted) expect(loadConfig(env).mail.smtpUrl).toBe(url);
      else
        expect(problemsOf(env)).toEqual([
          expect.stringMatching(/^SMTP_URL must use TLS when NODE_ENV=production/),
        ]);
    });

    it('accepts a plaintext SMTP relay only when SMTP_ALLOW_PLAINTEXT=true says so', () => {
      const env = { ...PRODUCTION, SMTP_URL: 'smtp://localhost:25', SMTP_ALLOW_PLAINTEXT: 'true' };
      expect(loadConfig(env).mail.smtpAllowPlaintext).toBe(true);
    });

    it('refuses cookies without Secure', () => {
      expect(problemsOf({ ...PRODUCTION, COOKIE_SECURE: 'false' })).toEqual([
        expect.stringMatching(/^COOKIE_SECURE must stay true/),
      ]);
    });
  });
});
