import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ResetPasswordDto } from '../dto/auth.dto';

/** `?token=…` of a mailed link. Absent is not an error of the request: the page says what to do. */
export class LinkQuery {
  @IsOptional()
  @IsString()
  @MaxLength(256)
  token?: string;
}

/** The reset page's form: the API's fields, and the password typed a second time. */
export class ResetPasswordForm extends ResetPasswordDto {
  @IsString()
  @MaxLength(1024)
  confirm!: string;
}
