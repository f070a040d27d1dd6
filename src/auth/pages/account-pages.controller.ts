import { Body, Controller, Get, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Meta, type RequestMeta } from '../../common/http/request-meta';
import { Public } from '../../security/auth.decorator';
import { WeakPasswordError } from '../../users/users.errors';
import { InvalidLinkTokenError } from '../auth.errors';
import { VerifyEmailDto } from '../dto/auth.dto';
import { EmailVerificationService } from '../email-verification.service';
import { PasswordService } from '../password.service';
import { Throttled } from '../throttling/throttled.decorator';
import { LinkQuery, ResetPasswordForm } from './account-page.dto';
import { accountPages } from './account-page.html';

/** The paths of the mailed links (src/mail/templates.ts), served outside /api/v1. */
export const ACCOUNT_PAGE_PATHS = ['verify-email', 'reset-password'] as const;

const INCOMPLETE_LINK = 'The link is incomplete: open it from the mail again, or copy all of it.';

/**
 * What a mailed link opens when no front end of its own receives it (APP_URL): a page with a
 * form, and the form's answer. Opening the link changes nothing (mail scanners open links too):
 * the token goes from the URL into a hidden field, and only submitting the form uses it. Same
 * services, rules and limits (the public `/api/v1/auth` budget) as the API routes.
 */
@ApiExcludeController()
@Controller()
@Throttled()
export class AccountPagesController {
  constructor(
    private readonly passwords: PasswordService,
    private readonly verification: EmailVerificationService,
  ) {}

  @Get('verify-email')
  @Public()
  verifyForm(@Query() query: LinkQuery, @Res({ passthrough: true }) reply: FastifyReply): string {
    if (query.token === undefined || query.token === '')
      return html(reply, HttpStatus.BAD_REQUEST, incomplete('Confirm your email address'));
    return html(reply, HttpStatus.OK, accountPages.verifyForm(query.token));
  }

  @Post('verify-email')
  @Public()
  async verify(
    @Body() form: VerifyEmailDto,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    try {
      await this.verification.verify(form.token, meta);
    } catch (error) {
      if (!(error instanceof InvalidLinkTokenError)) throw error;
      return html(reply, HttpStatus.BAD_REQUEST, linkFailure('Confirm your email address', error));
    }
    return html(reply, HttpStatus.OK, accountPages.verified());
  }

  @Get('reset-password')
  @Public()
  async resetForm(
    @Query() query: LinkQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (query.token === undefined || query.token === '')
      return html(reply, HttpStatus.BAD_REQUEST, incomplete('Choose a new password'));
    // Said now rather than after the new password is typed; the token stays unused.
    const refused = await this.passwords.resetLinkError(query.token);
    if (refused !== null)
      return html(reply, HttpStatus.BAD_REQUEST, linkFailure('Choose a new password', refused));
    return html(reply, HttpStatus.OK, accountPages.resetForm(query.token));
  }

  @Post('reset-password')
  @Public()
  async reset(
    @Body() form: ResetPasswordForm,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (form.password !== form.confirm) {
      const problem = 'The two passwords differ: type the same new password twice.';
      return html(reply, HttpStatus.BAD_REQUEST, accountPages.resetForm(form.token, problem));
    }
    try {
      await this.passwords.reset(form.token, form.password, meta);
    } catch (error) {
      if (error instanceof WeakPasswordError)
        return html(
          reply,
          HttpStatus.BAD_REQUEST,
          accountPages.resetForm(form.token, error.message),
        );
      if (error instanceof InvalidLinkTokenError)
        return html(reply, HttpStatus.BAD_REQUEST, linkFailure('Choose a new password', error));
      throw error;
    }
    return html(reply, HttpStatus.OK, accountPages.passwordReset());
  }
}

function html(reply: FastifyReply, status: HttpStatus, page: string): string {
  void reply.status(status).type('text/html; charset=utf-8');
  return page;
}

function incomplete(title: string): string {
  return accountPages.failure(title, INCOMPLETE_LINK);
}

function linkFailure(title: string, error: InvalidLinkTokenError): string {
  return accountPages.failure(
    title,
    `${error.message}.`,
    'Links work once and for a limited time; ask for a new one in the app.',
  );
}
