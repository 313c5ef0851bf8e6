import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { FeedService } from './feed.service.js';

@ApiTags('meetings')
@Controller('feeds')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  @Get('meeting-guide.json')
  @ApiOkResponse({
    description: 'Every active meeting as a Meeting Guide JSON feed (a plain array)',
  })
  meetingGuide(@Res() res: Response): Promise<void> {
    return this.feed.writeMeetingGuideFeed(res);
  }
}
