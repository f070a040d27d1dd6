import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiForbiddenResponse,
  getSchemaPath,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Meta, type RequestMeta } from '../common/http/request-meta';
import { UsersService } from '../users/users.service';
import { AccessTokenAuthenticator } from './access-token.authenticator';
import { InvalidRefreshTokenError } from './auth.errors';
import { Auth, Public } from '../security/auth.decorator';
import { CurrentPrincipal, OptionalPrincipal } from '../security/current-principal.decorator';
import { LoginDto, RefreshTokenDto, RegisterDto, VerifyTokenDto } from './dto/auth.dto';
import {
  MeResponse,
  RegistrationPending,
  TokenResponse,
  UserView,
  VerifyResponse,
} from './dto/auth-responses.dto';
import { LoginService } from './login.service';
import type { Principal, UserPrincipal } from '../security/principal';
import { RefreshTokenTransport } from './refresh-token-transport';
import { SessionTokensService, type IssuedTokens } from './session-tokens.service';
import { InvalidTokenError, MissingCredentialsError } from '../tokens/access-token.errors';
import { ErrorResponse } from '../docs/error-response.dto';
import { AuthLimits } from './throttling/auth-limits';
import { DeviceCookies } from './throttling/device-cookies';
import { canonicalEmail } from '../users/email';
import { Throttled } from './throttling/throttled.decorator';

@ApiTags('auth')
@Controller('auth')
@Throttled()
export class AuthController {
  constructor(
    private readonly login: LoginService,
    private readonly sessions: SessionTokensService,
    private readonly transport: RefreshTokenTransport,
    private readonly accessTokens: AccessTokenAuthenticator,
    private readonly users: UsersService,
    private readonly devices: DeviceCookies,
  ) {}

  @Post('register')
  @Public()
  @ApiOperation({
    summary: 'Create an account and sign in',
    description:
      'Mails a verification link. With REQUIRE_EMAIL_VERIFICATION on, answers ' +
      '`{verificationRequired: true, user}` without tokens: sign in after following the link.',
  })
  @ApiExtraModels(RegistrationPending)
  @ApiCreatedResponse({
    schema: {
      oneOf: [{ $ref: getSchemaPath(TokenResponse) }, { $ref: getSchemaPath(RegistrationPending) }],
    },
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'Invalid input or a weak password (details name the problem).',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'An account with this email already exists.',
  })
  async register(
    @Body() body: RegisterDto,
    @Meta() meta: RequestMeta,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse | RegistrationPending> {
    const { user, tokens } = await this.login.register(body, meta);
    if (tokens === undefined) return { verificationRequired: true, user: UserView.of(user) };
    return this.respond(tokens, request, reply);
  }

  @Post('login')
  @Public()
  @AuthLimits('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'Also sets the `device` cookie (httpOnly, SameSite=Strict, path /api/v1/auth/login, 1 year): ' +
      'a later login for the same email that presents it is spared the per-email lockout.',
  })
  @ApiOkResponse({ type: TokenResponse })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'Invalid email or password (the same answer for every failure).',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description:
      'With REQUIRE_EMAIL_VERIFICATION: the email is not verified yet (`email_not_verified`).',
  })
  async signIn(
    @Body() body: LoginDto,
    @Meta() meta: RequestMeta,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse> {
    const email = canonicalEmail(body.email);
    const device = this.devices.idFor(request, email);
    const issued = await this.login.login(body, meta, device);
    this.devices.issue(reply, device, email);
    return this.respond(issued, request, reply);
  }

  @Post('refresh')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Trade a refresh token for new tokens',
    description:
      'The refresh token comes from the body or the refresh_token cookie and is rotated: the answer carries a new one. ' +
      'Presenting an already rotated token ends the whole session.',
  })
  @ApiOkResponse({ type: TokenResponse })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'Missing, invalid, expired, reused or revoked refresh token.',
  })
  async refresh(
    @Body() body: RefreshTokenDto,
    @Meta() meta: RequestMeta,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse> {
    const token = this.transport.presented(request, body.refreshToken);
    if (token === undefined) throw new InvalidRefreshTokenError();
    return this.respond(await this.sessions.refresh(token, meta), request, reply);
  }

  @Post('logout')
  @Public({ optionalUser: true })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End this session',
    description:
      'With a refresh token (body or cookie) and/or a Bearer access token: ends that session and denies that access token.',
  })
  @ApiNoContentResponse({ description: 'Signed out.' })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'Neither a refresh token nor a valid access token.',
  })
  async logout(
    @Body() body: RefreshTokenDto,
    @OptionalPrincipal() caller: Principal | undefined,
    @Meta() meta: RequestMeta,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const refreshTokens = this.transport.allPresented(request, body.refreshToken);
    this.transport.clearCookie(reply);
    // The guard identified the caller by a valid bearer token, or set a refused one aside: an
    // expired or revoked access token must not keep the refresh token alive (a client idle past
    // the access token's lifetime sends exactly that).
    const principal = caller?.type === 'user' ? caller : undefined;
    const recognized = await this.sessions.signOut({ refreshTokens, principal }, meta);
    if (recognized) return;
    if (refreshTokens.length > 0) throw new InvalidRefreshTokenError();
    throw request.headers.authorization !== undefined
      ? new InvalidTokenError()
      : new MissingCredentialsError();
  }

  @Post('logout-all')
  @Auth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End every session of the user, and every access token issued until now',
  })
  @ApiNoContentResponse({ description: 'Signed out everywhere.' })
  async logoutAll(
    @CurrentPrincipal() principal: UserPrincipal,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.sessions.signOutEverywhere(principal.userId, meta);
    this.transport.clearCookie(reply);
  }

  @Get('me')
  @Auth({ apiKey: true })
  @ApiOperation({ summary: 'Who is calling' })
  @ApiOkResponse({ type: MeResponse })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeResponse> {
    if (principal.type === 'apiKey')
      return {
        type: 'apiKey',
        id: principal.keyId,
        name: principal.name,
        scopes: principal.scopes,
      };
    const user = await this.users.getById(principal.userId);
    return {
      type: 'user',
      id: user.id,
      email: user.email,
      roles: user.roles,
      emailVerified: user.emailVerifiedAt !== null,
    };
  }

  @Post('verify')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Check an access token: signature, claims and revocation' })
  @ApiOkResponse({ type: VerifyResponse })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'Anything but a valid, live access token.',
  })
  async verify(@Body() body: VerifyTokenDto): Promise<VerifyResponse> {
    const principal = await this.accessTokens.authenticate(body.token);
    return { valid: true, type: 'access', sub: principal.userId, exp: principal.token.exp };
  }

  private respond(
    issued: IssuedTokens,
    request: FastifyRequest,
    reply: FastifyReply,
  ): TokenResponse {
    const delivery = this.transport.delivery(request);
    if (delivery.cookie)
      this.transport.setCookie(reply, issued.refreshToken, issued.refreshExpiresIn);
    return {
      tokenType: 'Bearer',
      accessToken: issued.accessToken,
      expiresIn: issued.expiresIn,
      ...(delivery.body && { refreshToken: issued.refreshToken }),
      refreshExpiresIn: issued.refreshExpiresIn,
      user: UserView.of(issued.user),
    };
  }
}
