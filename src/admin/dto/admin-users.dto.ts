import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '../../common/http/page-query';
import { CanonicalEmailMaxLength } from '../../users/canonical-email-length';
import { EMAIL_MAX_LENGTH } from '../../users/email';
import { ROLES, type Role } from '../../security/roles';
import type { User } from '../../users/user.entity';

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the email to look for.' })
  @IsOptional()
  @IsString()
  @MaxLength(EMAIL_MAX_LENGTH)
  @CanonicalEmailMaxLength()
  email?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES, isArray: true, example: ['user', 'admin'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ description: 'Disabling ends every session of the user at once.' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class AdminUserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static of(user: User): AdminUserView {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      roles: user.roles,
      emailVerified: user.emailVerifiedAt !== null,
      disabled: user.disabledAt !== null,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

export class AdminUserPage {
  @ApiProperty({ type: [AdminUserView] }) items!: AdminUserView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}
