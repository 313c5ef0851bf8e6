import type { ErrorDetail } from '../common/errors/domain-error.js';
import { findType } from './catalog/meeting-types.js';

export const ATTENDANCE_OPTIONS = ['in_person', 'online', 'hybrid', 'inactive'] as const;
export type AttendanceOption = (typeof ATTENDANCE_OPTIONS)[number];

/** The contract's limit: longer "meetings" are almost always a data-entry mistake (20:00–19:00). */
export const MAX_DURATION_MINUTES = 12 * 60;
export const DEFAULT_DURATION_MINUTES = 60;

/**
 * A meeting in the Meeting Guide vocabulary, as the API and the importers receive it, before
 * any checking: every field is `unknown` because it may come straight from someone's feed.
 */
export interface MeetingRecord {
  slug?: unknown;
  name?: unknown;
  fellowship?: unknown;
  day?: unknown;
  time?: unknown;
  end_time?: unknown;
  timezone?: unknown;
  types?: unknown;
  attendance_option?: unknown;
  location?: unknown;
  formatted_address?: unknown;
  address?: unknown;
  city?: unknown;
  state?: unknown;
  postal_code?: unknown;
  country?: unknown;
  latitude?: unknown;
  longitude?: unknown;
  approximate?: unknown;
  region?: unknown;
  sub_region?: unknown;
  conference_url?: unknown;
  conference_url_notes?: unknown;
  conference_phone?: unknown;
  conference_phone_notes?: unknown;
  notes?: unknown;
  location_notes?: unknown;
  group?: unknown;
  group_notes?: unknown;
  url?: unknown;
}

export const MEETING_TEXT_FIELDS = {
  location: 300,
  formatted_address: 500,
  address: 300,
  city: 120,
  state: 120,
  postal_code: 20,
  country: 80,
  region: 120,
  sub_region: 120,
  conference_url_notes: 1000,
  conference_phone_notes: 1000,
  notes: 5000,
  location_notes: 2000,
  group: 200,
  group_notes: 2000,
} as const;
type TextField = keyof typeof MEETING_TEXT_FIELDS;

/** A checked meeting, ready to store. */
export interface NormalizedMeeting {
  /** Absent: one is generated from the name. */
  slug: string | null;
  name: string;
  fellowship: string;
  days: number[];
  startMinute: number;
  durationMinutes: number;
  timezone: string;
  types: string[];
  attendanceOption: AttendanceOption;
  location: string | null;
  formattedAddress: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  approximate: boolean;
  region: string | null;
  subRegion: string | null;
  conferenceUrl: string | null;
  conferenceUrlNotes: string | null;
  conferencePhone: string | null;
  conferencePhoneNotes: string | null;
  notes: string | null;
  locationNotes: string | null;
  group: string | null;
  groupNotes: string | null;
  url: string | null;
}

export interface NormalizeContext {
  /** Known fellowship slugs. */
  fellowships: ReadonlySet<string>;
  /** Used when the record has none (an import's `fellowship` / `timezone` parameters). */
  defaultFellowship?: string | undefined;
  defaultTimezone?: string | undefined;
}

export type NormalizeResult =
  { ok: true; meeting: NormalizedMeeting } | { ok: false; errors: ErrorDetail[] };

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const TIME_PATTERN = /^([01]?\d|2[0-3]):([0-5]\d)$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const PHONE_PATTERN = /^\+?[0-9][0-9 ().,*#-]{2,59}$/;

/** "07:30" → 450; undefined when not a 24-hour HH:MM time. */
export function parseClockTime(value: string): number | undefined {
  const match = TIME_PATTERN.exec(value.trim());
  if (match === null) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

export function formatClockTime(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** The zone's canonical IANA name, or undefined when it is not one. */
export function canonicalTimezone(value: string): string | undefined {
  // Intl also accepts offsets such as "+05:00" on newer engines; meetings need real zones.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(value)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Checks one meeting record against the contract and returns it in storable form, or every
 * problem found (never only the first), each naming its field.
 */
export function normalizeMeeting(record: MeetingRecord, ctx: NormalizeContext): NormalizeResult {
  const errors: ErrorDetail[] = [];
  const fail = (field: string, message: string): undefined => {
    errors.push({ field, message });
    return undefined;
  };

  const text = (field: TextField | 'name' | 'slug', max: number, value: unknown): string | null => {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') return fail(field, `${field} must be a string`) ?? null;
    const trimmed = value.trim();
    if (trimmed === '') return null;
    // NUL cannot be stored at all, and other control characters are never meant (\n and \t are).
    if (CONTROL_CHARACTERS.test(trimmed)) {
      return fail(field, `${field} must not contain control characters`) ?? null;
    }
    if (trimmed.length > max)
      return fail(field, `${field} must be at most ${max} characters`) ?? null;
    return trimmed;
  };

  const name = text('name', 200, record.name);
  if (name === null && !errors.some((e) => e.field === 'name')) fail('name', 'name is required');

  let slug = text('slug', 100, record.slug);
  if (slug !== null && !SLUG_PATTERN.test(slug)) {
    slug = fail('slug', 'slug must be lower-case letters, digits and single hyphens') ?? null;
  }

  let fellowship: string | undefined;
  const rawFellowship = record.fellowship ?? ctx.defaultFellowship;
  if (rawFellowship === undefined || rawFellowship === null || rawFellowship === '') {
    fail('fellowship', 'fellowship is required');
  } else if (
    typeof rawFellowship !== 'string' ||
    !ctx.fellowships.has(rawFellowship.trim().toLowerCase())
  ) {
    fail('fellowship', `fellowship must be one of ${[...ctx.fellowships].sort().join(', ')}`);
  } else {
    fellowship = rawFellowship.trim().toLowerCase();
  }

  let days: number[] | undefined;
  const rawDays = Array.isArray(record.day) ? (record.day as unknown[]) : [record.day];
  if (record.day === undefined || record.day === null || rawDays.length === 0) {
    fail('day', 'day is required (0 = Sunday … 6 = Saturday, or an array of them)');
  } else if (
    rawDays.length > 7 ||
    !rawDays.every((d) => Number.isInteger(d) && (d as number) >= 0 && (d as number) <= 6)
  ) {
    fail('day', 'day must be an integer 0–6 (0 = Sunday) or an array of them');
  } else {
    days = [...new Set(rawDays as number[])].sort((a, b) => a - b);
  }

  let startMinute: number | undefined;
  if (typeof record.time !== 'string') {
    fail('time', 'time is required, as "HH:MM" (24-hour, local to the meeting)');
  } else {
    startMinute =
      parseClockTime(record.time) ??
      fail('time', `time must be "HH:MM" from 00:00 to 23:59 (got "${record.time.slice(0, 20)}")`);
  }

  let durationMinutes: number | undefined = DEFAULT_DURATION_MINUTES;
  if (record.end_time !== undefined && record.end_time !== null && record.end_time !== '') {
    const end = typeof record.end_time === 'string' ? parseClockTime(record.end_time) : undefined;
    if (end === undefined) {
      durationMinutes = fail('end_time', 'end_time must be "HH:MM" from 00:00 to 23:59');
    } else if (startMinute !== undefined) {
      // An end earlier than the start means the next day (23:00–01:00).
      const span = (end - startMinute + 1440) % 1440;
      if (span === 0 || span > MAX_DURATION_MINUTES) {
        durationMinutes = fail(
          'end_time',
          `a meeting may last at most ${MAX_DURATION_MINUTES / 60} hours (${formatClockTime(startMinute)}–${formatClockTime(end)} would be ${span === 0 ? 24 : Math.floor(span / 60)} hours)`,
        );
      } else {
        durationMinutes = span;
      }
    }
  }

  let timezone: string | undefined;
  const rawZone = record.timezone ?? ctx.defaultTimezone;
  if (rawZone === undefined || rawZone === null || rawZone === '') {
    fail('timezone', 'timezone is required (an IANA zone such as America/New_York)');
  } else if (typeof rawZone !== 'string') {
    fail('timezone', 'timezone must be a string');
  } else {
    timezone =
      canonicalTimezone(rawZone.trim()) ??
      fail('timezone', `timezone "${rawZone.slice(0, 64)}" is not an IANA time zone`);
  }

  let types: string[] = [];
  if (record.types !== undefined && record.types !== null) {
    if (!Array.isArray(record.types) || !record.types.every((t) => typeof t === 'string')) {
      fail('types', 'types must be an array of type codes');
    } else if (record.types.length > 40) {
      fail('types', 'types may list at most 40 codes');
    } else if (fellowship !== undefined) {
      const unknown = record.types.filter((t) => findType(t.trim(), fellowship) === undefined);
      if (unknown.length > 0) {
        fail(
          'types',
          `unknown type code${unknown.length > 1 ? 's' : ''} for ${fellowship}: ${unknown
            .slice(0, 10)
            .map((t) => JSON.stringify(t.slice(0, 20)))
            .join(', ')} (see GET /api/v1/types)`,
        );
      }
      types = [...new Set(record.types.map((t) => t.trim()))].sort();
    }
  }

  const strings = {} as Record<TextField, string | null>;
  for (const [field, max] of Object.entries(MEETING_TEXT_FIELDS) as [TextField, number][]) {
    strings[field] = text(field, max, record[field]);
  }

  const coordinate = (field: 'latitude' | 'longitude', limit: number): number | null => {
    const value = record[field];
    if (value === undefined || value === null || value === '') return null;
    const n =
      typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n) || Math.abs(n) > limit) {
      return fail(field, `${field} must be a number from -${limit} to ${limit}`) ?? null;
    }
    return n;
  };
  const latitude = coordinate('latitude', 90);
  const longitude = coordinate('longitude', 180);
  if (
    (latitude === null) !== (longitude === null) &&
    !errors.some((e) => e.field === 'latitude' || e.field === 'longitude')
  ) {
    fail(
      latitude === null ? 'latitude' : 'longitude',
      'latitude and longitude must be given together',
    );
  }

  let approximate = false;
  const rawApproximate = record.approximate;
  if (rawApproximate === true || rawApproximate === 'yes') approximate = true;
  else if (
    rawApproximate !== undefined &&
    rawApproximate !== null &&
    rawApproximate !== false &&
    rawApproximate !== 'no' &&
    rawApproximate !== ''
  ) {
    fail('approximate', 'approximate must be "yes" or "no"');
  }

  const url = (field: 'conference_url' | 'url'): string | null => {
    const value = record[field];
    if (value === undefined || value === null || value === '') return null;
    if (
      typeof value !== 'string' ||
      value.length > 2000 ||
      !isHttpUrl(value.trim()) ||
      CONTROL_CHARACTERS.test(value)
    ) {
      return fail(field, `${field} must be an http(s) URL`) ?? null;
    }
    return value.trim();
  };
  const conferenceUrl = url('conference_url');
  const pageUrl = url('url');

  let conferencePhone: string | null = null;
  if (
    record.conference_phone !== undefined &&
    record.conference_phone !== null &&
    record.conference_phone !== ''
  ) {
    if (
      typeof record.conference_phone !== 'string' ||
      !PHONE_PATTERN.test(record.conference_phone.trim())
    ) {
      fail(
        'conference_phone',
        'conference_phone must be a phone number (digits, optional +, and , * # for one-tap dialling)',
      );
    } else {
      conferencePhone = record.conference_phone.trim();
    }
  }

  const hasConference = conferenceUrl !== null || conferencePhone !== null;
  const hasPlace = !approximate && (strings.address !== null || strings.formatted_address !== null);
  let attendanceOption: AttendanceOption | undefined;
  const rawAttendance = record.attendance_option;
  if (rawAttendance === undefined || rawAttendance === null || rawAttendance === '') {
    // Derived as Meeting Guide consumers do: a way to join online and/or a real address.
    attendanceOption = hasConference
      ? hasPlace && !types.includes('TC')
        ? 'hybrid'
        : 'online'
      : hasPlace && !types.includes('TC')
        ? 'in_person'
        : 'inactive';
  } else if (
    typeof rawAttendance !== 'string' ||
    !(ATTENDANCE_OPTIONS as readonly string[]).includes(rawAttendance)
  ) {
    fail('attendance_option', `attendance_option must be one of ${ATTENDANCE_OPTIONS.join(', ')}`);
  } else {
    attendanceOption = rawAttendance as AttendanceOption;
    if ((attendanceOption === 'online' || attendanceOption === 'hybrid') && !hasConference) {
      fail(
        'attendance_option',
        `an ${attendanceOption} meeting needs a conference_url or conference_phone`,
      );
    }
  }

  if (
    errors.length > 0 ||
    name === null ||
    fellowship === undefined ||
    days === undefined ||
    startMinute === undefined ||
    durationMinutes === undefined ||
    timezone === undefined ||
    attendanceOption === undefined
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    meeting: {
      slug,
      name,
      fellowship,
      days,
      startMinute,
      durationMinutes,
      timezone,
      types,
      attendanceOption,
      location: strings.location,
      formattedAddress: strings.formatted_address,
      address: strings.address,
      city: strings.city,
      state: strings.state,
      postalCode: strings.postal_code,
      country: strings.country,
      latitude,
      longitude,
      approximate,
      region: strings.region,
      subRegion: strings.sub_region,
      conferenceUrl,
      conferenceUrlNotes: strings.conference_url_notes,
      conferencePhone,
      conferencePhoneNotes: strings.conference_phone_notes,
      notes: strings.notes,
      locationNotes: strings.location_notes,
      group: strings.group,
      groupNotes: strings.group_notes,
      url: pageUrl,
    },
  };
}
