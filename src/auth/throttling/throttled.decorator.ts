import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../../docs/error-response.dto';
import { AuthThrottlerGuard } from './auth-throttler.guard';

/** Puts a controller under the /api/v1/auth limits, and says so in the OpenAPI document. */
export const Throttled = (): ClassDecorator =>
  applyDecorators(
    UseGuards(AuthThrottlerGuard),
    ApiTooManyRequestsResponse({
      type: ErrorResponse,
      description: 'Rate limited (see API.md → Limits); `Retry-After` says when to try again.',
    }),
  );
