import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jwt from 'jsonwebtoken';
import { signingKeyFromPem } from '../src/tokens/signing-key';
import { me, register } from './support/accounts';
import { decodeParts } from './support/app-keys';
import { createTestApp, type TestApp } from './support/test-app';

const newPem = (): string =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

describe('configured signing keys (rotation)', () => {
  const oldPem = newPem();
  const newKeyPem = newPem();
  const oldKid = signingKeyFromPem(oldPem).kid;
  const newKid = signingKeyFromPem(newKeyPem).kid;
  let t: TestApp;

  beforeAll(async () => {
    // Step 2 of docs/key-rotation.md: both keys configured, the new one signs.
    t = await createTestApp({
      env: { JWT_PRIVATE_KEYS: `${oldPem}\n${newKeyPem}`, JWT_ACTIVE_KID: newKid },
    });
  });
  afterAll(() => t.close());

  it('publishes every configured key and signs with the active one', async () => {
    const jwks = await t.http().get('/.well-known/jwks.json').expect(200);
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
    expect((jwks.body.keys as { kid: string }[]).map((key) => key.kid).sort()).toEqual(
      [oldKid, newKid].sort(),
    );
    const user = await register(t);
    expect(decodeParts(user.accessToken).header.kid).toBe(newKid);
  });

  it('still accepts a token signed with the older key', async () => {
    const user = await register(t);
    const { payload } = decodeParts(user.accessToken);
    const byOldKey = jwt.sign(payload, oldPem, {
      algorithm: 'RS256',
      header: { alg: 'RS256', typ: 'at+jwt', kid: oldKid },
    });
    await me(t, byOldKey).expect(200);
  });
});

describe('JWT_KEYS_DIR', () => {
  it('loads the keys of a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jwt-keys-'));
    const pem = newPem();
    writeFileSync(join(dir, 'current.pem'), pem);
    const t = await createTestApp({ env: { JWT_KEYS_DIR: dir } });
    try {
      const jwks = await t.http().get('/.well-known/jwks.json').expect(200);
      expect((jwks.body.keys as { kid: string }[]).map((key) => key.kid)).toEqual([
        signingKeyFromPem(pem).kid,
      ]);
    } finally {
      await t.close();
    }
  });
});

describe('signing-key misconfiguration stops the boot with a message naming the variable', () => {
  it.each([
    [
      'several private keys without JWT_ACTIVE_KID',
      { JWT_PRIVATE_KEYS: `${newPem()}${newPem()}` },
      /JWT_ACTIVE_KID must name the signing key/,
    ],
    [
      'an unknown JWT_ACTIVE_KID',
      { JWT_PRIVATE_KEYS: newPem(), JWT_ACTIVE_KID: 'nope' },
      /JWT_ACTIVE_KID nope is not one of the private keys/,
    ],
    ['no PEM at all', { JWT_PRIVATE_KEYS: 'hello' }, /JWT_PRIVATE_KEYS holds no PEM key/],
    [
      'an empty directory',
      { JWT_KEYS_DIR: mkdtempSync(join(tmpdir(), 'jwt-empty-')) },
      /JWT_KEYS_DIR .* holds no \*\.pem file/,
    ],
  ])('%s', async (_label, env, message) => {
    await expect(createTestApp({ env })).rejects.toThrow(message);
  });
});
