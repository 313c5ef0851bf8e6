import { ApiProperty } from '@nestjs/swagger';
import type { HealthReport } from '../health.service.js';

export class HealthReportDto implements HealthReport {
  @ApiProperty({ enum: ['ok', 'error'] })
  status!: 'ok' | 'error';

  @ApiProperty({ enum: ['up', 'down'] })
  db!: 'up' | 'down';
}
