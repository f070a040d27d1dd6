import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth } from '../security/auth.decorator';
import { CurrentPrincipal } from '../security/current-principal.decorator';
import type { UserPrincipal } from '../security/principal';
import { Meta, type RequestMeta } from '../common/http/request-meta';
import { AdminUsersService } from './admin-users.service';
import { UserIdPipe } from './user-id.pipe';
import { AdminUserPage, AdminUserView, ListUsersQuery, UpdateUserDto } from './dto/admin-users.dto';
import { ErrorResponse } from '../docs/error-response.dto';

@ApiTags('admin')
@Controller('admin/users')
@Auth({ roles: ['admin'] })
export class AdminUsersController {
  constructor(private readonly admin: AdminUsersService) {}

  @Get()
  @ApiOperation({ summary: 'A page of users' })
  @ApiOkResponse({ type: AdminUserPage })
  async list(@Query() query: ListUsersQuery): Promise<AdminUserPage> {
    const page = await this.admin.list(query);
    return {
      items: page.items.map((user) => AdminUserView.of(user)),
      total: page.total,
      page: query.page,
      limit: query.limit,
    };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change roles, disable or enable a user' })
  @ApiOkResponse({ type: AdminUserView })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such user.' })
  async update(
    @Param('id', UserIdPipe) id: string,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() admin: UserPrincipal,
    @Meta() meta: RequestMeta,
  ): Promise<AdminUserView> {
    return AdminUserView.of(await this.admin.update(id, body, admin, meta));
  }

  @Post(':id/logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End every session of a user' })
  @ApiNoContentResponse({
    description: 'Every session and access token of the user is refused from now on.',
  })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such user.' })
  async logoutAll(
    @Param('id', UserIdPipe) id: string,
    @CurrentPrincipal() admin: UserPrincipal,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.admin.logoutAll(id, admin, meta);
  }
}
