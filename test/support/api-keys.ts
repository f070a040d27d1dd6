import type { Test } from 'supertest';
import { bearer } from './accounts';
import type { TestApp } from './test-app';

export interface IssuedKey {
  id: string;
  key: string;
  body: Record<string, unknown>;
}

/** POST /admin/api-keys as an admin; fails the test on anything but 201. */
export async function issueKey(
  t: TestApp,
  adminToken: string,
  body: Record<string, unknown> = { name: 'integration' },
): Promise<IssuedKey> {
  const res = await t
    .http()
    .post('/api/v1/admin/api-keys')
    .set(...bearer(adminToken))
    .send(body);
  if (res.status !== 201) throw new Error(`issuing a key failed: ${res.status} ${res.text}`);
  return { id: res.body.id, key: res.body.key, body: res.body };
}

/** GET /auth/me with an API key. */
export const meWithKey = (t: TestApp, key: string): Test =>
  t.http().get('/api/v1/auth/me').set('x-api-key', key);

/** An error body without its request id, to compare two answers. */
export function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  const { requestId, ...rest } = body;
  return { ...rest, requestId: typeof requestId };
}
