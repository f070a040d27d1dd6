import { randomUUID } from 'node:crypto';
import {
  hashRefreshToken,
  mintRefreshToken,
  newSessionId,
  parseRefreshToken,
} from './refresh-token';

describe('refresh tokens', () => {
  it('carry the user and session they were minted for', () => {
    const userId = randomUUID();
    const sessionId = newSessionId();
    const { token } = mintRefreshToken(userId, sessionId);
    expect(token).toMatch(/^[\w-]{86}$/);
    expect(parseRefreshToken(token)).toEqual({ userId, sessionId, token });
  });

  it('are different every time, even for one session', () => {
    const userId = randomUUID();
    const sessionId = newSessionId();
    expect(mintRefreshToken(userId, sessionId).token).not.toBe(
      mintRefreshToken(userId, sessionId).token,
    );
  });

  it.each([[''], ['short'], ['x'.repeat(85)], ['!'.repeat(86)], ['a.b.c']])(
    'refuses %j',
    (token) => {
      expect(parseRefreshToken(token)).toBeNull();
    },
  );

  it('are stored as a SHA-256 that differs from the token', () => {
    const { token } = mintRefreshToken(randomUUID(), newSessionId());
    const hash = hashRefreshToken(token);
    expect(hash).toMatch(/^[\w-]{43}$/);
    expect(hash).not.toContain(token.slice(0, 20));
    expect(hashRefreshToken(token)).toBe(hash);
  });
});
