import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jwt from 'jsonwebtoken';
import type { TestApp } from './test-app';

/** The private key the app generated into its DATA_DIR: lets a test forge tokens the app trusts. */
export function appSigningKey(t: TestApp): { kid: string; privateKey: KeyObject } {
  const dir = join(t.config.dataDir, 'keys');
  const file = readdirSync(dir).find((name) => name.endsWith('.pem'));
  if (file === undefined) throw new Error(`no key in ${dir}`);
  return {
    kid: file.replace(/\.pem$/, ''),
    privateKey: createPrivateKey(readFileSync(join(dir, file), 'utf8')),
  };
}

/** Signs claims with the app's own key, as the app would, with whatever changes a test needs. */
export function signAsApp(
  t: TestApp,
  claims: Record<string, unknown>,
  options: { header?: Record<string, unknown> } = {},
): string {
  const { kid, privateKey } = appSigningKey(t);
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    {
      iss: t.config.jwt.issuer,
      aud: t.config.jwt.audience,
      jti: `jti-${now}-${Math.random()}`,
      iat: now,
      exp: now + 600,
      roles: ['user'],
      ...claims,
    },
    privateKey,
    {
      algorithm: 'RS256',
      header: { alg: 'RS256', typ: 'at+jwt', kid, ...options.header },
    },
  );
}

export function decodeParts(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}
