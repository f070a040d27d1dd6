import { Injectable } from '@nestjs/common';
import { KeyValueStore } from '../state/key-value.store';
import {
  hashRefreshToken,
  newSessionId,
  RefreshTokenCodec,
  type RefreshTokenParts,
} from './refresh-token';
import {
  createSession,
  endSession,
  endSessionByToken,
  listSessions,
  rotateSession,
  startNewGeneration,
  type EndByTokenOutcome,
  type NewGenerationOutcome,
} from './refresh-session.scripts';
import { decodeSession, encodeSession, sessionOrigin, type StoredSession } from './session-record';
import { tokenKeys } from './token-keys';

/**
 * The most sessions one user keeps: opening one more ends the least recently used. Every request
 * of the user reads their sessions (the revocation check), so this bounds what it reads.
 */
export const SESSIONS_PER_USER = 100;

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
 * rotation in one atomic step, an absolute lifetime, a per-user index, and the user's credential
 * generation, which every session belongs to and which every script checks.
 */
@Injectable()
export class RefreshSessionStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly codec: RefreshTokenCodec,
  ) {}

  /** The user's current credential generation; read it before checking their credentials. */
  async generation(userId: string): Promise<number> {
    return Number((await this.store.get(tokenKeys.generation(userId))) ?? '0');
  }

  /**
   * Opens a session under `generation`, the one read before the credentials were checked;
   * null when it is no longer current (the credentials changed meanwhile: nothing was opened).
   */
  async create(
    userId: string,
    generation: number,
    ttlMs: number,
    origin: { userAgent: string | null; ip: string | null },
    now = Date.now(),
  ): Promise<IssuedRefreshToken | null> {
    const { token, sessionId } = this.codec.mint(userId, newSessionId());
    const session: StoredSession = {
      gen: generation,
      cur: hashRefreshToken(token),
      prev: null,
      rotatedAt: null,
      createdAt: now,
      lastUsedAt: now,
      exp: now + ttlMs,
      ...sessionOrigin(origin),
    };
    const created = await this.store.run(createSession, this.keys(userId), [
      sessionId,
      encodeSession(session),
      ttlMs,
      generation,
      now,
      SESSIONS_PER_USER,
    ]);
    return created ? { token, session: toInfo(userId, sessionId, session) } : null;
  }

  /** Presents a refresh token (MAC already checked): rotates it, or says why not. */
  async rotate(
    parts: RefreshTokenParts,
    graceMs: number,
    now = Date.now(),
  ): Promise<RotationResult> {
    const next = this.codec.mint(parts.userId, parts.sessionId);
    const outcome = await this.store.run(rotateSession, this.keys(parts.userId), [
      parts.sessionId,
      hashRefreshToken(parts.token),
      hashRefreshToken(next.token),
      now,
      graceMs,
    ]);
    if (outcome.result !== 'rotated') return outcome;
    return {
      result: 'rotated',
      issued: {
        token: next.token,
        session: toInfo(parts.userId, parts.sessionId, outcome.session),
      },
    };
  }

  /** Ends the session a token (MAC already checked) belongs to, whichever of its tokens it is. */
  endByToken(parts: RefreshTokenParts, now = Date.now()): Promise<EndByTokenOutcome> {
    return this.store.run(endSessionByToken, this.keys(parts.userId), [
      parts.sessionId,
      hashRefreshToken(parts.token),
      now,
    ]);
  }

  /** Ends one session; false when there was no live one. */
  end(userId: string, sessionId: string, now = Date.now()): Promise<boolean> {
    return this.store.run(endSession, this.keys(userId), [sessionId, now]);
  }

  /**
   * Starts a new credential generation: every session of the user ends, except `keepSessionId`
   * (when given and live), which moves to the new generation with its tokens.
   */
  newGeneration(
    userId: string,
    keepSessionId?: string,
    now = Date.now(),
  ): Promise<NewGenerationOutcome> {
    return this.store.run(startNewGeneration, this.keys(userId), [keepSessionId ?? '', now]);
  }

  async list(userId: string, now = Date.now()): Promise<SessionInfo[]> {
    const live = await this.store.run(listSessions, this.keys(userId), [now]);
    return live
      .flatMap(([sid, record]) => {
        const session = decodeSession(record);
        return session === null ? [] : [toInfo(userId, sid, session)];
      })
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** The KEYS of every session script (refresh-session.scripts.ts). */
  private keys(userId: string): string[] {
    return [
      tokenKeys.sessions(userId),
      tokenKeys.generation(userId),
      tokenKeys.legacySessionIndex(userId),
    ];
  }
}

function toInfo(userId: string, id: string, session: StoredSession): SessionInfo {
  return {
    id,
    userId,
    createdAt: new Date(session.createdAt),
    lastUsedAt: new Date(session.lastUsedAt),
    expiresAt: new Date(session.exp),
    userAgent: session.ua,
    ip: session.ip,
  };
}
