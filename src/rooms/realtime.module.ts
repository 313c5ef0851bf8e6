import { Module } from '@nestjs/common';
import { AttendanceModule } from '../attendance/attendance.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { RoomsGateway } from './rooms.gateway.js';
import { RoomsModule } from './rooms.module.js';

/** The /rooms gateway, on top of the features it hands events to. */
@Module({
  imports: [RoomsModule, ModerationModule, AttendanceModule],
  providers: [RoomsGateway],
})
export class RealtimeModule {}
