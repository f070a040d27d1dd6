import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hashRefreshToken, newSessionId, type RefreshTokenCodec } from './refresh-token';
import { testRefreshTokenCodec } from './refresh-token-codec.fixture';

/** What anyone who saw an access token can build: its sub and sid, and bytes of their own. */
function forged(userId: string, sessionId: string, tailBytes: number): string {
  return Buffer.concat([
    Buffer.from(userId.replace(/-/g, ''), 'hex'),
    Buffer.from(sessionId, 'base64url'),
    randomBytes(tailBytes),
  ]).toString('base64url');
}

describe('refresh tokens', () => {
  let codec: RefreshTokenCodec;

  beforeAll(async () => {
    codec = await testRefreshTokenCodec();
  });

  it('carry the user and session they were minted for', () => {
    const userId = randomUUID();
    const sessionId = newSessionId();
    const { token } = codec.mint(userId, sessionId);
    expect(token).toMatch(/^[\w-]{107}$/);
    expect(codec.parse(token)).toEqual({ userId, sessionId, token });
  });

  it('are different every time, even for one session', () => {
    const userId = randomUUID();
    const sessionId = newSessionId();
    expect(codec.mint(userId, sessionId).token).not.toBe(codec.mint(userId, sessionId).token);
  });

  it.each([[''], ['short'], ['x'.repeat(86)], ['x'.repeat(107)], ['!'.repeat(107)], ['a.b.c']])(
    'refuses %j',
    (token) => {
      expect(codec.parse(token)).toBeNull();
    },
  );

  it('refuses a token built from public ids plus random bytes, in the old and the new length', () => {
    const userId = randomUUID();
    const sessionId = newSessionId();
    expect(codec.parse(forged(userId, sessionId, 32))).toBeNull();
    expect(codec.parse(forged(userId, sessionId, 48))).toBeNull();
  });

  it('refuses a token whose any byte was changed', () => {
    const { token } = codec.mint(randomUUID(), newSessionId());
    const bytes = Buffer.from(token, 'base64url');
    for (const index of [0, 20, 40, 70, 79]) {
      const tampered = Buffer.from(bytes);
      tampered[index] ^= 0x01;
      expect(codec.parse(tampered.toString('base64url'))).toBeNull();
    }
  });

  it('refuses another spelling of the same bytes (unused bits of the last character set)', () => {
    const { token } = codec.mint(randomUUID(), newSessionId());
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1) as string);
    const respelled = token.slice(0, -1) + alphabet[last ^ 0x01];
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(token, 'base64url'));
    expect(codec.parse(respelled)).toBeNull();
  });

  it('refuses a token minted under another server secret', async () => {
    const other = await testRefreshTokenCodec();
    const { token } = other.mint(randomUUID(), newSessionId());
    expect(codec.parse(token)).toBeNull();
  });

  it('are stored as the first 132 bits of their SHA-256, nothing of the token itself', () => {
    const { token } = codec.mint(randomUUID(), newSessionId());
    const hash = hashRefreshToken(token);
    expect(hash).toBe(createHash('sha256').update(token).digest('base64url').slice(0, 22));
    expect(hash).not.toContain(token.slice(0, 20));
    expect(hashRefreshToken(token)).toBe(hash);
  });
});
