import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarService } from './calendar.service.js';
import { FeedController } from './feed.controller.js';
import { FeedService } from './feed.service.js';
import { Fellowship } from './fellowship.entity.js';
import { FellowshipsService } from './fellowships.service.js';
import { ImportsController } from './imports/imports.controller.js';
import { ImportsService } from './imports/imports.service.js';
import { MeetingsController } from './meetings.controller.js';
import { MeetingsRepository } from './meetings.repository.js';
import { MeetingsService } from './meetings.service.js';
import { OccurrenceWindowService } from './occurrences/occurrence-window.service.js';
import { ReferenceController } from './reference.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([Fellowship])],
  controllers: [MeetingsController, ReferenceController, FeedController, ImportsController],
  providers: [
    MeetingsRepository,
    MeetingsService,
    FellowshipsService,
    OccurrenceWindowService,
    CalendarService,
    FeedService,
    ImportsService,
  ],
  exports: [MeetingsService, MeetingsRepository, FellowshipsService, OccurrenceWindowService],
})
export class MeetingsModule {}
