import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthReportDto } from './dto/health-report.dto.js';
import { HealthService } from './health.service.js';

/** Served at /health (for probes) and at /api/v1/health (for clients that keep to the base path). */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get(['health', 'api/v1/health'])
  @ApiOkResponse({ type: HealthReportDto, description: 'The service and its database are up' })
  @ApiServiceUnavailableResponse({
    type: HealthReportDto,
    description: 'The database is unreachable',
  })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthReportDto> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503).setHeader('Cache-Control', 'no-store');
    return report;
  }
}
