import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountGuard, CurrentAccount } from '../auth/account.guard.js';
import type { Account } from '../facilitators/account.entity.js';
import {
  AuditPageDto,
  AuditQueryDto,
  ListReportsQueryDto,
  ReportDto,
  ReportPageDto,
  ResolveReportDto,
} from './dto/moderation-rest.dto.js';
import { ModerationQueriesService } from './moderation-queries.service.js';

/** Facilitators see the rooms they look after; admins see all. */
@ApiTags('moderation')
@ApiBearerAuth()
@UseGuards(AccountGuard)
@Controller('moderation')
export class ModerationController {
  constructor(private readonly queries: ModerationQueriesService) {}

  @Get('reports')
  @ApiOkResponse({ type: ReportPageDto })
  reports(
    @CurrentAccount() account: Account,
    @Query() query: ListReportsQueryDto,
  ): Promise<ReportPageDto> {
    return this.queries.reports(account, query);
  }

  @Post('reports/:id/resolve')
  @HttpCode(200)
  @ApiOkResponse({ type: ReportDto })
  resolve(
    @CurrentAccount() account: Account,
    @Param('id') id: string,
    @Body() dto: ResolveReportDto,
  ): Promise<ReportDto> {
    return this.queries.resolve(account, id, dto);
  }

  @Get('audit')
  @ApiOkResponse({
    type: AuditPageDto,
    description: 'Newest first; entries cannot be changed or removed',
  })
  audit(@CurrentAccount() account: Account, @Query() query: AuditQueryDto): Promise<AuditPageDto> {
    return this.queries.audit(account, query);
  }
}
