import { Injectable } from '@nestjs/common';
import type { AuditActor } from '../audit/audit-actor';
import { AuditService } from '../audit/audit.service';
import type { RequestMeta } from '../common/http/request-meta';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { AccessTokenIssuer } from '../tokens/access-token.issuer';
import { RefreshSessionStore, type SessionInfo } from '../tokens/refresh-session.store';
import { OneTimeTokenStore } from '../tokens/one-time-token.store';
import { RefreshTokenCodec } from '../tokens/refresh-token';
import { RevocationStore } from '../tokens/revocation.store';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { InvalidRefreshTokenError, SessionNotFoundError } from './auth.errors';
import type { UserPrincipal } from '../security/principal';

export interface IssuedTokens {
  user: User;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  /** Seconds left in the session (absolute: rotation never extends it). */
  refreshExpiresIn: number;
}

/**
 * Sessions and the tokens that carry them: open, rotate, end. Every session belongs to the
 * user's credential generation (docs/security.md → Session generations): the flows that change
 * what a session was opened on start a new one, which ends every session of the earlier one.
 *
 * One verb per way a session ends:
 * - signOut: the sessions of the tokens a client presents (logout);
 * - endSession: one session by id, from the session list;
 * - newGeneration / newGenerationKeeping: every session of the user, or all but the caller's
 *   (password reset and change, disable, role removal), unaudited: the flow writes its event;
 * - signOutEverywhere: newGeneration with its own audit event (logout-all, admin logout-all).
 */
@Injectable()
export class SessionTokensService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly sessions: RefreshSessionStore,
    private readonly revocations: RevocationStore,
    private readonly codec: RefreshTokenCodec,
    private readonly linkTokens: OneTimeTokenStore,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** The user's credential generation: read it before reading what the credentials are checked against. */
  generation(userId: string): Promise<number> {
    return this.sessions.generation(userId);
  }

  /**
   * A new session for a user who just proved who they are, under `generation` (read before the
   * user row the proof was checked against). Null when the generation changed since: a reset,
   * change, disable, role removal or logout-all ran meanwhile, and nothing was opened.
   */
  async open(user: User, generation: number, meta: RequestMeta): Promise<IssuedTokens | null> {
    const issued = await this.sessions.create(user.id, generation, this.config.refresh.ttl * 1000, {
      userAgent: meta.userAgent,
      ip: meta.ip,
    });
    return issued === null ? null : this.tokensFor(user, issued.token, issued.session);
  }

  /** Rotates a refresh token; the new access token carries the user's current roles. */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<IssuedTokens> {
    // A token whose MAC is wrong was never issued here: refused before any session is touched.
    const parts = this.codec.parse(refreshToken);
    if (parts === null) throw new InvalidRefreshTokenError();
    const rotation = await this.sessions.rotate(parts, this.config.refresh.reuseGrace * 1000);
    if (rotation.result === 'reuse') {
      await this.audit.record(
        {
          type: 'refresh.reuse_detected',
          userId: parts.userId,
          details: { sessionId: parts.sessionId },
        },
        meta,
      );
    }
    if (rotation.result !== 'rotated') throw new InvalidRefreshTokenError();

    const user = await this.users.findById(parts.userId);
    if (user === null || user.disabledAt !== null) {
      await this.sessions.end(parts.userId, parts.sessionId);
      throw new InvalidRefreshTokenError();
    }
    return this.tokensFor(user, rotation.issued.token, rotation.issued.session);
  }

  /**
   * Ends the sessions the refresh tokens name (a logout may carry one in the body and another in
   * the cookie) and/or denies an access token (and ends its session). Answers whether anything
   * was recognized.
   */
  async signOut(
    input: { refreshTokens: string[]; principal?: UserPrincipal },
    meta: RequestMeta,
  ): Promise<boolean> {
    let userId = input.principal?.userId;
    for (const refreshToken of input.refreshTokens) {
      const parts = this.codec.parse(refreshToken);
      if (parts === null) continue;
      // One step that ends the session whichever of its tokens this is: never rotate-then-end,
      // which a concurrent refresh could overtake and leave a live successor behind.
      const outcome = await this.sessions.endByToken(parts);
      if (outcome === 'older') {
        // A token two or more rotations old, really issued for this session (its MAC holds).
        await this.audit.record(
          {
            type: 'refresh.reuse_detected',
            userId: parts.userId,
            details: { sessionId: parts.sessionId },
          },
          meta,
        );
      }
      if (outcome !== 'missing') userId ??= parts.userId;
    }
    if (input.principal !== undefined) {
      const { sessionId, token } = input.principal;
      await this.revocations.deny({ userId: input.principal.userId, sessionId, ...token });
      await this.sessions.end(input.principal.userId, sessionId);
    }
    if (userId === undefined) return false;
    await this.audit.record({ type: 'logout', userId }, meta);
    return true;
  }

  /** Ends every session of the user and every access token issued until now (a new generation). */
  async signOutEverywhere(userId: string, meta: RequestMeta, actor?: AuditActor): Promise<number> {
    const ended = await this.newGeneration(userId);
    await this.audit.record(
      {
        type: actor === undefined ? 'logout.all' : 'admin.logout_all',
        userId,
        actor,
        details: { sessions: ended },
      },
      meta,
    );
    return ended;
  }

  /**
   * signOutEverywhere without its audit event, for flows that write their own (password reset). A new
   * generation: every session and access token of the user ends, and so does an outstanding
   * reset link (one mailed before a disable or a sign-out everywhere must not outlive it).
   */
  async newGeneration(userId: string): Promise<number> {
    const { ended } = await this.sessions.newGeneration(userId);
    await this.linkTokens.revoke('password-reset', userId);
    return ended;
  }

  /**
   * A new generation that keeps one session (password change keeps the caller's): every other
   * session of the user ends with its access tokens, in the same step. Answers how many ended.
   */
  async newGenerationKeeping(userId: string, keepSessionId: string): Promise<number> {
    const { ended } = await this.sessions.newGeneration(userId, keepSessionId);
    return ended;
  }

  list(userId: string): Promise<SessionInfo[]> {
    return this.sessions.list(userId);
  }

  async endSession(userId: string, sessionId: string, meta: RequestMeta): Promise<void> {
    if (!(await this.sessions.end(userId, sessionId))) throw new SessionNotFoundError();
    await this.audit.record({ type: 'session.ended', userId, details: { sessionId } }, meta);
  }

  private tokensFor(user: User, refreshToken: string, session: SessionInfo): IssuedTokens {
    const access = this.accessTokens.issue({
      userId: user.id,
      sessionId: session.id,
      roles: user.roles,
    });
    return {
      user,
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresIn: Math.max(0, Math.round((session.expiresAt.getTime() - Date.now()) / 1000)),
    };
  }
}
