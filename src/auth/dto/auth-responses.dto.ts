import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { User } from '../../users/user.entity';

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'alice@example.com' }) email!: string;
  @ApiProperty({ example: ['user'], type: [String] }) roles!: string[];
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static of(user: User): UserView {
    return {
      id: user.id,
      email: user.email,
      roles: user.roles,
      emailVerified: user.emailVerifiedAt !== null,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

export class TokenResponse {
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'A JWT (RS256, typ at+jwt).' }) accessToken!: string;
  @ApiProperty({ example: 900, description: 'Seconds until the access token expires.' })
  expiresIn!: number;
  @ApiPropertyOptional({
    description: 'Opaque; absent when it travels only in the refresh_token cookie.',
  })
  refreshToken?: string;
  @ApiProperty({ example: 604800, description: 'Seconds until the session ends (absolute).' })
  refreshExpiresIn!: number;
  @ApiProperty({ type: UserView }) user!: UserView;
}

export class AcceptedResponse {
  @ApiProperty({ example: 'If an account exists for this email, a reset link is on its way' })
  message!: string;
}

export class RegistrationPending {
  @ApiProperty({ example: true }) verificationRequired!: true;
  @ApiProperty({ type: UserView }) user!: UserView;
}

export class MeResponse {
  @ApiProperty({ enum: ['user', 'apiKey'] }) type!: 'user' | 'apiKey';
  @ApiProperty() id!: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional({ type: [String] }) roles?: string[];
  @ApiPropertyOptional() emailVerified?: boolean;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ type: [String] }) scopes?: string[];
}

export class VerifyResponse {
  @ApiProperty({ example: true }) valid!: true;
  @ApiProperty({ example: 'access' }) type!: 'access';
  @ApiProperty({ format: 'uuid' }) sub!: string;
  @ApiProperty({ example: 1767225600, description: 'Expiry, seconds since the epoch.' })
  exp!: number;
}

export class SessionView {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastUsedAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    maxLength: 256,
    description: 'The first 256 characters of the User-Agent header the session was opened with.',
  })
  userAgent!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ description: 'The session of the token making this call.' }) current!: boolean;
}

export class SessionList {
  @ApiProperty({ type: [SessionView] }) items!: SessionView[];
  @ApiProperty() total!: number;
}
