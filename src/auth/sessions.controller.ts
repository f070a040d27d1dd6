import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Meta, type RequestMeta } from '../common/http/request-meta';
import { isSessionId } from '../tokens/refresh-token';
import { SessionNotFoundError } from './auth.errors';
import { Auth } from '../security/auth.decorator';
import { CurrentPrincipal } from '../security/current-principal.decorator';
import { SessionList } from './dto/auth-responses.dto';
import type { UserPrincipal } from '../security/principal';
import { SessionTokensService } from './session-tokens.service';
import { ErrorResponse } from '../docs/error-response.dto';
import { Throttled } from './throttling/throttled.decorator';

@ApiTags('auth')
@Controller('auth/sessions')
@Throttled()
@Auth()
export class SessionsController {
  constructor(private readonly sessions: SessionTokensService) {}

  @Get()
  @ApiOperation({ summary: "The caller's signed-in devices" })
  @ApiOkResponse({ type: SessionList })
  async list(@CurrentPrincipal() principal: UserPrincipal): Promise<SessionList> {
    const sessions = await this.sessions.list(principal.userId);
    const items = sessions.map((session) => ({
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
      userAgent: session.userAgent,
      ip: session.ip,
      current: session.id === principal.sessionId,
    }));
    return { items, total: items.length };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign one device out' })
  @ApiNoContentResponse({
    description: 'The session ended; its refresh and access tokens stop working.',
  })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such session among the caller’s.' })
  async end(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('id') id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    // Sessions are stored under their user: another user's session id is simply not found.
    if (!isSessionId(id)) throw new SessionNotFoundError();
    await this.sessions.endSession(principal.userId, id, meta);
  }
}
