import { Controller, Get, Module } from '@nestjs/common';
import { Auth } from '../src/security/auth.decorator';

/**
 * One guarded route next to the service's own: GET /api/v1/bench/guarded. It takes an API key
 * with `health:read` (a scope an admin can grant) and a user token with the role `user`. The role
 * is needed: a route that names scopes but no role refuses every user (authorize.ts, docs/api.md).
 */
@Controller('bench')
export class BenchController {
  @Get('guarded')
  @Auth({ apiKey: true, scopes: ['health:read'], roles: ['user'] })
  guarded(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [BenchController] })
export class BenchModule {}
