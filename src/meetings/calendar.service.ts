import { Injectable } from '@nestjs/common';
import type { SearchMeetingsDto } from './dto/search-meetings.dto.js';
import { type CalendarMeeting, renderCalendar } from './formats/icalendar.js';
import { MeetingsService } from './meetings.service.js';
import type { MeetingRow } from './search/meeting-search.sql.js';

/** A subscribable calendar holds at most this many meetings (a page of a search, made larger). */
const CALENDAR_MAX_MEETINGS = 500;
const UID_DOMAIN = 'meetinghouse';

function toCalendarMeeting(row: MeetingRow): CalendarMeeting {
  return {
    slug: row.slug,
    name: row.name,
    days: row.days,
    startMinute: row.start_minute,
    durationMinutes: row.duration_minutes,
    timezone: row.timezone,
    location: row.location,
    formattedAddress:
      row.formatted_address ??
      ([row.address, row.city, row.state, row.postal_code, row.country]
        .filter((p) => p !== null)
        .join(', ') ||
        null),
    conferenceUrl: row.conference_url,
    conferencePhone: row.conference_phone,
    notes: row.notes,
    url: row.url,
    updatedAt: row.updated_at,
  };
}

@Injectable()
export class CalendarService {
  constructor(private readonly meetings: MeetingsService) {}

  async forMeeting(slug: string, nowText: string | undefined): Promise<string> {
    const now = nowText === undefined ? new Date() : new Date(nowText);
    const row = await this.meetings.findRow(slug, now);
    return renderCalendar([toCalendarMeeting(row)], {
      calendarName: row.name,
      now,
      uidDomain: UID_DOMAIN,
    });
  }

  async forSearch(dto: SearchMeetingsDto): Promise<string> {
    const { rows, now } = await this.meetings.searchRows(dto, CALENDAR_MAX_MEETINGS);
    return renderCalendar(rows.map(toCalendarMeeting), {
      calendarName: 'Meetings',
      now,
      uidDomain: UID_DOMAIN,
    });
  }
}
