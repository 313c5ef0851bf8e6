import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AttendanceService } from './attendance.service.js';
import { VerificationDto } from './dto/attendance.dto.js';

@ApiTags('attendance')
@Controller('attendance')
export class AttendanceController {
  constructor(private readonly attendance: AttendanceService) {}

  @Get('verify/:code')
  @ApiOkResponse({
    type: VerificationDto,
    description: '`valid: false` for a code we did not sign, or one that was altered',
  })
  verify(@Param('code') code: string): Promise<VerificationDto> {
    return this.attendance.verify(code);
  }
}
