import {
  BMLT_ATTENDANCE_FORMATS,
  BMLT_FORMAT_TO_TYPES,
  NA_TYPES,
} from '../catalog/meeting-types.data.js';
import {
  MAX_DURATION_MINUTES,
  formatClockTime,
  slugify,
  type AttendanceOption,
  type MeetingRecord,
} from '../meeting-record.js';
import type { ImportRow, ParseOptions } from './import-row.js';
import { ImportParseError } from './import-parse-error.js';
import { describeKind, isPlainObject, readCoordinate } from './parse-meeting-guide.js';

/** BMLT data-table keys whose text carries over unchanged. */
const TEXT_FIELDS = {
  meeting_name: 'name',
  time_zone: 'timezone',
  location_text: 'location',
  location_street: 'address',
  location_municipality: 'city',
  location_province: 'state',
  location_postal_code_1: 'postal_code',
  location_nation: 'country',
  location_info: 'location_notes',
  comments: 'notes',
  virtual_meeting_link: 'conference_url',
  virtual_meeting_additional_info: 'conference_url_notes',
  phone_meeting_number: 'conference_phone',
  phone_meeting_additional_info: 'conference_phone_notes',
} as const satisfies Record<string, keyof MeetingRecord>;

const VENUE_TYPES: Readonly<Record<string, AttendanceOption>> = {
  '1': 'in_person',
  '2': 'online',
  '3': 'hybrid',
};

const CLOCK = /^(\d{1,2}):(\d{2})(?::\d{2})?$/;
const DURATION = /^(\d{1,3}):([0-5]\d)(?::[0-5]\d)?$/;

/**
 * BMLT sends every value as a string and "" for "not set"; a few aggregators send numbers.
 * Returns the trimmed text, or undefined when there is nothing there.
 */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Blank strings become absent; other non-strings go on as they are, for normalizeMeeting to name. */
function text(value: unknown): unknown {
  if (value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  return value;
}

function bmltMeetings(data: unknown): unknown[] {
  if (Array.isArray(data)) return data;
  // `get_used_formats=1` wraps the same rows as { meetings, formats }.
  if (isPlainObject(data) && Array.isArray(data.meetings)) return data.meetings as unknown[];
  throw new ImportParseError(
    'bmlt',
    `BMLT data must be the GetSearchResults array of meetings, or an object with a "meetings" array (got ${describeKind(data)})`,
  );
}

function sourceSlugOf(row: Record<string, unknown>): string | null {
  const id = slugify(scalar(row.id_bigint) ?? '');
  if (id === '') return null;
  // Meeting ids are unique per server only; an aggregator tells the servers apart.
  const root = slugify(scalar(row.root_server_id) ?? '');
  return root === '' ? `bmlt-${id}` : `bmlt-${root}-${id}`;
}

function formatKeys(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || !list.every((key) => typeof key === 'string')) return undefined;
  return list.map((key) => key.trim()).filter((key) => key !== '');
}

function typesOf(keys: readonly string[], keepNaTypes: boolean): string[] {
  const types: string[] = [];
  for (const key of keys) {
    // VM and HY say how to attend, which attendance_option carries.
    if (BMLT_ATTENDANCE_FORMATS.has(key)) continue;
    const mapped = BMLT_FORMAT_TO_TYPES[key];
    if (mapped !== undefined) types.push(...mapped);
    else if (keepNaTypes && NA_TYPES[key] !== undefined) types.push(key);
    // Anything else is a server's own key with no meaning we can rely on.
  }
  return [...new Set(types)];
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseSchedule(
  row: Record<string, unknown>,
): Parsed<{ day: number; time: string; end_time?: string }> {
  const weekday = scalar(row.weekday_tinyint);
  if (weekday === undefined || !/^[1-7]$/.test(weekday)) {
    return {
      ok: false,
      error:
        weekday === undefined
          ? 'has no weekday_tinyint (1 = Sunday … 7 = Saturday)'
          : `weekday_tinyint must be 1 (Sunday) to 7 (Saturday) (got "${weekday.slice(0, 20)}")`,
    };
  }
  const start = scalar(row.start_time);
  const clock = start === undefined ? null : CLOCK.exec(start);
  if (start === undefined || clock === null) {
    return {
      ok: false,
      error:
        start === undefined
          ? 'has no start_time'
          : `start_time must be "HH:MM:SS" (got "${start.slice(0, 20)}")`,
    };
  }
  const [, hours = '', minutes = ''] = clock;
  const schedule = { day: Number(weekday) - 1, time: `${hours.padStart(2, '0')}:${minutes}` };

  const duration = scalar(row.duration_time);
  if (duration === undefined) return { ok: true, value: schedule };
  const span = DURATION.exec(duration);
  if (span === null) {
    return {
      ok: false,
      error: `duration_time must be "HH:MM:SS" (got "${duration.slice(0, 20)}")`,
    };
  }
  const durationMinutes = Number(span[1]) * 60 + Number(span[2]);
  // BMLT itself replaces a zero duration with the server's default, which we cannot know.
  if (durationMinutes === 0) return { ok: true, value: schedule };
  if (durationMinutes > MAX_DURATION_MINUTES) {
    // An end time would wrap around the clock and pass as a short meeting, so stop it here.
    return {
      ok: false,
      error: `duration_time ${duration} is longer than the ${MAX_DURATION_MINUTES / 60} hours a meeting may last`,
    };
  }
  const startMinute = Number(hours) * 60 + Number(minutes);
  return {
    ok: true,
    value: { ...schedule, end_time: formatClockTime(startMinute + durationMinutes) },
  };
}

function attendanceOf(
  venueType: string | undefined,
  keys: readonly string[],
  hasConference: boolean,
): AttendanceOption | undefined {
  const venue = venueType === undefined ? undefined : VENUE_TYPES[venueType];
  if (venue === 'in_person' && keys.includes('TC')) {
    // "Facility temporarily closed": listing it as in person would send people to a locked door.
    return hasConference ? 'online' : 'inactive';
  }
  if (venue !== undefined) return venue;
  // Rows from before venue_type existed: the server's reserved format keys still say it.
  if (keys.includes('HY')) return 'hybrid';
  if (keys.includes('VM')) return 'online';
  // Otherwise normalizeMeeting derives it from the conference fields and the address.
  return undefined;
}

function parseRow(item: unknown, index: number, keepNaTypes: boolean): ImportRow {
  if (!isPlainObject(item)) {
    return { index, sourceSlug: null, error: `not a meeting object (got ${describeKind(item)})` };
  }
  const sourceSlug = sourceSlugOf(item);
  const fail = (error: string): ImportRow => ({ index, sourceSlug, error });
  if (sourceSlug === null) {
    return fail('has no id_bigint, so it could not be matched again on a later import');
  }
  if (scalar(item.published) === '0') {
    return fail('is unpublished (published "0") on the BMLT server');
  }
  const schedule = parseSchedule(item);
  if (!schedule.ok) return fail(schedule.error);
  const keys = formatKeys(item.formats);
  if (keys === undefined) return fail('formats must be a comma-separated string of format keys');

  const record: MeetingRecord = { ...schedule.value };
  for (const [from, to] of Object.entries(TEXT_FIELDS)) {
    const value = text(item[from]);
    if (value !== undefined) record[to] = value;
  }
  record.types = typesOf(keys, keepNaTypes);

  const hasConference =
    record.conference_url !== undefined || record.conference_phone !== undefined;
  const venueType = scalar(item.venue_type);
  const attendance = attendanceOf(venueType, keys, hasConference);
  if (attendance !== undefined) record.attendance_option = attendance;

  const latitude = readCoordinate(item.latitude);
  const longitude = readCoordinate(item.longitude);
  // BMLT stores 0,0 for "no coordinates": a point in the Gulf of Guinea is never a meeting place.
  const placeholder = latitude === 0 && longitude === 0;
  if (!placeholder) {
    if (latitude !== undefined) record.latitude = latitude;
    if (longitude !== undefined) record.longitude = longitude;
  }
  const realCoordinates =
    typeof record.latitude === 'number' && typeof record.longitude === 'number';
  if (venueType === '2' && !realCoordinates) record.approximate = 'yes';

  return { index, sourceSlug, record };
}

/**
 * BMLT `GetSearchResults` JSON → one ImportRow per meeting. Days, times and formats are
 * translated into the Meeting Guide vocabulary; the rest is handed on for normalizeMeeting.
 */
export function parseBmlt(data: unknown, options: ParseOptions): ImportRow[] {
  const fellowship = options.fellowship?.trim().toLowerCase();
  // NA's own formats mean nothing for another fellowship's meetings.
  const keepNaTypes = fellowship === undefined || fellowship === '' || fellowship === 'na';
  return bmltMeetings(data).map((item, index) => parseRow(item, index, keepNaTypes));
}
