import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { RequestMeta } from '../common/http/request-meta';
import type { AppConfig } from '../config/app-config';
import { InjectConfig } from '../config/config.module';
import { AccessTokenIssuer } from '../tokens/access-token.issuer';
import { RefreshSessionStore, type SessionInfo } from '../tokens/refresh-session.store';
import { parseRefreshToken } from '../tokens/refresh-token';
import { RevocationStore } from '../tokens/revocation.store';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { InvalidRefreshTokenError, SessionNotFoundError } from './auth.errors';
import type { UserPrincipal } from './principal';

export interface IssuedTokens {
  user: User;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  /** Seconds left in the session (absolute: rotation never extends it). */
  refreshExpiresIn: number;
}

/** Sessions and the tokens that carry them: open, rotate, end. */
@Injectable()
export class SessionTokensService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly sessions: RefreshSessionStore,
    private readonly revocations: RevocationStore,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** A new session for a user who just proved who they are. */
  async open(user: User, meta: RequestMeta): Promise<IssuedTokens> {
    const issued = await this.sessions.create(user.id, this.config.refresh.ttl * 1000, {
      userAgent: meta.userAgent,
      ip: meta.ip,
    });
    return this.tokensFor(user, issued.token, issued.session);
  }

  /** Rotates a refresh token; the new access token carries the user's current roles. */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<IssuedTokens> {
    const parts = parseRefreshToken(refreshToken);
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
   * Ends the session a refresh token names and/or denies an access token (and ends its session).
   * Answers whether anything was recognized.
   */
  async logout(
    input: { refreshToken?: string; principal?: UserPrincipal },
    meta: RequestMeta,
  ): Promise<boolean> {
    let recognized = false;
    const parts = input.refreshToken !== undefined ? parseRefreshToken(input.refreshToken) : null;
    if (parts !== null) {
      // Rotating first proves the token is the session's current one; an older token of the
      // session is reuse, which ends the session all the same. Either way it is over.
      const outcome = await this.sessions.rotate(parts, 0);
      if (outcome.result === 'rotated') await this.sessions.end(parts.userId, parts.sessionId);
      recognized = outcome.result !== 'missing';
    }
    if (input.principal !== undefined) {
      const { userId, sessionId, token } = input.principal;
      await this.revocations.deny({ userId, sessionId, ...token });
      await this.sessions.end(userId, sessionId);
      recognized = true;
    }
    if (recognized) {
      await this.audit.record(
        { type: 'logout', userId: parts?.userId ?? input.principal?.userId },
        meta,
      );
    }
    return recognized;
  }

  /** Ends every session of the user and every access token issued until now. */
  async logoutAll(userId: string, meta: RequestMeta, actorId?: string): Promise<number> {
    const ended = await this.endEverything(userId);
    await this.audit.record(
      {
        type: actorId === undefined ? 'logout.all' : 'admin.logout_all',
        userId,
        actorId,
        details: { sessions: ended },
      },
      meta,
    );
    return ended;
  }

  /** logoutAll without its audit event, for flows that write their own (password reset). */
  async endEverything(userId: string): Promise<number> {
    const ended = await this.sessions.endAll(userId);
    await this.revocations.revokeAllIssuedBefore(userId, this.config.jwt.accessTokenTtl);
    return ended;
  }

  /** Ends every session of the user but one (with its access tokens); answers how many. */
  async endOthers(userId: string, keepSessionId: string): Promise<number> {
    const others = (await this.sessions.list(userId)).filter((s) => s.id !== keepSessionId);
    const ended = await Promise.all(others.map((s) => this.sessions.end(userId, s.id)));
    return ended.filter(Boolean).length;
  }

  list(userId: string): Promise<SessionInfo[]> {
    return this.sessions.list(userId);
  }

  async end(userId: string, sessionId: string, meta: RequestMeta): Promise<void> {
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
