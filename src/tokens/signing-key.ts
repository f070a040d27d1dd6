import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

/** A verification key, with its private half when this instance may sign with it. */
export interface SigningKey {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url): stable, derived from the key itself. */
  kid: string;
  publicKey: KeyObject;
  privateKey?: KeyObject;
  /** The public members only, as published in the JWKS. */
  jwk: { kty: 'RSA'; n: string; e: string; kid: string; alg: 'RS256'; use: 'sig' };
}

export const MIN_RSA_BITS = 2048;

/** Reads one PEM block: a private key (signs and verifies) or a public key (verifies only). */
export function signingKeyFromPem(pem: string): SigningKey {
  const isPrivate = /PRIVATE KEY-----/.test(pem);
  const privateKey = isPrivate ? createPrivateKey(pem) : undefined;
  const publicKey = privateKey ? createPublicKey(privateKey) : createPublicKey(pem);
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`only RSA keys can sign RS256 tokens, got ${publicKey.asymmetricKeyType}`);
  }
  const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw new Error(`RSA keys need at least ${MIN_RSA_BITS} bits, got ${bits}`);
  const { n, e } = publicKey.export({ format: 'jwk' }) as JsonWebKey & { n: string; e: string };
  const kid = thumbprint(n, e);
  return { kid, publicKey, privateKey, jwk: { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' } };
}

/** RFC 7638 §3: the hash of the required members, in lexicographic order, without whitespace. */
function thumbprint(n: string, e: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
}

/** Every PEM block in a string (keys in one environment variable may be concatenated). */
export function splitPemBlocks(text: string): string[] {
  // Environment variables often carry newlines escaped as \n.
  const normalized = text.replace(/\\n/g, '\n');
  return normalized.match(/-----BEGIN [A-Z ]*KEY-----[\s\S]+?-----END [A-Z ]*KEY-----/g) ?? [];
}
