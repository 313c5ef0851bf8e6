import { Module } from '@nestjs/common';
import { FacilitatorsModule } from '../facilitators/facilitators.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { ModerationQueriesService } from './moderation-queries.service.js';
import { ModerationController } from './moderation.controller.js';
import { ModerationRepository } from './moderation.repository.js';
import { ModerationService } from './moderation.service.js';

@Module({
  imports: [RoomsModule, FacilitatorsModule],
  controllers: [ModerationController],
  providers: [ModerationRepository, ModerationService, ModerationQueriesService],
  exports: [ModerationService],
})
export class ModerationModule {}
