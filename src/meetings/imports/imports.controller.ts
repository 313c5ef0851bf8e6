import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountGuard, Roles } from '../../auth/account.guard.js';
import { ImportRequestDto, ImportResultDto } from './dto/import.dto.js';
import { ImportsService } from './imports.service.js';

@ApiTags('meetings')
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @HttpCode(200)
  @UseGuards(AccountGuard)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOkResponse({ type: ImportResultDto })
  run(@Body() dto: ImportRequestDto): Promise<ImportResultDto> {
    return this.imports.run(dto);
  }
}
