import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const PAGE_LIMIT_MAX = 100;
/**
 * The last page a list may ask for. Without a cap, `?page=1e20` passed `IsInt` (a double that
 * large is an integer) and its offset overflowed PostgreSQL's bigint into a 500; at this cap the
 * offset stays below 2^31 whatever the limit.
 */
export const PAGE_MAX = 1_000_000;

/** `?page&limit` of every list route; lists answer `{items, total, page, limit}`. */
export class PageQuery {
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_MAX)
  page: number = 1;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: PAGE_LIMIT_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit: number = 20;
}
