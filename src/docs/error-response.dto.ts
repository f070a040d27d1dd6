import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class ErrorDetailDto {
  @ApiProperty({ example: 'password' }) field!: string;
  @ApiProperty({ example: 'must be at least 8 characters long' }) problem!: string;
}

/** The one shape of every error answer, for the OpenAPI document. */
export class ErrorResponse {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'Invalid request: email must be an email address' }) message!: string;
  @ApiProperty({ example: '5f0c2c1e-8d1b-4a53-9d0e-2b8f1f0f7a11' }) requestId!: string;
  @ApiPropertyOptional({
    example: 'validation_failed',
    description: 'A stable machine-readable reason.',
  })
  code?: string;
  @ApiPropertyOptional({ type: [ErrorDetailDto] }) details?: ErrorDetailDto[];
}
