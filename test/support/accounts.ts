import type { Test } from 'supertest';
import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';

export const PASSWORD = 'correct horse battery staple';

export interface SignedIn {
  email: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
}

export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomBytes(4).toString('hex')}@example.com`;
}

export function register(
  t: TestApp,
  email = uniqueEmail(),
  password = PASSWORD,
): Promise<SignedIn> {
  return signIn(t, 'register', 201, email, password);
}

export function login(t: TestApp, email: string, password = PASSWORD): Promise<SignedIn> {
  return signIn(t, 'login', 200, email, password);
}

async function signIn(
  t: TestApp,
  route: 'register' | 'login',
  status: number,
  email: string,
  password: string,
): Promise<SignedIn> {
  const res = await t
    .http()
    .post(`/api/v1/auth/${route}`)
    .set('x-auth-mode', 'body')
    .send({ email, password });
  if (res.status !== status) throw new Error(`${route} failed: ${res.status} ${res.text}`);
  return {
    email,
    userId: res.body.user.id,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

export const bearer = (token: string): [string, string] => ['authorization', `Bearer ${token}`];

/** POST /auth/refresh with a refresh token in the body. */
export const refresh = (t: TestApp, refreshToken: string): Test =>
  t.http().post('/api/v1/auth/refresh').send({ refreshToken });

/** GET /auth/me with an access token. */
export const me = (t: TestApp, accessToken: string): Test =>
  t
    .http()
    .get('/api/v1/auth/me')
    .set(...bearer(accessToken));
