import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { AccountGuard, CurrentAccount } from '../auth/account.guard.js';
import type { Account } from '../facilitators/account.entity.js';
import { CalendarService } from './calendar.service.js';
import { MeetingPageDto, MeetingResponseDto } from './dto/meeting-response.dto.js';
import { MeetingQueryDto } from './dto/meeting-query.dto.js';
import { CreateMeetingDto, UpdateMeetingDto } from './dto/meeting-write.dto.js';
import { SearchMeetingsDto } from './dto/search-meetings.dto.js';
import { MeetingsService } from './meetings.service.js';

const ICS = 'text/calendar; charset=utf-8';

@ApiTags('meetings')
@Controller('meetings')
export class MeetingsController {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly calendars: CalendarService,
  ) {}

  @Get()
  @ApiOkResponse({ type: MeetingPageDto })
  search(@Query() query: SearchMeetingsDto): Promise<MeetingPageDto> {
    return this.meetings.search(query);
  }

  @Get('calendar.ics')
  @Header('Content-Type', ICS)
  @ApiProduces('text/calendar')
  @ApiOkResponse({
    description: 'One iCalendar (RFC 5545) for a whole search, at most 500 meetings',
  })
  searchCalendar(@Query() query: SearchMeetingsDto): Promise<string> {
    return this.calendars.forSearch(query);
  }

  @Get(':slug')
  @ApiOkResponse({ type: MeetingResponseDto })
  get(@Param('slug') slug: string, @Query() query: MeetingQueryDto): Promise<MeetingResponseDto> {
    return this.meetings.get(slug, query.now);
  }

  @Get(':slug/calendar.ics')
  @Header('Content-Type', ICS)
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'The meeting as an iCalendar weekly event' })
  calendar(@Param('slug') slug: string, @Query() query: MeetingQueryDto): Promise<string> {
    return this.calendars.forMeeting(slug, query.now);
  }

  @Post()
  @UseGuards(AccountGuard)
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: MeetingResponseDto })
  create(
    @Body() dto: CreateMeetingDto,
    @CurrentAccount() account: Account,
  ): Promise<MeetingResponseDto> {
    return this.meetings.create(dto, account);
  }

  @Patch(':slug')
  @UseGuards(AccountGuard)
  @ApiBearerAuth()
  @ApiOkResponse({ type: MeetingResponseDto })
  update(
    @Param('slug') slug: string,
    @Body() dto: UpdateMeetingDto,
    @CurrentAccount() account: Account,
  ): Promise<MeetingResponseDto> {
    return this.meetings.update(slug, dto, account);
  }

  @Delete(':slug')
  @HttpCode(204)
  @UseGuards(AccountGuard)
  @ApiBearerAuth()
  @ApiNoContentResponse()
  remove(@Param('slug') slug: string, @CurrentAccount() account: Account): Promise<void> {
    return this.meetings.remove(slug, account);
  }
}
