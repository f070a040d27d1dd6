import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Public } from '../../src/security/auth.decorator';

export class EchoDto {
  @IsString()
  @MaxLength(50)
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  count?: number;
}

/** Test-only routes that exercise the HTTP stack: body parsing, validation, the error filter. */
@Controller('test')
@Public()
export class FixtureController {
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: EchoDto): EchoDto {
    return body;
  }

  @Get('crash')
  crash(): never {
    throw new Error('connection string postgres://admin:hunter2@db.internal/prod is wrong');
  }
}

@Module({ controllers: [FixtureController] })
export class FixtureModule {}
