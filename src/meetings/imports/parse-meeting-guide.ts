import type { MeetingRecord } from '../meeting-record.js';
import type { ImportRow, ParseOptions } from './import-row.js';
import { ImportParseError } from './import-parse-error.js';

/** Fields whose Meeting Guide value is already what MeetingRecord expects. */
const PASS_THROUGH = [
  'name',
  'fellowship',
  'time',
  'end_time',
  'timezone',
  'types',
  'attendance_option',
  'location',
  'formatted_address',
  'address',
  'city',
  'state',
  'postal_code',
  'country',
  'approximate',
  'region',
  'sub_region',
  'conference_url',
  'conference_url_notes',
  'conference_phone',
  'conference_phone_notes',
  'notes',
  'location_notes',
  'group',
  'group_notes',
  'url',
] as const satisfies readonly (keyof MeetingRecord)[];

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "null", "an array", "a number": for messages about values of the wrong kind. */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  const kind = typeof value;
  return kind === 'object' ? 'an object' : `a ${kind}`;
}

/**
 * Feeds (and every BMLT server) often send coordinates as strings. Only plain decimals become
 * numbers; anything else is left for normalizeMeeting to reject with a field-specific message.
 */
export function readCoordinate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return DECIMAL.test(trimmed) ? Number(trimmed) : value;
}

function readDay(value: unknown): unknown {
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return value;
}

function isBlank(value: unknown): boolean {
  return (
    value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
  );
}

function sourceSlugOf(slug: unknown): string | null {
  if (typeof slug === 'string') return slug.trim() === '' ? null : slug.trim();
  if (typeof slug === 'number' && Number.isFinite(slug)) return String(slug);
  return null;
}

/**
 * A Meeting Guide feed (a bare JSON array of meetings) → one ImportRow per element. Values are
 * passed on as the feed has them, apart from the spellings the spec tolerates (numeric strings
 * for day and coordinates, integer slugs), so that normalizeMeeting reports every real problem.
 */
export function parseMeetingGuide(data: unknown, _options: ParseOptions): ImportRow[] {
  if (!Array.isArray(data)) {
    throw new ImportParseError(
      'meeting-guide',
      `Meeting Guide data must be a JSON array of meetings (got ${describeKind(data)})`,
    );
  }
  return data.map((item: unknown, index): ImportRow => {
    if (!isPlainObject(item)) {
      return { index, sourceSlug: null, error: `not a meeting object (got ${describeKind(item)})` };
    }
    const sourceSlug = sourceSlugOf(item.slug);

    const missing = (['day', 'time'] as const).filter((field) => isBlank(item[field]));
    if (missing.length > 0) {
      return {
        index,
        sourceSlug,
        error: `has no ${missing.join(' or ')}: meetings by appointment are not supported, only weekly meetings with a day and time`,
      };
    }

    const record: MeetingRecord = {};
    for (const field of PASS_THROUGH) {
      if (item[field] !== undefined) record[field] = item[field];
    }
    if (item.slug !== undefined) {
      record.slug = typeof item.slug === 'number' ? String(item.slug) : item.slug;
    }
    if (Array.isArray(item.types)) {
      // TSML's feeds tag online meetings "ONL"; like TSML on import, drop it and let the
      // conference fields say how to attend (a code outside the spec would refuse the row).
      record.types = item.types.filter((code) => code !== 'ONL');
    }
    record.day = Array.isArray(item.day) ? item.day.map(readDay) : readDay(item.day);

    if (item.latitude !== undefined || item.longitude !== undefined) {
      record.latitude = readCoordinate(item.latitude);
      record.longitude = readCoordinate(item.longitude);
    } else if (typeof item.coordinates === 'string' && item.coordinates.includes(',')) {
      // TSML's feeds carry "lat,lng" in `coordinates` instead of the two spec fields.
      const [latitude, longitude] = item.coordinates.split(',', 2);
      record.latitude = readCoordinate(latitude);
      record.longitude = readCoordinate(longitude);
    }

    return { index, sourceSlug, record };
  });
}
