import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsDate,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  isISO8601,
  Max,
  MaxDate,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { rateLimitOf, type ApiKey } from '../api-key.entity';
import { apiKeyStatus, type ApiKeyStatus } from '../api-key.rules';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../security/scopes';

export const MAX_GRACE_SECONDS = 30 * 86_400;
/** ISO 8601 has four-digit years; later dates exist in JavaScript but not in every client. */
const LATEST_EXPIRY = new Date('9999-12-31T23:59:59.999Z');

/**
 * Only an ISO 8601 string becomes a Date. `new Date()` would also take numbers, booleans and
 * arrays (`true` is 1970) and dates PostgreSQL cannot store; anything else stays as sent and
 * fails `IsDate`.
 */
function toIsoDate(value: unknown): unknown {
  return typeof value === 'string' && isISO8601(value, { strict: true }) ? new Date(value) : value;
}

export class RateLimitDto {
  @ApiProperty({ minimum: 1, maximum: 1_000_000, example: 100 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  limit!: number;

  @ApiProperty({ minimum: 1, maximum: 86_400, example: 60, description: 'Window in seconds.' })
  @IsInt()
  @Min(1)
  @Max(86_400)
  ttlSeconds!: number;
}

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100, example: 'Acme billing sync' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({
    enum: API_KEY_SCOPES,
    isArray: true,
    example: ['metrics:read'],
    description: 'Without scopes the key reaches only routes that need none.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes?: ApiKeyScope[];

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    example: '2027-01-01T00:00:00Z',
    description: 'In the future; omit for a key that does not expire.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => toIsoDate(value))
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  @MaxDate(LATEST_EXPIRY, { message: 'expiresAt must be before the year 10000' })
  expiresAt?: Date;

  @ApiPropertyOptional({
    type: RateLimitDto,
    description: 'Omit for the default (API_KEY_RATE_LIMIT per API_KEY_RATE_LIMIT_TTL seconds).',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => RateLimitDto)
  rateLimit?: RateLimitDto;
}

export class RotateApiKeyDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_GRACE_SECONDS,
    default: 0,
    example: 3600,
    description: 'How long the old key keeps working; 0 stops it at once.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  graceSeconds: number = 0;
}

export class ApiKeyView {
  @ApiProperty({
    example: '4fTq9ZbX2kLmN8aR',
    description: 'Public id, also the middle part of the key.',
  })
  id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'sk' }) prefix!: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true }) scopes!: ApiKeyScope[];
  @ApiProperty({ type: RateLimitDto, nullable: true, description: 'Null: the default limit.' })
  rateLimit!: RateLimitDto | null;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status!: ApiKeyStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The key that replaced this one.' })
  replacedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static of(key: ApiKey, now = Date.now()): ApiKeyView {
    return {
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      scopes: key.scopes,
      rateLimit: rateLimitOf(key),
      status: apiKeyStatus(key, now),
      expiresAt: key.expiresAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      createdBy: key.createdById,
      replacedBy: key.replacedById,
      createdAt: key.createdAt.toISOString(),
    };
  }
}

export class CreatedApiKey extends ApiKeyView {
  @ApiProperty({
    example: 'sk_4fTq9ZbX2kLmN8aR_Xq3…',
    description: 'The whole key. Shown once, in this answer only: store it now.',
  })
  key!: string;
}

export class ApiKeyPage {
  @ApiProperty({ type: [ApiKeyView] }) items!: ApiKeyView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}
