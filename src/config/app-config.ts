import { ConfigError } from './config.error';
import { EnvReader } from './env-reader';
import { checkProductionRules } from './production-rules';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const REFRESH_TRANSPORTS = ['both', 'cookie', 'body'] as const;

export type NodeEnv = (typeof NODE_ENVS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type RefreshTransport = (typeof REFRESH_TRANSPORTS)[number];

/** The value of PGLITE_DATA_DIR that keeps the embedded database in memory (tests). */
export const IN_MEMORY = 'memory://';

/** One typed configuration, read once at boot. Times are seconds unless the name says otherwise. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  host: string;
  port: number;
  logLevel: LogLevel;
  /** JSON lines, or pino-pretty's readable lines (the default in development). */
  logFormat: LogFormat;
  http: {
    bodyLimit: number;
    trustProxy: false | number | string[];
    corsOrigins: string[];
    cookieSecure: boolean;
    docsEnabled: boolean;
    /** Limits that keep slow or idle clients from holding sockets (see http-server.ts). */
    timeouts: {
      /** Seconds for a whole request, headers and body, to arrive. */
      request: number;
      /** Seconds for the request headers to arrive. */
      headers: number;
      /** Seconds a socket may stay silent before it is closed. */
      idle: number;
      /** Seconds an idle keep-alive socket is kept between requests. */
      keepAlive: number;
    };
    /** Open sockets beyond this are closed at once. */
    maxConnections: number;
  };
  database: {
    /** Unset: the service starts an embedded PostgreSQL (PGlite). */
    url?: string;
    embeddedDataDir: string;
    migrationsRun: boolean;
  };
  redis: {
    /** Unset: shared state lives in process memory. */
    url?: string;
    keyPrefix: string;
  };
  jwt: {
    privateKeys?: string;
    keysDir?: string;
    activeKid?: string;
    issuer: string;
    audience: string;
    accessTokenTtl: number;
  };
  refresh: {
    ttl: number;
    reuseGrace: number;
    transport: RefreshTransport;
  };
  passwords: { bcryptRounds: number };
  apiKeys: {
    pepper?: string;
    prefix: string;
    /** For keys created without a `rateLimit` of their own. */
    defaultRateLimit: { limit: number; ttlSeconds: number };
  };
  throttle: {
    loginLimit: number;
    loginTtl: number;
    loginEmailLimit: number;
    loginIpLimit: number;
    /** Login attempts with one device cookie, per loginTtl. */
    loginDeviceLimit: number;
    authLimit: number;
    authTtl: number;
    /** Reset mails to one email that one client IP can cause, per forgotTtl. */
    forgotLimit: number;
    forgotTtl: number;
    /** password/forgot requests per client IP, per forgotTtl. */
    forgotIpLimit: number;
    /** Seconds between two reset mails to one email, whoever asks. */
    forgotCooldown: number;
    signedInLimit: number;
    signedInTtl: number;
    /** Wrong currentPassword guesses per user at password/change, per passwordChangeTtl. */
    passwordChangeLimit: number;
    passwordChangeTtl: number;
  };
  loginDelay: { after: number; baseMs: number; maxMs: number };
  admin: { email?: string; password?: string };
  mail: {
    smtpUrl?: string;
    /** Production refuses SMTP without TLS unless this says the relay is local. */
    smtpAllowPlaintext: boolean;
    from: string;
    appUrl: string;
    requireEmailVerification: boolean;
    /** Seconds a password-reset link works. */
    resetTokenTtl: number;
    /** Seconds an email-verification link works. */
    verificationTokenTtl: number;
  };
  audit: {
    /** Events kept in memory while the database is unreachable; past this they are counted and dropped. */
    queueLimit: number;
  };
  /** The server's MAC key for refresh tokens and device cookies (see ServerSecret). */
  tokenSecret?: string;
  /** Where embedded mode keeps what it generates (database files, keys, the API-key pepper). */
  dataDir: string;
}

export function loadConfig(
  env: Record<string, string | undefined>,
  read: EnvReader = new EnvReader(env),
): AppConfig {
  const nodeEnv = read.oneOf('NODE_ENV', NODE_ENVS, 'development');
  const isProduction = nodeEnv === 'production';
  const dataDir = read.string('DATA_DIR', '.data');
  const port = read.int('PORT', 3000, { min: 0, max: 65535 });

  const config: AppConfig = {
    nodeEnv,
    isProduction,
    host: read.string('HOST', '0.0.0.0'),
    port,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    logFormat: read.oneOf('LOG_FORMAT', LOG_FORMATS, nodeEnv === 'development' ? 'pretty' : 'json'),
    http: {
      bodyLimit: read.bytes('BODY_LIMIT', 16 * 1024, { min: 1024, max: 10 * 1024 * 1024 }),
      trustProxy: read.trustProxy('TRUST_PROXY'),
      corsOrigins: read.origins('CORS_ORIGINS'),
      cookieSecure: read.bool('COOKIE_SECURE', true),
      docsEnabled: read.bool('DOCS_ENABLED', !isProduction),
      timeouts: {
        request: read.int('HTTP_REQUEST_TIMEOUT', 30, { min: 1, max: 3600 }),
        headers: read.int('HTTP_HEADERS_TIMEOUT', 10, { min: 1, max: 3600 }),
        idle: read.int('HTTP_IDLE_TIMEOUT', 60, { min: 1, max: 3600 }),
        keepAlive: read.int('HTTP_KEEP_ALIVE_TIMEOUT', 5, { min: 1, max: 3600 }),
      },
      maxConnections: read.int('HTTP_MAX_CONNECTIONS', 10_000, { min: 1, max: 1_000_000 }),
    },
    database: {
      url: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
      embeddedDataDir: read.string('PGLITE_DATA_DIR', `${dataDir}/pglite`),
      migrationsRun: read.bool('MIGRATIONS_RUN', true),
    },
    redis: {
      url: read.url('REDIS_URL', ['redis:', 'rediss:']),
      keyPrefix: read.string('REDIS_KEY_PREFIX', 'auth:'),
    },
    jwt: {
      privateKeys: read.optionalString('JWT_PRIVATE_KEYS'),
      keysDir: read.optionalString('JWT_KEYS_DIR'),
      activeKid: read.optionalString('JWT_ACTIVE_KID'),
      issuer: read.string('JWT_ISSUER', 'auth-service'),
      audience: read.string('JWT_AUDIENCE', 'api'),
      accessTokenTtl: read.int('ACCESS_TOKEN_TTL', 900, { min: 1, max: 24 * 3600 }),
    },
    refresh: {
      ttl: read.int('REFRESH_TOKEN_TTL', 7 * 24 * 3600, { min: 60, max: 365 * 24 * 3600 }),
      reuseGrace: read.int('REFRESH_REUSE_GRACE', 10, { min: 0, max: 300 }),
      transport: read.oneOf('REFRESH_TOKEN_TRANSPORT', REFRESH_TRANSPORTS, 'both'),
    },
    // bcrypt's cost is exponential: 4 is its minimum (tests), 15 already takes seconds per hash.
    passwords: { bcryptRounds: read.int('BCRYPT_ROUNDS', 12, { min: 4, max: 15 }) },
    apiKeys: {
      pepper: read.optionalString('API_KEY_PEPPER'),
      prefix: read.string('API_KEY_PREFIX', 'sk'),
      defaultRateLimit: {
        limit: read.int('API_KEY_RATE_LIMIT', 1000, { min: 1 }),
        ttlSeconds: read.int('API_KEY_RATE_LIMIT_TTL', 60, { min: 1, max: 86_400 }),
      },
    },
    throttle: {
      loginLimit: read.int('THROTTLE_LOGIN_LIMIT', 5, { min: 1 }),
      loginTtl: read.int('THROTTLE_LOGIN_TTL', 900, { min: 1 }),
      loginEmailLimit: read.int('THROTTLE_LOGIN_EMAIL_LIMIT', 20, { min: 1 }),
      loginIpLimit: read.int('THROTTLE_LOGIN_IP_LIMIT', 100, { min: 1 }),
      loginDeviceLimit: read.int('THROTTLE_LOGIN_DEVICE_LIMIT', 10, { min: 1 }),
      authLimit: read.int('THROTTLE_AUTH_LIMIT', 20, { min: 1 }),
      authTtl: read.int('THROTTLE_AUTH_TTL', 60, { min: 1 }),
      forgotLimit: read.int('THROTTLE_FORGOT_LIMIT', 5, { min: 1 }),
      forgotTtl: read.int('THROTTLE_FORGOT_TTL', 3600, { min: 1 }),
      forgotIpLimit: read.int('THROTTLE_FORGOT_IP_LIMIT', 20, { min: 1 }),
      // At most 2 minutes: the longest that other people's requests may hold back the owner's mail.
      forgotCooldown: read.int('THROTTLE_FORGOT_COOLDOWN', 120, { min: 0, max: 120 }),
      signedInLimit: read.int('THROTTLE_SIGNED_IN_LIMIT', 600, { min: 1 }),
      signedInTtl: read.int('THROTTLE_SIGNED_IN_TTL', 60, { min: 1 }),
      passwordChangeLimit: read.int('THROTTLE_PASSWORD_CHANGE_LIMIT', 5, { min: 1 }),
      passwordChangeTtl: read.int('THROTTLE_PASSWORD_CHANGE_TTL', 900, { min: 1 }),
    },
    loginDelay: {
      after: read.int('LOGIN_DELAY_AFTER', 3, { min: 1 }),
      baseMs: read.int('LOGIN_DELAY_BASE_MS', 250, { min: 0, max: 60_000 }),
      maxMs: read.int('LOGIN_DELAY_MAX_MS', 5000, { min: 0, max: 60_000 }),
    },
    admin: {
      email: read.email('ADMIN_EMAIL'),
      password: read.optionalString('ADMIN_PASSWORD'),
    },
    mail: {
      smtpUrl: read.url('SMTP_URL', ['smtp:', 'smtps:']),
      smtpAllowPlaintext: read.bool('SMTP_ALLOW_PLAINTEXT', false),
      from: read.string('MAIL_FROM', 'Auth Service <no-reply@localhost>'),
      // Where the mailed links point. By default the service's own pages on this host and PORT
      // (production requires it: the address people reach, not this machine's).
      appUrl: read.url('APP_URL', ['http:', 'https:']) ?? `http://localhost:${port}`,
      requireEmailVerification: read.bool('REQUIRE_EMAIL_VERIFICATION', false),
      resetTokenTtl: read.int('PASSWORD_RESET_TTL', 1800, { min: 1, max: 86_400 }),
      verificationTokenTtl: read.int('EMAIL_VERIFICATION_TTL', 86_400, { min: 1, max: 604_800 }),
    },
    audit: { queueLimit: read.int('AUDIT_QUEUE_LIMIT', 10_000, { min: 1, max: 1_000_000 }) },
    tokenSecret: read.optionalString('TOKEN_SECRET'),
    dataDir,
  };

  checkCrossFieldRules(read, config);
  if (isProduction) checkProductionRules(read, config);
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

function checkCrossFieldRules(read: EnvReader, config: AppConfig): void {
  if (!/^[a-z][a-z0-9]{1,15}$/.test(config.apiKeys.prefix)) {
    read.fail(
      'API_KEY_PREFIX',
      'must be 2 to 16 lower-case letters or digits, starting with a letter',
      undefined,
    );
  }
  if (config.loginDelay.maxMs < config.loginDelay.baseMs) {
    read.fail('LOGIN_DELAY_MAX_MS', 'must not be smaller than LOGIN_DELAY_BASE_MS', undefined);
  }
  if ((config.admin.email === undefined) !== (config.admin.password === undefined)) {
    read.fail('ADMIN_EMAIL', 'and ADMIN_PASSWORD must be set together', undefined);
  }
  if (config.jwt.privateKeys !== undefined && config.jwt.keysDir !== undefined) {
    read.fail('JWT_PRIVATE_KEYS', 'and JWT_KEYS_DIR are alternatives: set one of them', undefined);
  }
  if (config.http.timeouts.headers > config.http.timeouts.request) {
    read.fail('HTTP_HEADERS_TIMEOUT', 'must not be larger than HTTP_REQUEST_TIMEOUT', undefined);
  }
  if (config.apiKeys.pepper !== undefined && config.apiKeys.pepper.length < 32) {
    read.fail('API_KEY_PEPPER', 'must be at least 32 characters of random data', undefined);
  }
  if (config.tokenSecret !== undefined && config.tokenSecret.length < 32) {
    read.fail('TOKEN_SECRET', 'must be at least 32 characters of random data', undefined);
  }
}
