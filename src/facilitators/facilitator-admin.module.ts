import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module.js';
import { FacilitatorAdminController } from './facilitator-admin.controller.js';
import { FacilitatorAdminService } from './facilitator-admin.service.js';

/** Kept apart from FacilitatorsModule: it reaches into rooms (to end sockets), which auth must not. */
@Module({
  imports: [RoomsModule],
  controllers: [FacilitatorAdminController],
  providers: [FacilitatorAdminService],
})
export class FacilitatorAdminModule {}
