import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { CanonicalEmailMaxLength } from '../../users/canonical-email-length';
import { EMAIL_MAX_LENGTH } from '../../users/email';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export class RegisterDto {
  @ApiProperty({
    example: 'alice@example.com',
    description: 'Trimmed and lower-cased: one account per canonical email.',
  })
  @Transform(trim)
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(EMAIL_MAX_LENGTH)
  @CanonicalEmailMaxLength()
  email!: string;

  @ApiProperty({
    example: 'correct horse battery staple',
    description:
      'At least 8 characters and at most 72 bytes; common or guessable passwords are refused.',
  })
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ example: 'Alice' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

export class LoginDto {
  @ApiProperty({ example: 'alice@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(EMAIL_MAX_LENGTH)
  @CanonicalEmailMaxLength()
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class RefreshTokenDto {
  @ApiPropertyOptional({
    description: 'The refresh token; omit it to use the refresh_token cookie.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  refreshToken?: string;
}

export class VerifyTokenDto {
  @ApiProperty({ description: 'An access token.' })
  @IsString()
  @MaxLength(8192)
  token!: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ example: 'alice@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(EMAIL_MAX_LENGTH)
  @CanonicalEmailMaxLength()
  email!: string;
}

export class ResetPasswordDto {
  @ApiProperty({ description: 'The token from the reset link.' })
  @IsString()
  @MaxLength(256)
  token!: string;

  @ApiProperty({ example: 'a new correct horse battery staple' })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({ example: 'a new correct horse battery staple' })
  @IsString()
  @MaxLength(1024)
  newPassword!: string;
}

export class VerifyEmailDto {
  @ApiProperty({ description: 'The token from the verification link.' })
  @IsString()
  @MaxLength(256)
  token!: string;
}
