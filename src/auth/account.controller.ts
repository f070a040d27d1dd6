import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Meta, type RequestMeta } from '../common/http/request-meta';
import { ErrorResponse } from '../docs/error-response.dto';
import { Auth, Public } from '../security/auth.decorator';
import { CurrentPrincipal } from '../security/current-principal.decorator';
import {
  ChangePasswordDto,
  ForgotPasswordDto,
  ResetPasswordDto,
  VerifyEmailDto,
} from './dto/auth.dto';
import { AcceptedResponse } from './dto/auth-responses.dto';
import { EmailVerificationService } from './email-verification.service';
import { PasswordService } from './password.service';
import type { UserPrincipal } from '../security/principal';
import { AuthLimits } from './throttling/auth-limits';
import { Throttled } from './throttling/throttled.decorator';

/** Password forgot / reset / change and email verification. */
@ApiTags('auth')
@Controller('auth')
@Throttled()
export class AccountController {
  constructor(
    private readonly passwords: PasswordService,
    private readonly verification: EmailVerificationService,
  ) {}

  @Post('password/forgot')
  @Public()
  @AuthLimits('forgot')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Mail a password-reset link',
    description:
      'The same answer, in about the same time, whether or not the account exists. The link ' +
      '(APP_URL/reset-password?token=…) works once, for PASSWORD_RESET_TTL seconds; a newer ' +
      'request replaces it.',
  })
  @ApiAcceptedResponse({ type: AcceptedResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Not an email address.' })
  async forgot(
    @Body() body: ForgotPasswordDto,
    @Meta() meta: RequestMeta,
  ): Promise<AcceptedResponse> {
    await this.passwords.forgot(body.email, meta);
    return { message: 'If an account exists for this email, a reset link is on its way' };
  }

  @Post('password/reset')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Choose a new password with the token of a reset link',
    description: 'Ends every session and access token of the user; sign in again afterwards.',
  })
  @ApiNoContentResponse({ description: 'The password is changed.' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'A weak password, or a reset token that is invalid, used, replaced or expired.',
  })
  async reset(@Body() body: ResetPasswordDto, @Meta() meta: RequestMeta): Promise<void> {
    await this.passwords.reset(body.token, body.password, meta);
  }

  @Post('password/change')
  @Auth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Change the password of the signed-in user',
    description: "Ends the user's other sessions; this one stays signed in.",
  })
  @ApiNoContentResponse({ description: 'The password is changed.' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'A wrong current password (`invalid_current_password`) or a weak new one.',
  })
  async change(
    @Body() body: ChangePasswordDto,
    @CurrentPrincipal() principal: UserPrincipal,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.passwords.change(principal, body.currentPassword, body.newPassword, meta);
  }

  @Post('email/verify')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Confirm an email address with the token of its link' })
  @ApiNoContentResponse({ description: 'The email is verified.' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'A token that is invalid, used, replaced or expired.',
  })
  async verifyEmail(@Body() body: VerifyEmailDto, @Meta() meta: RequestMeta): Promise<void> {
    await this.verification.verify(body.token, meta);
  }

  @Post('email/resend')
  @Auth()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Mail a new verification link (the previous one stops working)' })
  @ApiAcceptedResponse({ type: AcceptedResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The email is already verified.' })
  async resend(
    @CurrentPrincipal() principal: UserPrincipal,
    @Meta() meta: RequestMeta,
  ): Promise<AcceptedResponse> {
    await this.verification.resend(principal.userId, meta);
    return { message: 'A new verification link is on its way' };
  }
}
