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

export async function register(
  t: TestApp,
  email = uniqueEmail(),
  password = PASSWORD,
): Promise<SignedIn> {
  const res = await t
    .http()
    .post('/api/v1/auth/register')
    .set('x-auth-mode', 'body')
    .send({ email, password });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return {
    email,
    userId: res.body.user.id,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

export async function login(t: TestApp, email: string, password = PASSWORD): Promise<SignedIn> {
  const res = await t
    .http()
    .post('/api/v1/auth/login')
    .set('x-auth-mode', 'body')
    .send({ email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return {
    email,
    userId: res.body.user.id,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

export const bearer = (token: string): [string, string] => ['authorization', `Bearer ${token}`];
