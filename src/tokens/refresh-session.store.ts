import { Injectable } from '@nestjs/common';
import { KeyValueStore } from '../redis/key-value.store';
import {
  hashRefreshToken,
  mintRefreshToken,
  newSessionId,
  type RefreshTokenParts,
} from './refresh-token';
import {
  createSession,
  endAllSessions,
  endSession,
  listSessions,
  parseLuaSession,
  rotateSession,
  type StoredSession,
} from './refresh-session.scripts';
import { tokenKeys } from './token-keys';

export interface SessionInfo {
  id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export interface IssuedRefreshToken {
  token: string;
  session: SessionInfo;
}

export type RotationResult =
  { result: 'rotated'; issued: IssuedRefreshToken } | { result: 'grace' | 'reuse' | 'missing' };

/**
 * Refresh sessions in the shared store (Redis, or memory): opaque tokens kept only as hashes,
 * rotation in one atomic step, an absolute lifetime, and a per-user index.
 */
@Injectable()
export class RefreshSessionStore {
  constructor(private readonly store: KeyValueStore) {}

  async create(
    userId: string,
    ttlMs: number,
    origin: { userAgent: string | null; ip: string | null },
    now = Date.now(),
  ): Promise<IssuedRefreshToken> {
    const { token, sessionId } = mintRefreshToken(userId, newSessionId());
    const session: StoredSession = {
      uid: userId,
      cur: hashRefreshToken(token),
      prev: null,
      rotatedAt: null,
      createdAt: now,
      lastUsedAt: now,
      exp: now + ttlMs,
      ua: origin.userAgent,
      ip: origin.ip,
    };
    await this.store.run(createSession, this.keys(userId, sessionId), [
      sessionId,
      JSON.stringify(session),
      ttlMs,
    ]);
    return { token, session: toInfo(sessionId, session) };
  }

  /** Presents a refresh token: rotates it, or says why not (see rotateSession). */
  async rotate(
    parts: RefreshTokenParts,
    graceMs: number,
    now = Date.now(),
  ): Promise<RotationResult> {
    const next = mintRefreshToken(parts.userId, parts.sessionId);
    const outcome = await this.store.run(rotateSession, this.keys(parts.userId, parts.sessionId), [
      parts.sessionId,
      hashRefreshToken(parts.token),
      hashRefreshToken(next.token),
      now,
      graceMs,
    ]);
    if (outcome.result !== 'rotated') return outcome;
    return {
      result: 'rotated',
      issued: { token: next.token, session: toInfo(parts.sessionId, outcome.session) },
    };
  }

  /** Ends one session; false when there was none. */
  end(userId: string, sessionId: string): Promise<boolean> {
    return this.store.run(endSession, this.keys(userId, sessionId), [sessionId]);
  }

  /** Ends every session of a user; answers how many there were. */
  endAll(userId: string): Promise<number> {
    return this.store.run(endAllSessions, [tokenKeys.sessions(userId)], []);
  }

  async list(userId: string): Promise<SessionInfo[]> {
    const live = await this.store.run(listSessions, [tokenKeys.sessions(userId)], []);
    return live
      .map(([sid, json]) => toInfo(sid, parseLuaSession(json)))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  private keys(userId: string, sessionId: string): string[] {
    return [tokenKeys.session(userId, sessionId), tokenKeys.sessions(userId)];
  }
}

function toInfo(id: string, session: StoredSession): SessionInfo {
  return {
    id,
    userId: session.uid,
    createdAt: new Date(session.createdAt),
    lastUsedAt: new Date(session.lastUsedAt),
    expiresAt: new Date(session.exp),
    userAgent: session.ua,
    ip: session.ip,
  };
}
