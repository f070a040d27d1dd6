import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Auth } from '../security/auth.decorator';
import { CurrentPrincipal } from '../security/current-principal.decorator';
import type { UserPrincipal } from '../security/principal';
import { PageQuery } from '../common/http/page-query';
import { Meta, type RequestMeta } from '../common/http/request-meta';
import { ErrorResponse } from '../docs/error-response.dto';
import { ApiKeyIdPipe } from './api-key-id.pipe';
import { ApiKeysService, type IssuedApiKey } from './api-keys.service';
import {
  ApiKeyPage,
  ApiKeyView,
  CreateApiKeyDto,
  CreatedApiKey,
  RotateApiKeyDto,
} from './dto/api-keys.dto';

const KEY_ID = { name: 'id', description: 'The key id (the part after the prefix).' };

/** Admins issue, inspect, rotate and revoke API keys. Never reachable with an API key. */
@ApiTags('admin')
@Controller('admin/api-keys')
@Auth({ roles: ['admin'] })
export class AdminApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Issue an API key',
    description: 'The answer holds the whole key. It is shown once and cannot be recovered.',
  })
  @ApiCreatedResponse({ type: CreatedApiKey })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'The details name the field: an unknown scope, a past expiresAt, a bad limit.',
  })
  async create(
    @Body() body: CreateApiKeyDto,
    @CurrentPrincipal() admin: UserPrincipal,
    @Meta() meta: RequestMeta,
  ): Promise<CreatedApiKey> {
    return created(await this.apiKeys.create(body, admin, meta));
  }

  @Get()
  @ApiOperation({ summary: 'A page of API keys, newest first (never a secret or hash)' })
  @ApiOkResponse({ type: ApiKeyPage })
  async list(@Query() query: PageQuery): Promise<ApiKeyPage> {
    const page = await this.apiKeys.list(query.page, query.limit);
    const now = Date.now();
    return {
      items: page.items.map((key) => ApiKeyView.of(key, now)),
      total: page.total,
      page: query.page,
      limit: query.limit,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One API key (never its secret or hash)' })
  @ApiParam(KEY_ID)
  @ApiOkResponse({ type: ApiKeyView })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such key.' })
  async get(@Param('id', ApiKeyIdPipe) id: string): Promise<ApiKeyView> {
    return ApiKeyView.of(await this.apiKeys.get(id));
  }

  @Post(':id/rotate')
  @ApiOperation({
    summary: 'Replace a key with a new one',
    description:
      'The new key has a new id and the same name, scopes, limit and expiry. The old key keeps ' +
      'working for `graceSeconds` (default 0: it stops at once), on every instance.',
  })
  @ApiParam(KEY_ID)
  @ApiCreatedResponse({ type: CreatedApiKey })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'graceSeconds out of range.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such key.' })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'The key is revoked, expired or already rotated.',
  })
  async rotate(
    @Param('id', ApiKeyIdPipe) id: string,
    @Body() body: RotateApiKeyDto,
    @CurrentPrincipal() admin: UserPrincipal,
    @Meta() meta: RequestMeta,
  ): Promise<CreatedApiKey> {
    return created(await this.apiKeys.rotate(id, body.graceSeconds, admin, meta));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke a key: every instance refuses it within a second' })
  @ApiParam(KEY_ID)
  @ApiNoContentResponse({ description: 'Revoked (also when it already was).' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such key.' })
  async revoke(
    @Param('id', ApiKeyIdPipe) id: string,
    @CurrentPrincipal() admin: UserPrincipal,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.apiKeys.revoke(id, admin, meta);
  }
}

function created(issued: IssuedApiKey): CreatedApiKey {
  return { ...ApiKeyView.of(issued.record), key: issued.key };
}
