import { Module } from '@nestjs/common';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { WebService } from './web.service.js';

@Module({ imports: [MeetingsModule], providers: [WebService], exports: [WebService] })
export class WebModule {}
