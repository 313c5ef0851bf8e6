import { isoInstant } from '../common/instants.js';
import type { MeetingResponseDto } from './dto/meeting-response.dto.js';
import { formatClockTime } from './meeting-record.js';
import type { MeetingRow } from './search/meeting-search.sql.js';

/** Row → the contract's meeting. Never an entity: only these fields leave the service. */
export function toMeetingResponse(
  row: MeetingRow,
  fellowshipSlug: string,
  now: Date,
): MeetingResponseDto {
  const days = row.days;
  return {
    slug: row.slug,
    name: row.name,
    fellowship: fellowshipSlug,
    day: days.length === 1 ? (days[0] as number) : [...days],
    time: formatClockTime(row.start_minute),
    end_time: formatClockTime(row.start_minute + row.duration_minutes),
    timezone: row.timezone,
    types: row.types,
    attendance_option: row.attendance_option,
    location: row.location,
    formatted_address: row.formatted_address,
    address: row.address,
    city: row.city,
    state: row.state,
    postal_code: row.postal_code,
    country: row.country,
    latitude: row.latitude,
    longitude: row.longitude,
    approximate: row.approximate ? 'yes' : 'no',
    region: row.region,
    sub_region: row.sub_region,
    conference_url: row.conference_url,
    conference_url_notes: row.conference_url_notes,
    conference_phone: row.conference_phone,
    conference_phone_notes: row.conference_phone_notes,
    notes: row.notes,
    location_notes: row.location_notes,
    group: row.group_name,
    group_notes: row.group_notes,
    groupId: row.group_id,
    url: row.url,
    updated: isoInstant(row.updated_at),
    roomId: row.room_id,
    nextStart: row.next_start === null ? null : isoInstant(row.next_start),
    nextEnd: row.next_end === null ? null : isoInstant(row.next_end),
    inProgress: row.next_start !== null && row.next_start.getTime() <= now.getTime(),
    distanceKm: row.distance_m === null ? null : Math.round(row.distance_m / 10) / 100,
  };
}
