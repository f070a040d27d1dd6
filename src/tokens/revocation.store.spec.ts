import { randomUUID } from 'node:crypto';
import { MemoryKeyValueStore } from '../state/memory-key-value.store';
import { RefreshSessionStore } from './refresh-session.store';
import { testRefreshTokenCodec } from './refresh-token-codec.fixture';
import { RevocationStore } from './revocation.store';
import { tokenKeys } from './token-keys';

describe('RevocationStore', () => {
  const store = new MemoryKeyValueStore();
  const revocations = new RevocationStore(store);
  let sessions: RefreshSessionStore;
  afterAll(() => store.close());

  beforeAll(async () => {
    sessions = new RefreshSessionStore(store, await testRefreshTokenCodec());
  });

  async function tokenOfNewSession(userId: string) {
    const issued = await sessions.create(userId, await sessions.generation(userId), 60_000, {
      userAgent: null,
      ip: null,
    });
    if (issued === null) throw new Error('the session was refused');
    const now = Math.floor(Date.now() / 1000);
    return { userId, sessionId: issued.session.id, jti: randomUUID(), iat: now, exp: now + 900 };
  }

  it('admits a token of a live session of the current generation', async () => {
    await expect(revocations.isRevoked(await tokenOfNewSession(randomUUID()))).resolves.toBe(false);
  });

  it('refuses a denied jti and a token whose session ended', async () => {
    const denied = await tokenOfNewSession(randomUUID());
    await revocations.deny(denied);
    await expect(revocations.isRevoked(denied)).resolves.toBe(true);
    const ended = await tokenOfNewSession(randomUUID());
    await sessions.end(ended.userId, ended.sessionId);
    await expect(revocations.isRevoked(ended)).resolves.toBe(true);
  });

  it('refuses a token whose session belongs to an earlier generation', async () => {
    const token = await tokenOfNewSession(randomUUID());
    const key = tokenKeys.session(token.userId, token.sessionId);
    const record = (await store.get(key)) as string;
    await sessions.newGeneration(token.userId);
    // Even if the record were still there, its generation is no longer the user's.
    await store.set(key, record, 60_000);
    await expect(revocations.isRevoked(token)).resolves.toBe(true);
  });

  it('keeps admitting the session a new generation keeps', async () => {
    const token = await tokenOfNewSession(randomUUID());
    const other = await tokenOfNewSession(token.userId);
    await sessions.newGeneration(token.userId, token.sessionId);
    await expect(revocations.isRevoked(token)).resolves.toBe(false);
    await expect(revocations.isRevoked(other)).resolves.toBe(true);
  });
});
