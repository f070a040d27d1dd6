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
  parseLuaSession,
  rotateSession,
  startNewGeneration,
  type EndByTokenOutcome,
  type NewGenerationOutcome,
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
      uid: userId,
      gen: generation,
      cur: hashRefreshToken(token),
      prev: null,
      rotatedAt: null,
      createdAt: now,
      lastUsedAt: now,
      exp: now + ttlMs,
      ua: origin.userAgent,
      ip: origin.ip,
    };
    const created = await this.store.run(createSession, this.keys(userId, sessionId), [
      sessionId,
      JSON.stringify(session),
      ttlMs,
      generation,
    ]);
    return created ? { token, session: toInfo(sessionId, session) } : null;
  }

  /** Presents a refresh token (MAC already checked): rotates it, or says why not. */
  async rotate(
    parts: RefreshTokenParts,
    graceMs: number,
    now = Date.now(),
  ): Promise<RotationResult> {
    const next = this.codec.mint(parts.userId, parts.sessionId);
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

  /** Ends the session a token (MAC already checked) belongs to, whichever of its tokens it is. */
  endByToken(parts: RefreshTokenParts, now = Date.now()): Promise<EndByTokenOutcome> {
    return this.store.run(endSessionByToken, this.keys(parts.userId, parts.sessionId), [
      parts.sessionId,
      hashRefreshToken(parts.token),
      now,
    ]);
  }

  /** Ends one session; false when there was none. */
  end(userId: string, sessionId: string): Promise<boolean> {
    return this.store.run(endSession, this.keys(userId, sessionId).slice(0, 2), [sessionId]);
  }

  /**
   * Starts a new credential generation: every session of the user ends, except `keepSessionId`
   * (when given and live), which moves to the new generation with its tokens.
   */
  newGeneration(userId: string, keepSessionId?: string): Promise<NewGenerationOutcome> {
    return this.store.run(
      startNewGeneration,
      [tokenKeys.sessions(userId), tokenKeys.generation(userId)],
      [keepSessionId ?? ''],
    );
  }

  async list(userId: string): Promise<SessionInfo[]> {
    const live = await this.store.run(
      listSessions,
      [tokenKeys.sessions(userId), tokenKeys.generation(userId)],
      [],
    );
    return live
      .map(([sid, json]) => toInfo(sid, parseLuaSession(json)))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  private keys(userId: string, sessionId: string): string[] {
    return [
      tokenKeys.session(userId, sessionId),
      tokenKeys.sessions(userId),
      tokenKeys.generation(userId),
    ];
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
