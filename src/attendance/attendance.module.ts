import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module.js';
import { AttendanceController } from './attendance.controller.js';
import { AttendanceService } from './attendance.service.js';
import { AttendanceSigner } from './attendance-signer.js';

@Module({
  imports: [RoomsModule],
  controllers: [AttendanceController],
  providers: [AttendanceSigner, AttendanceService],
  exports: [AttendanceService],
})
export class AttendanceModule {}
