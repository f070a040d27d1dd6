import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { signingKeyFromPem, splitPemBlocks } from './signing-key';

// RFC 7638 §3.1: the example key and its thumbprint.
const RFC_7638_JWK = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
};

describe('signingKeyFromPem', () => {
  it('names a key by its RFC 7638 thumbprint', () => {
    const pem = createPublicKey({ key: RFC_7638_JWK, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const key = signingKeyFromPem(pem);
    expect(key.kid).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    expect(key.privateKey).toBeUndefined();
    expect(key.jwk).toEqual({ ...RFC_7638_JWK, kid: key.kid, alg: 'RS256', use: 'sig' });
  });

  it('keeps the private half of a private key, and publishes only public members', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = signingKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    expect(key.privateKey?.type).toBe('private');
    expect(Object.keys(key.jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('refuses keys that cannot sign RS256 safely', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => signingKeyFromPem(small)).toThrow('RSA keys need at least 2048 bits, got 1024');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => signingKeyFromPem(ec)).toThrow('only RSA keys can sign RS256 tokens, got ec');
  });
});

describe('splitPemBlocks', () => {
  it('finds every block, with real or escaped newlines', () => {
    const block = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----`;
    const text = `${block('PRIVATE KEY')}\n\n${block('PUBLIC KEY')}`;
    expect(splitPemBlocks(text)).toEqual([block('PRIVATE KEY'), block('PUBLIC KEY')]);
    expect(splitPemBlocks(text.replace(/\n/g, '\\n'))).toHaveLength(2);
    expect(splitPemBlocks('not a key')).toEqual([]);
  });
});
