import { randomBytes } from 'node:crypto';
import { call } from './http';

export const GUARDED_PATH = '/api/v1/bench/guarded';
export const API_KEY_SCOPE = 'health:read';

interface TokenResponse {
  accessToken: string;
  refreshToken?: string;
  user: { id: string; roles: string[] };
}

export interface Credentials {
  userEmail: string;
  userPassword: string;
  /**
   * Another account, for the login measurements: they open hundreds of sessions, and a user
   * keeps at most SESSIONS_PER_USER, so on the first account they would end the session of the
   * token the guarded measurements use.
   */
  loginEmail: string;
  accessToken: string;
  apiKey: string;
}

export function login(baseUrl: string, email: string, password: string): Promise<TokenResponse> {
  return call<TokenResponse>(baseUrl, 'POST', '/api/v1/auth/login', 200, {
    body: { email, password },
  });
}

/**
 * Over HTTP, as a client would: the bootstrap admin signs in and issues an API key with the
 * guarded route's scope; a user registers and signs in. Then each credential is tried once on
 * the routes the measurements use, so a refusal shows up here and not as a table of 403s.
 */
export async function setUp(
  baseUrl: string,
  admin: { email: string; password: string },
): Promise<Credentials> {
  const adminToken = (await login(baseUrl, admin.email, admin.password)).accessToken;
  const key = await call<{ key: string; scopes: string[] }>(
    baseUrl,
    'POST',
    '/api/v1/admin/api-keys',
    201,
    {
      body: { name: 'bench', scopes: [API_KEY_SCOPE] },
      headers: { authorization: `Bearer ${adminToken}` },
    },
  );
  const userEmail = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const userPassword = `Bench-${randomBytes(16).toString('hex')}`;
  await call(baseUrl, 'POST', '/api/v1/auth/register', 201, {
    body: { email: userEmail, password: userPassword },
  });
  const loginEmail = `bench-login-${randomBytes(4).toString('hex')}@example.com`;
  await call(baseUrl, 'POST', '/api/v1/auth/register', 201, {
    body: { email: loginEmail, password: userPassword },
  });
  const { accessToken } = await login(baseUrl, userEmail, userPassword);
  const bearer = { authorization: `Bearer ${accessToken}` };
  await call(baseUrl, 'GET', GUARDED_PATH, 200, { headers: bearer });
  await call(baseUrl, 'GET', GUARDED_PATH, 200, { headers: { 'x-api-key': key.key } });
  await call(baseUrl, 'GET', '/api/v1/auth/me', 200, { headers: bearer });
  return { userEmail, userPassword, loginEmail, accessToken, apiKey: key.key };
}

/** `count` sessions of the user, by logging in `count` times (a few at a time), for refresh. */
export async function refreshTokens(
  baseUrl: string,
  credentials: Credentials,
  count: number,
): Promise<string[]> {
  const tokens: string[] = [];
  const worker = async (): Promise<void> => {
    while (tokens.length < count) {
      const { refreshToken } = await login(
        baseUrl,
        credentials.userEmail,
        credentials.userPassword,
      );
      if (refreshToken === undefined) throw new Error('login answered without a refreshToken');
      tokens.push(refreshToken);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return tokens.slice(0, count);
}
