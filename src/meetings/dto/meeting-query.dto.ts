import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsInstant } from '../../common/validators.js';

export class MeetingQueryDto {
  @ApiPropertyOptional({ description: 'Compute nextStart/inProgress at this ISO 8601 instant' })
  @IsOptional()
  @IsInstant()
  now?: string;
}
