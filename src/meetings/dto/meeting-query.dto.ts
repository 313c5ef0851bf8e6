import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class MeetingQueryDto {
  @ApiPropertyOptional({ description: 'Compute nextStart/inProgress at this ISO 8601 instant' })
  @IsOptional()
  @IsISO8601(
    { strict: true },
    { message: 'now must be an ISO 8601 instant, e.g. 2026-11-22T18:30:00Z' },
  )
  now?: string;
}
