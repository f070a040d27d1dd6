import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import type { DependencyStatus } from '../common/health/dependency-status';
import { Auth, Public } from '../security/auth.decorator';
import { CurrentPrincipal } from '../security/current-principal.decorator';
import type { Principal } from '../security/principal';
import { DatabaseHealth } from '../database/database.health';
import { RedisHealth } from '../state/redis.health';
import { mayReadHealthDetails } from './health-details';

/** Each dependency gets this long to answer, so readiness answers well within 5 s. */
const PING_TIMEOUT_MS = 1_500;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseHealth,
    private readonly redis: RedisHealth,
  ) {}

  @Get('live')
  @Public()
  @ApiOkResponse({
    description: 'The process is up and serving HTTP.',
    schema: { example: { status: 'ok' } },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiServiceUnavailableResponse({ description: 'PostgreSQL or Redis does not answer.' })
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    // Public: it says which dependency is down, not why (addresses and errors stay internal).
    return this.check(reply, false);
  }

  @Get()
  @Auth({ apiKey: true })
  @HealthCheck()
  @ApiOperation({
    summary: 'Each dependency with its mode; latency and, when down, the reason for some callers',
    description:
      'Admins and API keys with the scope `health:read` see the latency and failure reason of ' +
      'each dependency; every other caller sees what /health/ready shows.',
  })
  details(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HealthCheckResult> {
    return this.check(reply, mayReadHealthDetails(principal));
  }

  private async check(reply: FastifyReply, withDetails: boolean): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        async () =>
          this.indicate('database', await this.database.check(PING_TIMEOUT_MS), withDetails),
        async () => this.indicate('redis', await this.redis.check(PING_TIMEOUT_MS), withDetails),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  private indicate(
    key: string,
    status: DependencyStatus,
    withDetails: boolean,
  ): HealthIndicatorResult {
    const indicator = this.indicators.check(key);
    const details = withDetails ? status.details : { mode: status.details.mode };
    return status.up ? indicator.up(details) : indicator.down(details);
  }
}
