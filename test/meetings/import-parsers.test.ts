import {
  normalizeMeeting,
  type MeetingRecord,
  type NormalizeContext,
  type NormalizedMeeting,
} from '../../src/meetings/meeting-record.js';
import type { ImportRow, ParseOptions } from '../../src/meetings/imports/import-row.js';
import { ImportParseError } from '../../src/meetings/imports/import-parse-error.js';
import { parseBmlt } from '../../src/meetings/imports/parse-bmlt.js';
import { parseMeetingGuide } from '../../src/meetings/imports/parse-meeting-guide.js';
import { parseTsmlCsv } from '../../src/meetings/imports/parse-tsml-csv.js';

const NO_DEFAULTS: ParseOptions = { fellowship: undefined, timezone: undefined };
const AS_AA: ParseOptions = { fellowship: 'aa', timezone: undefined };
const AS_NA: ParseOptions = { fellowship: 'na', timezone: undefined };

const CONTEXT: NormalizeContext = {
  fellowships: new Set(['aa', 'na']),
  defaultFellowship: 'na',
  defaultTimezone: 'America/New_York',
};

function recordOf(row: ImportRow | undefined): MeetingRecord {
  expect(row).toBeDefined();
  expect(row?.error).toBeUndefined();
  expect(row?.record).toBeDefined();
  return row?.record ?? {};
}

function errorOf(row: ImportRow | undefined): string {
  expect(row).toBeDefined();
  expect(row?.record).toBeUndefined();
  expect(typeof row?.error).toBe('string');
  return row?.error ?? '';
}

function normalized(row: ImportRow | undefined): NormalizedMeeting {
  const result = normalizeMeeting(recordOf(row), CONTEXT);
  if (!result.ok) throw new Error(`expected a valid meeting, got ${JSON.stringify(result.errors)}`);
  return result.meeting;
}

/** The fields normalizeMeeting complains about. */
function rejectedFields(row: ImportRow | undefined): string[] {
  const result = normalizeMeeting(recordOf(row), CONTEXT);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors.map((e) => e.field ?? '');
}

function without<T extends object>(value: T, ...keys: (keyof T)[]): Partial<T> {
  const copy: Partial<T> = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}

function parseError(parse: () => unknown): ImportParseError {
  try {
    parse();
  } catch (err) {
    expect(err).toBeInstanceOf(ImportParseError);
    return err as ImportParseError;
  }
  throw new Error('expected an ImportParseError');
}

const EMPTY_MEETING: Omit<NormalizedMeeting, 'name' | 'days' | 'startMinute'> = {
  slug: null,
  fellowship: 'na',
  durationMinutes: 60,
  timezone: 'America/New_York',
  types: [],
  attendanceOption: 'inactive',
  location: null,
  formattedAddress: null,
  address: null,
  city: null,
  state: null,
  postalCode: null,
  country: null,
  latitude: null,
  longitude: null,
  approximate: false,
  region: null,
  subRegion: null,
  conferenceUrl: null,
  conferenceUrlNotes: null,
  conferencePhone: null,
  conferencePhoneNotes: null,
  notes: null,
  locationNotes: null,
  group: null,
  groupNotes: null,
  url: null,
};

describe('ImportParseError', () => {
  it('is a VALIDATION_FAILED domain error that names the format and, for CSV, the line', () => {
    const err = new ImportParseError('csv', 'CSV line 3: broken', 3);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({
      name: 'ImportParseError',
      code: 'VALIDATION_FAILED',
      format: 'csv',
      line: 3,
      message: 'CSV line 3: broken',
      details: [{ field: 'data', message: 'CSV line 3: broken', line: 3 }],
    });
    expect(new ImportParseError('bmlt', 'nope').details).toEqual([
      { field: 'data', message: 'nope' },
    ]);
  });
});

describe('parseMeetingGuide', () => {
  const serenity = {
    name: 'Tuesday Night Serenity',
    slug: 'tuesday-night-serenity',
    day: 2,
    time: '19:00',
    end_time: '20:00',
    timezone: 'America/Chicago',
    types: ['O', 'D', 'X'],
    location: 'Grace Church Hall',
    address: '100 Example Ave',
    city: 'Springfield',
    state: 'IL',
    postal_code: '62701',
    country: 'US',
    latitude: 39.80172,
    longitude: -89.64371,
    approximate: 'no',
    region: 'Springfield',
    sub_region: 'Downtown',
    conference_url: 'https://zoom.us/j/1234567890',
    conference_url_notes: 'Passcode: serenity',
    conference_phone: '+13125550100,,1234567890#',
    conference_phone_notes: 'Meeting ID 1234567890',
    notes: 'Side door. Newcomers welcome.',
    location_notes: 'Parking behind the building.',
    group: 'Serenity Seekers',
    group_notes: 'Business meeting first Tuesday',
    url: 'https://meetings.example.org/meetings/tuesday-night-serenity',
    attendance_option: 'hybrid',
    formatted_address: '100 Example Ave, Springfield, IL 62701, USA',
  };

  it.each([
    ['an object', { meetings: [serenity] }, 'an object'],
    ['null', null, 'null'],
    ['a string', '[{"name":"x"}]', 'a string'],
    ['a number', 42, 'a number'],
    ['missing', undefined, 'nothing'],
  ])('rejects a payload that is %s as a whole', (_label, data, kind) => {
    const err = parseError(() => parseMeetingGuide(data, NO_DEFAULTS));
    expect(err.format).toBe('meeting-guide');
    expect(err.message).toBe(`Meeting Guide data must be a JSON array of meetings (got ${kind})`);
  });

  it('drops TSML’s ONL type code (the conference fields say a meeting is online) and keeps the rest', () => {
    const [row] = parseMeetingGuide(
      [{ ...serenity, types: ['ONL', 'O', 'D', 'ONL'] }],
      NO_DEFAULTS,
    );
    expect(row?.record?.types).toEqual(['O', 'D']);
    const [odd] = parseMeetingGuide([{ ...serenity, types: 'O,D' }], NO_DEFAULTS);
    // Not an array: passed on for normalizeMeeting to refuse with its own message.
    expect(odd?.record?.types).toBe('O,D');
  });

  it('gives an empty array no rows', () => {
    expect(parseMeetingGuide([], NO_DEFAULTS)).toEqual([]);
  });

  it('marks elements that are not objects, keeps the others, and numbers rows by position', () => {
    const rows = parseMeetingGuide(
      [null, 7, 'meeting', [serenity], { ...serenity, slug: 'ok' }, true],
      NO_DEFAULTS,
    );
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows.map((r) => r.error)).toEqual([
      'not a meeting object (got null)',
      'not a meeting object (got a number)',
      'not a meeting object (got a string)',
      'not a meeting object (got an array)',
      undefined,
      'not a meeting object (got a boolean)',
    ]);
    expect(rows.every((r) => r.sourceSlug === null || r.sourceSlug === 'ok')).toBe(true);
    expect(recordOf(rows[4]).slug).toBe('ok');
  });

  it('carries every Meeting Guide field into the record unchanged', () => {
    const [row] = parseMeetingGuide([{ ...serenity, updated: '2026-11-20 18:04:11' }], AS_AA);
    expect(row?.sourceSlug).toBe('tuesday-night-serenity');
    // `updated` is not a MeetingRecord field; nothing is added, renamed or dropped otherwise.
    expect(recordOf(row)).toEqual(serenity);
  });

  it('reads day as an integer, an array, or a numeric string', () => {
    const rows = parseMeetingGuide(
      [
        { ...serenity, day: 0 },
        { ...serenity, day: '1' },
        { ...serenity, day: ' 6 ' },
        { ...serenity, day: [1, '3', 5] },
        { ...serenity, day: 'Monday' },
        { ...serenity, day: '7' },
      ],
      NO_DEFAULTS,
    );
    expect(rows.map((r) => recordOf(r).day)).toEqual([0, 1, 6, [1, 3, 5], 'Monday', 7]);
    expect(normalized(rows[3]).days).toEqual([1, 3, 5]);
    // Faithful pass-through: the shared checks reject what is not a 0–6 day.
    expect(rejectedFields(rows[4])).toEqual(['day']);
    expect(rejectedFields(rows[5])).toEqual(['day']);
  });

  it('turns numeric latitude/longitude strings into numbers and leaves other values for the checks', () => {
    const rows = parseMeetingGuide(
      [
        { ...serenity, latitude: '39.80172', longitude: ' -89.64371 ' },
        { ...serenity, latitude: 'north', longitude: '-89.6' },
        { ...serenity, latitude: 200, longitude: 10 },
        { ...serenity, latitude: '', longitude: '' },
      ],
      NO_DEFAULTS,
    );
    expect(recordOf(rows[0])).toMatchObject({ latitude: 39.80172, longitude: -89.64371 });
    expect(recordOf(rows[1])).toMatchObject({ latitude: 'north', longitude: -89.6 });
    expect(rejectedFields(rows[1])).toEqual(['latitude']);
    expect(recordOf(rows[2])).toMatchObject({ latitude: 200, longitude: 10 });
    expect(rejectedFields(rows[2])).toEqual(['latitude']);
    const blank = recordOf(rows[3]);
    expect(blank.latitude).toBeUndefined();
    expect(blank.longitude).toBeUndefined();
  });

  it('reads TSML-style "lat,lng" coordinates when the spec fields are absent', () => {
    const rest = without(serenity, 'latitude', 'longitude');
    const [row] = parseMeetingGuide([{ ...rest, coordinates: '40.7411,-73.9897' }], NO_DEFAULTS);
    expect(recordOf(row)).toMatchObject({ latitude: 40.7411, longitude: -73.9897 });
    expect(recordOf(row)).not.toHaveProperty('coordinates');
  });

  it('passes approximate and types through as given', () => {
    const rows = parseMeetingGuide(
      [
        { ...serenity, approximate: 'yes' },
        { ...serenity, approximate: true },
        { ...serenity, approximate: 'maybe' },
        { ...serenity, types: ['o', 'ZZZ', 'X'] },
      ],
      NO_DEFAULTS,
    );
    expect(rows.slice(0, 3).map((r) => recordOf(r).approximate)).toEqual(['yes', true, 'maybe']);
    expect(normalized(rows[1]).approximate).toBe(true);
    expect(rejectedFields(rows[2])).toEqual(['approximate']);
    expect(recordOf(rows[3]).types).toEqual(['o', 'ZZZ', 'X']);
    const result = normalizeMeeting(recordOf(rows[3]), CONTEXT);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]?.message).toMatch(
      /unknown type codes for na: "o", "ZZZ"/,
    );
  });

  it('takes the source slug from `slug`, string or number, else null', () => {
    const rows = parseMeetingGuide(
      [
        { ...serenity, slug: 'abc-1' },
        { ...serenity, slug: 42 },
        { ...serenity, slug: '  ' },
        { ...serenity, slug: undefined },
        { ...serenity, slug: { id: 1 } },
      ],
      NO_DEFAULTS,
    );
    expect(rows.map((r) => r.sourceSlug)).toEqual(['abc-1', '42', null, null, null]);
    expect(recordOf(rows[1]).slug).toBe('42');
    expect(normalized(rows[1]).slug).toBe('42');
    expect(recordOf(rows[3])).not.toHaveProperty('slug');
    expect(rejectedFields(rows[4])).toEqual(['slug']);
  });

  it('rejects meetings by appointment (no day or no time) row by row', () => {
    const noDay = without(serenity, 'day');
    const rows = parseMeetingGuide(
      [noDay, { ...serenity, time: '' }, { ...serenity, day: null, time: null }],
      NO_DEFAULTS,
    );
    expect(errorOf(rows[0])).toBe(
      'has no day: meetings by appointment are not supported, only weekly meetings with a day and time',
    );
    expect(errorOf(rows[1])).toMatch(/^has no time: meetings by appointment are not supported/);
    expect(errorOf(rows[2])).toMatch(/^has no day or time:/);
    expect(rows[0]?.sourceSlug).toBe('tuesday-night-serenity');
  });

  it('sets a fellowship or time zone only when the row names one', () => {
    const zoneless = without(serenity, 'timezone');
    const rows = parseMeetingGuide([serenity, { ...serenity, fellowship: 'aa' }, zoneless], {
      fellowship: 'aa',
      timezone: 'Europe/London',
    });
    expect(recordOf(rows[0])).not.toHaveProperty('fellowship');
    expect(recordOf(rows[0]).timezone).toBe('America/Chicago');
    expect(recordOf(rows[1]).fellowship).toBe('aa');
    expect(recordOf(rows[2])).not.toHaveProperty('timezone');
    expect(normalized(rows[0]).fellowship).toBe('na');
    expect(normalized(rows[1]).fellowship).toBe('aa');
    expect(normalized(rows[2]).timezone).toBe('America/New_York');
  });

  it('does not repair bad values: normalizeMeeting reports them', () => {
    const rows = parseMeetingGuide(
      [
        { ...serenity, time: '25:00' },
        { ...serenity, end_time: '18:59' },
        { ...serenity, timezone: 'Mars/Olympus' },
        { ...serenity, time: 1900 },
      ],
      NO_DEFAULTS,
    );
    expect(recordOf(rows[0]).time).toBe('25:00');
    expect(rejectedFields(rows[0])).toEqual(['time']);
    expect(rejectedFields(rows[1])).toEqual(['end_time']);
    expect(rejectedFields(rows[2])).toEqual(['timezone']);
    expect(rejectedFields(rows[3])).toEqual(['time']);
  });

  it('yields the expected normalized meetings', () => {
    const [full, online] = parseMeetingGuide(
      [
        serenity,
        {
          name: 'Early Risers Online',
          slug: 'early-risers-online',
          day: [1, 3, 5],
          time: '06:30',
          types: ['C', 'MED'],
          formatted_address: 'Springfield, IL, USA',
          approximate: 'yes',
          conference_url: 'https://meet.google.com/abc-defg-hij',
        },
      ],
      NO_DEFAULTS,
    );
    expect(normalized(full)).toEqual({
      slug: 'tuesday-night-serenity',
      name: 'Tuesday Night Serenity',
      fellowship: 'na',
      days: [2],
      startMinute: 19 * 60,
      durationMinutes: 60,
      timezone: 'America/Chicago',
      types: ['D', 'O', 'X'],
      attendanceOption: 'hybrid',
      location: 'Grace Church Hall',
      formattedAddress: '100 Example Ave, Springfield, IL 62701, USA',
      address: '100 Example Ave',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      country: 'US',
      latitude: 39.80172,
      longitude: -89.64371,
      approximate: false,
      region: 'Springfield',
      subRegion: 'Downtown',
      conferenceUrl: 'https://zoom.us/j/1234567890',
      conferenceUrlNotes: 'Passcode: serenity',
      conferencePhone: '+13125550100,,1234567890#',
      conferencePhoneNotes: 'Meeting ID 1234567890',
      notes: 'Side door. Newcomers welcome.',
      locationNotes: 'Parking behind the building.',
      group: 'Serenity Seekers',
      groupNotes: 'Business meeting first Tuesday',
      url: 'https://meetings.example.org/meetings/tuesday-night-serenity',
    });
    expect(normalized(online)).toEqual({
      ...EMPTY_MEETING,
      slug: 'early-risers-online',
      name: 'Early Risers Online',
      days: [1, 3, 5],
      startMinute: 6 * 60 + 30,
      types: ['C', 'MED'],
      attendanceOption: 'online',
      formattedAddress: 'Springfield, IL, USA',
      approximate: true,
      conferenceUrl: 'https://meet.google.com/abc-defg-hij',
    });
  });
});

describe('parseBmlt', () => {
  const justForToday = {
    id_bigint: '4821',
    meeting_name: 'Just For Today',
    service_body_bigint: '12',
    weekday_tinyint: '3',
    venue_type: '3',
    start_time: '19:30:00',
    duration_time: '01:30:00',
    time_zone: 'America/New_York',
    formats: 'O,JT,WC,HY',
    format_shared_id_list: '14,17,33,56',
    lang_enum: 'en',
    latitude: '40.7411',
    longitude: '-73.9897',
    published: '1',
    location_text: 'Community Room',
    location_info: 'Basement, use side entrance',
    location_street: '12 Sample Street',
    location_municipality: 'New York',
    location_province: 'NY',
    location_postal_code_1: '10010',
    location_nation: 'US',
    location_sub_province: 'New York County',
    comments: 'Literature available',
    virtual_meeting_link: 'https://zoom.us/j/9876543210',
    virtual_meeting_additional_info: 'Passcode 1234',
    phone_meeting_number: '+16465550100,,9876543210#',
    email_contact: '',
    train_lines: '',
  };
  const bmlt = (overrides: Record<string, unknown>, options = NO_DEFAULTS): ImportRow => {
    const [row] = parseBmlt([{ ...justForToday, ...overrides }], options);
    if (row === undefined) throw new Error('no row');
    return row;
  };

  it.each([
    ['an object without meetings', { formats: [] }, 'an object'],
    ['an object whose meetings is not an array', { meetings: 'none' }, 'an object'],
    ['null', null, 'null'],
    ['a string', 'GetSearchResults', 'a string'],
    ['a number', 1, 'a number'],
  ])('rejects a payload that is %s as a whole', (_label, data, kind) => {
    const err = parseError(() => parseBmlt(data, NO_DEFAULTS));
    expect(err.format).toBe('bmlt');
    expect(err.message).toBe(
      `BMLT data must be the GetSearchResults array of meetings, or an object with a "meetings" array (got ${kind})`,
    );
  });

  it('accepts the bare array and the { meetings, formats } envelope alike', () => {
    const bare = parseBmlt([justForToday], NO_DEFAULTS);
    const wrapped = parseBmlt(
      { meetings: [justForToday], formats: [{ key_string: 'O' }] },
      NO_DEFAULTS,
    );
    expect(wrapped).toEqual(bare);
    expect(bare).toHaveLength(1);
    expect(parseBmlt([], NO_DEFAULTS)).toEqual([]);
  });

  it('marks rows that are not objects and keeps counting', () => {
    const rows = parseBmlt([justForToday, 'x', null, [justForToday], justForToday], NO_DEFAULTS);
    expect(rows.map((r) => [r.index, r.error])).toEqual([
      [0, undefined],
      [1, 'not a meeting object (got a string)'],
      [2, 'not a meeting object (got null)'],
      [3, 'not a meeting object (got an array)'],
      [4, undefined],
    ]);
  });

  it('maps every BMLT field to its Meeting Guide name', () => {
    const row = bmlt({ phone_meeting_additional_info: 'PIN 55' });
    expect(row.sourceSlug).toBe('bmlt-4821');
    expect(recordOf(row)).toEqual({
      name: 'Just For Today',
      day: 2,
      time: '19:30',
      end_time: '21:00',
      timezone: 'America/New_York',
      types: ['O', 'JT', 'X'],
      attendance_option: 'hybrid',
      location: 'Community Room',
      address: '12 Sample Street',
      city: 'New York',
      state: 'NY',
      postal_code: '10010',
      country: 'US',
      location_notes: 'Basement, use side entrance',
      notes: 'Literature available',
      conference_url: 'https://zoom.us/j/9876543210',
      conference_url_notes: 'Passcode 1234',
      conference_phone: '+16465550100,,9876543210#',
      conference_phone_notes: 'PIN 55',
      latitude: 40.7411,
      longitude: -73.9897,
    });
  });

  it.each([
    ['1', 0, 'Sunday'],
    ['2', 1, 'Monday'],
    ['3', 2, 'Tuesday'],
    ['4', 3, 'Wednesday'],
    ['5', 4, 'Thursday'],
    ['6', 5, 'Friday'],
    ['7', 6, 'Saturday'],
  ])('reads weekday_tinyint "%s" as day %i (%s)', (weekday, day) => {
    expect(recordOf(bmlt({ weekday_tinyint: weekday })).day).toBe(day);
  });

  it('reads a numeric weekday from aggregators that send numbers', () => {
    expect(recordOf(bmlt({ weekday_tinyint: 7 })).day).toBe(6);
  });

  it.each([['0'], ['8'], ['x'], ['1,3'], ['-1']])(
    'rejects weekday_tinyint "%s" on the row',
    (weekday) => {
      expect(errorOf(bmlt({ weekday_tinyint: weekday }))).toBe(
        `weekday_tinyint must be 1 (Sunday) to 7 (Saturday) (got "${weekday}")`,
      );
    },
  );

  it('rejects a row without a weekday', () => {
    expect(errorOf(bmlt({ weekday_tinyint: '' }))).toBe(
      'has no weekday_tinyint (1 = Sunday … 7 = Saturday)',
    );
    expect(errorOf(bmlt({ weekday_tinyint: undefined }))).toMatch(/^has no weekday_tinyint/);
  });

  it('reads start_time HH:MM:SS (and HH:MM, H:MM) as HH:MM', () => {
    expect(recordOf(bmlt({ start_time: '07:05:00', duration_time: '' })).time).toBe('07:05');
    expect(recordOf(bmlt({ start_time: '7:05:00', duration_time: '' })).time).toBe('07:05');
    expect(recordOf(bmlt({ start_time: '19:30', duration_time: '' })).time).toBe('19:30');
    expect(errorOf(bmlt({ start_time: '7pm' }))).toBe('start_time must be "HH:MM:SS" (got "7pm")');
    expect(errorOf(bmlt({ start_time: '' }))).toBe('has no start_time');
  });

  it.each([
    ['19:30:00', '01:30:00', '21:00'],
    ['19:30:00', '00:45:00', '20:15'],
    ['23:30:00', '01:00:00', '00:30'],
    ['22:00:00', '03:15:00', '01:15'],
    ['20:00:00', '12:00:00', '08:00'],
    ['06:00:00', '1:00', '07:00'],
  ])('end_time of %s + %s is %s', (start, duration, end) => {
    expect(recordOf(bmlt({ start_time: start, duration_time: duration })).end_time).toBe(end);
  });

  it('leaves end_time to the default when the duration is empty or zero', () => {
    for (const duration of ['', '00:00:00', undefined]) {
      const record = recordOf(bmlt({ duration_time: duration }));
      expect(record).not.toHaveProperty('end_time');
      expect(normalizeMeeting(record, CONTEXT)).toMatchObject({
        ok: true,
        meeting: { durationMinutes: 60 },
      });
    }
  });

  it('keeps a meeting crossing midnight and a 12-hour one valid downstream', () => {
    expect(normalized(bmlt({ start_time: '23:30:00', duration_time: '01:00:00' }))).toMatchObject({
      startMinute: 23 * 60 + 30,
      durationMinutes: 60,
    });
    expect(normalized(bmlt({ start_time: '20:00:00', duration_time: '12:00:00' }))).toMatchObject({
      durationMinutes: 720,
    });
  });

  it('rejects durations over 12 hours instead of wrapping them into short meetings', () => {
    expect(errorOf(bmlt({ duration_time: '24:00:00' }))).toBe(
      'duration_time 24:00:00 is longer than the 12 hours a meeting may last',
    );
    // 23 h would otherwise end an hour before it starts: 19:30–18:30, or wrap to 1 h at 25 h.
    expect(errorOf(bmlt({ duration_time: '23:00:00' }))).toMatch(/longer than the 12 hours/);
    expect(errorOf(bmlt({ duration_time: '25:00:00' }))).toMatch(/longer than the 12 hours/);
    expect(errorOf(bmlt({ duration_time: '12:01:00' }))).toMatch(/longer than the 12 hours/);
    expect(errorOf(bmlt({ duration_time: '90 minutes' }))).toBe(
      'duration_time must be "HH:MM:SS" (got "90 minutes")',
    );
    expect(errorOf(bmlt({ duration_time: '01:75:00' }))).toMatch(/^duration_time must be/);
  });

  it.each([
    ['1', 'in_person'],
    ['2', 'online'],
    ['3', 'hybrid'],
  ])('reads venue_type "%s" as %s', (venue, attendance) => {
    expect(recordOf(bmlt({ venue_type: venue, formats: 'O' })).attendance_option).toBe(attendance);
  });

  it('infers attendance from VM/HY formats and links when venue_type is empty', () => {
    expect(recordOf(bmlt({ venue_type: '', formats: 'O,HY' })).attendance_option).toBe('hybrid');
    expect(recordOf(bmlt({ venue_type: '', formats: 'VM,O' })).attendance_option).toBe('online');
    // Neither key: normalizeMeeting derives it from the conference fields and the address.
    const withLink = bmlt({ venue_type: '', formats: 'O' });
    expect(recordOf(withLink)).not.toHaveProperty('attendance_option');
    expect(normalized(withLink).attendanceOption).toBe('hybrid');
    const linkOnly = bmlt({ venue_type: '', formats: 'O', location_street: '' });
    expect(normalized(linkOnly).attendanceOption).toBe('online');
    const placeOnly = bmlt({
      venue_type: '',
      formats: 'O',
      virtual_meeting_link: '',
      phone_meeting_number: '',
    });
    expect(normalized(placeOnly).attendanceOption).toBe('in_person');
  });

  it('treats an in-person meeting whose facility is temporarily closed as inactive or online', () => {
    const closed = bmlt({
      venue_type: '1',
      formats: 'O,TC',
      virtual_meeting_link: '',
      phone_meeting_number: '',
    });
    expect(recordOf(closed)).toMatchObject({ attendance_option: 'inactive', types: ['O', 'TC'] });
    expect(recordOf(bmlt({ venue_type: '1', formats: 'TC' })).attendance_option).toBe('online');
  });

  it('maps format keys by meaning, never letting VM/HY become types', () => {
    const types = (formats: string, options = NO_DEFAULTS): unknown =>
      recordOf(bmlt({ formats }, options)).types;
    expect(types('B,SL,St,Tr,TW,BK,ME,CL,YP')).toEqual([
      'BE',
      'ASL',
      'ST',
      'TR',
      'LIT',
      'MED',
      'CAN',
      'Y',
    ]);
    expect(types('L/R,ES,SD,D')).toEqual(['LT', 'RUS', 'S', 'SP', 'D']);
    expect(types(' O , C ,,W,M ')).toEqual(['O', 'C', 'W', 'M']);
    expect(types('VM,HY,TC,GL,CW,WC')).toEqual(['TC', 'LGBTQ', 'CF', 'X']);
    expect(types('ZZ,o,Lit,VM')).toEqual([]);
    expect(types('')).toEqual([]);
    expect(recordOf(bmlt({ formats: undefined })).types).toEqual([]);
  });

  it('keeps NA formats for an NA (or unspecified) import and drops them for other fellowships', () => {
    expect(recordOf(bmlt({ formats: 'JT,BT,Ti,O' }, NO_DEFAULTS)).types).toEqual([
      'JT',
      'BT',
      'Ti',
      'O',
    ]);
    expect(recordOf(bmlt({ formats: 'JT,BT,Ti,O' }, AS_NA)).types).toEqual(['JT', 'BT', 'Ti', 'O']);
    expect(recordOf(bmlt({ formats: 'JT,BT,Ti,O' }, AS_AA)).types).toEqual(['O']);
  });

  it('rejects a formats value that is not a list of keys', () => {
    expect(errorOf(bmlt({ formats: 17 }))).toBe(
      'formats must be a comma-separated string of format keys',
    );
  });

  it('reads coordinates as numbers and drops the 0,0 placeholder', () => {
    expect(recordOf(bmlt({ latitude: '51.5', longitude: '-0.12' }))).toMatchObject({
      latitude: 51.5,
      longitude: -0.12,
    });
    const placeholder = recordOf(bmlt({ latitude: '0', longitude: '0.0' }));
    expect(placeholder).not.toHaveProperty('latitude');
    expect(placeholder).not.toHaveProperty('longitude');
    const junk = bmlt({ latitude: 'n/a', longitude: '-73.9' });
    expect(recordOf(junk)).toMatchObject({ latitude: 'n/a', longitude: -73.9 });
    expect(rejectedFields(junk)).toEqual(['latitude']);
  });

  it('marks a virtual meeting without real coordinates as approximate', () => {
    const virtual = { venue_type: '2', formats: 'VM', location_street: '' };
    expect(recordOf(bmlt({ ...virtual, latitude: '', longitude: '' })).approximate).toBe('yes');
    expect(recordOf(bmlt({ ...virtual, latitude: '0', longitude: '0' })).approximate).toBe('yes');
    expect(recordOf(bmlt({ ...virtual }))).not.toHaveProperty('approximate');
    expect(recordOf(bmlt({ venue_type: '1', latitude: '', longitude: '' }))).not.toHaveProperty(
      'approximate',
    );
  });

  it('rejects unpublished rows', () => {
    const row = bmlt({ published: '0' });
    expect(errorOf(row)).toBe('is unpublished (published "0") on the BMLT server');
    expect(row.sourceSlug).toBe('bmlt-4821');
    expect(recordOf(bmlt({ published: '1' })).name).toBe('Just For Today');
    expect(recordOf(bmlt({ published: undefined })).name).toBe('Just For Today');
  });

  it('identifies rows by id_bigint (and root_server_id) and leaves the slug to be generated', () => {
    const row = bmlt({});
    expect(row.sourceSlug).toBe('bmlt-4821');
    expect(recordOf(row)).not.toHaveProperty('slug');
    expect(bmlt({ root_server_id: '7' }).sourceSlug).toBe('bmlt-7-4821');
    expect(bmlt({ id_bigint: 99 }).sourceSlug).toBe('bmlt-99');
    const anonymous = bmlt({ id_bigint: '' });
    expect(errorOf(anonymous)).toBe(
      'has no id_bigint, so it could not be matched again on a later import',
    );
    expect(anonymous.sourceSlug).toBeNull();
  });

  it('passes the time zone through, leaving an empty one to the import default', () => {
    expect(recordOf(bmlt({ time_zone: 'America/Denver' })).timezone).toBe('America/Denver');
    const serverDefault = bmlt({ time_zone: '' });
    expect(recordOf(serverDefault)).not.toHaveProperty('timezone');
    expect(normalized(serverDefault).timezone).toBe('America/New_York');
    expect(rejectedFields(bmlt({ time_zone: 'Mars/Olympus' }))).toEqual(['timezone']);
  });

  it('never sets a fellowship and leaves empty strings out', () => {
    const record = recordOf(bmlt({ comments: '', location_info: '   ' }, AS_NA));
    expect(record).not.toHaveProperty('fellowship');
    expect(record).not.toHaveProperty('notes');
    expect(record).not.toHaveProperty('location_notes');
  });

  it('yields the expected normalized meetings', () => {
    expect(normalized(bmlt({}))).toEqual({
      slug: null,
      name: 'Just For Today',
      fellowship: 'na',
      days: [2],
      startMinute: 19 * 60 + 30,
      durationMinutes: 90,
      timezone: 'America/New_York',
      types: ['JT', 'O', 'X'],
      attendanceOption: 'hybrid',
      location: 'Community Room',
      formattedAddress: null,
      address: '12 Sample Street',
      city: 'New York',
      state: 'NY',
      postalCode: '10010',
      country: 'US',
      latitude: 40.7411,
      longitude: -73.9897,
      approximate: false,
      region: null,
      subRegion: null,
      conferenceUrl: 'https://zoom.us/j/9876543210',
      conferenceUrlNotes: 'Passcode 1234',
      conferencePhone: '+16465550100,,9876543210#',
      conferencePhoneNotes: null,
      notes: 'Literature available',
      locationNotes: 'Basement, use side entrance',
      group: null,
      groupNotes: null,
      url: null,
    });
    const online = bmlt({
      id_bigint: '77',
      meeting_name: 'Sunday Online',
      weekday_tinyint: '1',
      venue_type: '2',
      start_time: '08:00:00',
      duration_time: '01:00:00',
      time_zone: '',
      formats: 'VM,C,Ti',
      latitude: '',
      longitude: '',
      location_text: '',
      location_info: '',
      location_street: '',
      location_postal_code_1: '',
      comments: '',
      phone_meeting_number: '',
      virtual_meeting_additional_info: '',
    });
    expect(normalized(online)).toEqual({
      ...EMPTY_MEETING,
      name: 'Sunday Online',
      days: [0],
      startMinute: 8 * 60,
      types: ['C', 'Ti'],
      attendanceOption: 'online',
      approximate: true,
      city: 'New York',
      state: 'NY',
      country: 'US',
      conferenceUrl: 'https://zoom.us/j/9876543210',
    });
    expect(online.sourceSlug).toBe('bmlt-77');
  });
});

describe('parseTsmlCsv', () => {
  const HEADER =
    'Time,End Time,Day,Name,Location,Address,City,State,Postal Code,Country,Types,Notes,Region,Sub Region,Group,Conference URL,Conference URL Notes,Conference Phone,Conference Phone Notes,Location Notes,Group Notes,Slug,Updated,Timezone';
  const EXAMPLE = [
    HEADER,
    '6:00 PM,7:00 PM,Monday,After Work,Grace Hall,100 Example Ave,Springfield,IL,62701,US,"Open, Discussion, Wheelchair Access","Side door.',
    'Ring ""twice"".",Springfield,Downtown,Serenity Seekers,https://zoom.us/j/1234567890,Passcode: 42,+13125550100,,Parking in back,Business meeting 1st Monday,after-work,2026-11-20 18:04:11,America/Chicago',
    'noon,1:00 PM,wednesday,Lunch Bunch,Library,200 Sample Rd,Springfield,IL,62702,US,"C,BE",,Springfield,,,,,,,,,lunch-bunch,,America/Chicago',
    '11:30 PM,12:30 AM,Saturday,Night Owls,Alano Club,300 Test St,Springfield,IL,62703,US,Open,,,,,,,,,,,night-owls,,America/Chicago',
    '',
  ].join('\n');

  /** A small file: header `Day,Time,Name` plus whatever extra columns a test needs. */
  const csv = (header: string, ...lines: string[]): string => [header, ...lines].join('\n');
  const one = (header: string, line: string, options = NO_DEFAULTS): ImportRow => {
    const rows = parseTsmlCsv(csv(header, line), options);
    expect(rows).toHaveLength(1);
    return rows[0] as ImportRow;
  };

  it('maps the TSML example, including multi-line notes with doubled quotes', () => {
    const rows = parseTsmlCsv(EXAMPLE, AS_AA);
    expect(rows.map((r) => [r.index, r.sourceSlug])).toEqual([
      [0, 'after-work'],
      [1, 'lunch-bunch'],
      [2, 'night-owls'],
    ]);
    expect(recordOf(rows[0])).toEqual({
      slug: 'after-work',
      day: 1,
      time: '18:00',
      end_time: '19:00',
      name: 'After Work',
      location: 'Grace Hall',
      address: '100 Example Ave',
      city: 'Springfield',
      state: 'IL',
      postal_code: '62701',
      country: 'US',
      types: ['O', 'D', 'X'],
      notes: 'Side door.\nRing "twice".',
      region: 'Springfield',
      sub_region: 'Downtown',
      group: 'Serenity Seekers',
      conference_url: 'https://zoom.us/j/1234567890',
      conference_url_notes: 'Passcode: 42',
      conference_phone: '+13125550100',
      location_notes: 'Parking in back',
      group_notes: 'Business meeting 1st Monday',
      timezone: 'America/Chicago',
    });
    expect(recordOf(rows[1])).toMatchObject({ day: 3, time: '12:00', end_time: '13:00' });
    expect(recordOf(rows[1]).types).toEqual(['C', 'BE']);
    expect(recordOf(rows[2])).toMatchObject({ day: 6, time: '23:30', end_time: '00:30' });
  });

  it('yields the expected normalized meetings', () => {
    const rows = parseTsmlCsv(EXAMPLE, AS_AA);
    expect(normalized(rows[0])).toEqual({
      slug: 'after-work',
      name: 'After Work',
      fellowship: 'na',
      days: [1],
      startMinute: 18 * 60,
      durationMinutes: 60,
      timezone: 'America/Chicago',
      types: ['D', 'O', 'X'],
      attendanceOption: 'hybrid',
      location: 'Grace Hall',
      formattedAddress: null,
      address: '100 Example Ave',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      country: 'US',
      latitude: null,
      longitude: null,
      approximate: false,
      region: 'Springfield',
      subRegion: 'Downtown',
      conferenceUrl: 'https://zoom.us/j/1234567890',
      conferenceUrlNotes: 'Passcode: 42',
      conferencePhone: '+13125550100',
      conferencePhoneNotes: null,
      notes: 'Side door.\nRing "twice".',
      locationNotes: 'Parking in back',
      group: 'Serenity Seekers',
      groupNotes: 'Business meeting 1st Monday',
      url: null,
    });
    expect(normalized(rows[1])).toMatchObject({
      slug: 'lunch-bunch',
      days: [3],
      startMinute: 12 * 60,
      durationMinutes: 60,
      types: ['BE', 'C'],
      attendanceOption: 'in_person',
    });
    // Ends the next day: 23:30–00:30 is one hour, not 23.
    expect(normalized(rows[2])).toMatchObject({
      slug: 'night-owls',
      days: [6],
      startMinute: 23 * 60 + 30,
      durationMinutes: 60,
      types: ['O'],
    });
  });

  it('reads a file with a UTF-8 BOM and CRLF line ends the same as a plain LF one', () => {
    const excel = '\uFEFF' + EXAMPLE.replace(/\n(?!Ring)/g, '\r\n');
    expect(excel.startsWith('\uFEFFTime,')).toBe(true);
    expect(excel).toContain('\r\n');
    expect(parseTsmlCsv(excel, AS_AA)).toEqual(parseTsmlCsv(EXAMPLE, AS_AA));
    // The BOM must not count as text before the opening quote of a quoted first header.
    const quoted = parseTsmlCsv('\uFEFF"Day","Time","Name"\r\n"Monday","7:00 PM","A"\r\n', AS_AA);
    expect(quoted.map((r) => recordOf(r))).toEqual([{ day: 1, time: '19:00', name: 'A' }]);
  });

  it('keeps line breaks inside quoted fields whatever the file uses, and old-Mac CR files load', () => {
    const rows = parseTsmlCsv(
      'Day,Time,Name,Notes\r\n1,19:00,A,"one\r\ntwo"\r\n2,19:00,B,"x,y"\r\n',
      NO_DEFAULTS,
    );
    expect(rows.map((r) => recordOf(r).notes)).toEqual(['one\r\ntwo', 'x,y']);
    const mac = parseTsmlCsv('Day,Time,Name\r1,19:00,A\r2,20:00,B\r', NO_DEFAULTS);
    expect(mac.map((r) => recordOf(r).name)).toEqual(['A', 'B']);
  });

  it('unescapes doubled quotes, keeps commas inside quotes, and ignores blanks around quotes', () => {
    const row = one('Day,Time,Name,Notes,Location', '1,19:00,"The ""Big"" Meeting", "a, b" ,""');
    expect(recordOf(row)).toEqual({
      day: 1,
      time: '19:00',
      name: 'The "Big" Meeting',
      notes: 'a, b',
    });
  });

  it('normalises headers like TSML and accepts its aliases', () => {
    const row = one(
      ' MEETING ,Start Time,DAY,Location Name,Zip,Conference URL Notes,Sub-Region,Formatted Address,Unknown Column',
      'Morning Light,7:00 AM,Friday,Hall,02139,Code 9,Cambridgeport,"1 Main St, Cambridge, MA",whatever',
    );
    expect(recordOf(row)).toEqual({
      name: 'Morning Light',
      time: '07:00',
      day: 5,
      location: 'Hall',
      postal_code: '02139',
      conference_url_notes: 'Code 9',
      sub_region: 'Cambridgeport',
      formatted_address: '1 Main St, Cambridge, MA',
    });
  });

  it('rejects a file without the columns it needs, or with one column twice', () => {
    const missing = parseError(() =>
      parseTsmlCsv('Meeting Name,Start,Weekday\nA,19:00,Monday\n', NO_DEFAULTS),
    );
    expect(missing.format).toBe('csv');
    expect(missing.line).toBe(1);
    expect(missing.message).toBe(
      'CSV is missing the required columns Day, Time, Name (the header row has: Meeting Name, Start, Weekday)',
    );
    expect(parseError(() => parseTsmlCsv('Day,Name\n1,A\n', NO_DEFAULTS)).message).toMatch(
      /^CSV is missing the required column Time /,
    );
    const twice = parseError(() =>
      parseTsmlCsv('Day,Time,Name,Zip,Postal Code\n1,19:00,A,1,2\n', NO_DEFAULTS),
    );
    expect(twice.message).toBe(
      'CSV columns "Zip" and "Postal Code" both mean postal_code; keep only one of them',
    );
  });

  it('rejects an empty file', () => {
    for (const text of ['', '\uFEFF', '\n\n', ' , \r\n']) {
      expect(parseError(() => parseTsmlCsv(text, NO_DEFAULTS)).message).toBe(
        'CSV is empty: expected a header row and meeting rows',
      );
    }
    expect(parseTsmlCsv('Day,Time,Name\n', NO_DEFAULTS)).toEqual([]);
  });

  it.each([
    ['Sunday', 0],
    ['monday', 1],
    ['TUESDAY', 2],
    ['Wednesday', 3],
    [' thursday ', 4],
    ['Friday', 5],
    ['saturday', 6],
    ['0', 0],
    ['3', 3],
    ['6', 6],
  ])('reads Day "%s" as %i', (dayText, day) => {
    expect(recordOf(one('Day,Time,Name', `${dayText},19:00,A`)).day).toBe(day);
  });

  it.each([['Mon'], ['7'], ['Mondays'], ['Daily'], ['Monday Wednesday'], ['-1'], ['1.0']])(
    'rejects Day "%s" on the row',
    (dayText) => {
      expect(errorOf(one('Day,Time,Name', `${dayText},19:00,A`))).toBe(
        `line 2: Day "${dayText}" is not a weekday name (Sunday … Saturday) or a number 0–6 (0 = Sunday); a meeting on several days needs one row per day`,
      );
    },
  );

  it.each([
    ['6:00 PM', '18:00'],
    ['6:00 pm', '18:00'],
    ['6 PM', '18:00'],
    ['6 pm', '18:00'],
    ['6pm', '18:00'],
    ['6:45PM', '18:45'],
    ['8:00 p.m.', '20:00'],
    ['8 P.M.', '20:00'],
    ['7.30 PM', '19:30'],
    ['6:30 a.m.', '06:30'],
    ['12:00 PM', '12:00'],
    ['12:00 AM', '00:00'],
    ['12:15 am', '00:15'],
    ['noon', '12:00'],
    ['Noon', '12:00'],
    ['12 noon', '12:00'],
    ['12 Noon', '12:00'],
    ['midnight', '00:00'],
    ['Midnight', '00:00'],
    ['18:30', '18:30'],
    ['06:00', '06:00'],
    ['7:30', '07:30'],
    ['0:05', '00:05'],
    ['19:00:00', '19:00'],
    ['7:30:00 PM', '19:30'],
    ['  9:15  ', '09:15'],
  ])('reads Time "%s" as %s', (timeText, time) => {
    expect(recordOf(one('Day,Time,Name', `1,${timeText},A`)).time).toBe(time);
    expect(recordOf(one('Day,Time,End Time,Name', `1,05:00,${timeText},A`)).end_time).toBe(time);
  });

  it.each([
    ['garbage'],
    ['7'],
    ['19'],
    ['7:3'],
    ['7.30'],
    ['13:00 PM'],
    ['0:30 am'],
    ['6:75 pm'],
    ['7:30pmx'],
    ['19h30'],
    ["6 o'clock"],
    ['half past six'],
    ['6:00 p'],
    ['noonish'],
    ['-1:00'],
  ])('rejects Time "%s" on the row instead of turning it into 00:00', (timeText) => {
    expect(errorOf(one('Day,Time,Name', `1,${timeText},A`))).toBe(
      `line 2: Time "${timeText}" is not a time (write e.g. "6:30 PM", "18:30" or "noon")`,
    );
    expect(errorOf(one('Day,Time,End Time,Name', `1,05:00,${timeText},A`))).toBe(
      `line 2: End Time "${timeText}" is not a time (write e.g. "7:30 PM", "19:30" or "noon")`,
    );
  });

  it('passes 24-hour times that are out of range on for normalizeMeeting to reject', () => {
    const row = one('Day,Time,End Time,Name', '1,25:00,24:00,A');
    expect(recordOf(row)).toMatchObject({ time: '25:00', end_time: '24:00' });
    expect(rejectedFields(row)).toEqual(['time', 'end_time']);
    expect(rejectedFields(one('Day,Time,End Time,Name', '1,20:00,19:00,A'))).toEqual(['end_time']);
  });

  it('rejects rows without a day or a time (meetings by appointment)', () => {
    const rows = parseTsmlCsv(
      csv('Day,Time,Name,Slug', ',19:00,A,a', 'Monday,,B,b', ',,C,c'),
      AS_AA,
    );
    expect(rows.map((r) => errorOf(r))).toEqual([
      'line 2: has no Day: meetings by appointment are not supported, only weekly meetings with a day and time',
      'line 3: has no Time: meetings by appointment are not supported, only weekly meetings with a day and time',
      'line 4: has no Day or Time: meetings by appointment are not supported, only weekly meetings with a day and time',
    ]);
    expect(rows.map((r) => r.sourceSlug)).toEqual(['a', 'b', 'c']);
  });

  it('resolves type names and codes in any case, and keeps what it cannot resolve', () => {
    const types = (text: string, options = NO_DEFAULTS): unknown =>
      recordOf(one('Day,Time,Name,Types', `1,19:00,A,"${text}"`, options)).types;
    expect(types('Open, Discussion, Wheelchair Access')).toEqual(['O', 'D', 'X']);
    expect(types('o,d, x ,')).toEqual(['O', 'D', 'X']);
    expect(types('Big Book,Newcomer,Speaker,Spanish')).toEqual(['B', 'BE', 'SP', 'S']);
    expect(types('12x12, 11, lgbtq')).toEqual(['12x12', '11', 'LGBTQ']);
    expect(types('Step Meeting, Sign Language, Outdoor Meeting, Temporary Closure')).toEqual([
      'ST',
      'ASL',
      'OUT',
      'TC',
    ]);
    // ONL is TSML's derived "online" flag, not a type: TSML strips it on import too.
    expect(types('Open, Online Meeting, ONL')).toEqual(['O']);
    expect(types('Open, Bring Snacks')).toEqual(['O', 'Bring Snacks']);
    expect(types('Just for Today, JT')).toEqual(['Just for Today', 'JT']);
    expect(types('Just for Today, jt', AS_NA)).toEqual(['JT', 'JT']);
    expect(
      recordOf(one('Day,Time,Name,Types,Fellowship', '1,19:00,A,Basic Text,NA')).types,
    ).toEqual(['BT']);
  });

  it('lets normalizeMeeting report an unresolvable type label', () => {
    const row = one('Day,Time,Name,Types', '1,19:00,A,"Open, Bring Snacks"', AS_AA);
    const result = normalizeMeeting(recordOf(row), CONTEXT);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          field: 'types',
          message: 'unknown type code for na: "Bring Snacks" (see GET /api/v1/types)',
        },
      ],
    });
  });

  it('reads numeric coordinates as numbers and passes other text on', () => {
    const row = one('Day,Time,Name,Latitude,Longitude', '1,19:00,A, 42.3601 ,-71.0589');
    expect(recordOf(row)).toMatchObject({ latitude: 42.3601, longitude: -71.0589 });
    expect(normalized(row)).toMatchObject({ latitude: 42.3601, longitude: -71.0589 });
    const junk = one('Day,Time,Name,Latitude,Longitude', '1,19:00,A,n/a,-71');
    expect(recordOf(junk)).toMatchObject({ latitude: 'n/a', longitude: -71 });
    expect(rejectedFields(junk)).toEqual(['latitude']);
    expect(rejectedFields(one('Day,Time,Name,Latitude,Longitude', '1,19:00,A,200,10'))).toEqual([
      'latitude',
    ]);
  });

  it('takes the identity from the Slug column and rejects a slug used twice', () => {
    const rows = parseTsmlCsv(
      csv(
        'Day,Time,Name,Slug',
        '1,19:00,A,alpha',
        '2,19:00,B,',
        '3,19:00,C,alpha',
        '4,19:00,D,beta',
      ),
      NO_DEFAULTS,
    );
    expect(rows.map((r) => r.sourceSlug)).toEqual(['alpha', null, 'alpha', 'beta']);
    expect(recordOf(rows[0]).slug).toBe('alpha');
    expect(recordOf(rows[1])).not.toHaveProperty('slug');
    expect(errorOf(rows[2])).toBe(
      'line 4: duplicate Slug "alpha", already used on line 2; each row needs its own',
    );
    expect(recordOf(rows[3]).slug).toBe('beta');
    expect(one('Day,Time,Name', '1,19:00,A').sourceSlug).toBeNull();
  });

  it('passes Timezone, Fellowship, Approximate and Attendance Option on; sets neither default', () => {
    const plain = recordOf(one('Day,Time,Name', '1,19:00,A', AS_AA));
    expect(plain).not.toHaveProperty('timezone');
    expect(plain).not.toHaveProperty('fellowship');
    const full = recordOf(
      one(
        'Day,Time,Name,Timezone,Fellowship,Approximate,Attendance Option,Conference URL',
        '1,19:00,A,Europe/London,aa,Yes,In-Person,https://zoom.us/j/1',
      ),
    );
    expect(full).toMatchObject({
      timezone: 'Europe/London',
      fellowship: 'aa',
      approximate: 'yes',
      attendance_option: 'in_person',
    });
    expect(
      recordOf(one('Day,Time,Name,Attendance Option', '1,19:00,A,Online')).attendance_option,
    ).toBe('online');
  });

  it('turns TSML <br> tags in notes into line breaks', () => {
    const row = one('Day,Time,Name,Notes,Group Notes', '1,19:00,A,one<br>two<BR />three,a<br/>b');
    expect(recordOf(row)).toMatchObject({ notes: 'one\ntwo\nthree', group_notes: 'a\nb' });
  });

  it('skips blank lines without counting them and accepts rows shorter than the header', () => {
    const rows = parseTsmlCsv(
      csv('Day,Time,Name,Notes,Slug', '', '1,19:00,A', ',,,,', '', '2,20:00,B,note,b', ''),
      NO_DEFAULTS,
    );
    expect(rows.map((r) => [r.index, recordOf(r).name])).toEqual([
      [0, 'A'],
      [1, 'B'],
    ]);
    expect(
      errorOf(parseTsmlCsv(csv('Day,Time,Name', '', '', '1,garbage,A'), NO_DEFAULTS)[0]),
    ).toMatch(/^line 4: /);
  });

  it('rejects a row with more values than the header has columns', () => {
    const rows = parseTsmlCsv(
      csv('Day,Time,Name,Notes', '1,19:00,A,Ring bell, then wait', '2,19:00,B,,,', '3,19:00,C,ok'),
      NO_DEFAULTS,
    );
    expect(errorOf(rows[0])).toBe(
      'line 2: has 5 fields but the header has 4; a value containing a comma must be enclosed in double quotes',
    );
    // Trailing empty cells, as spreadsheets sometimes add, are harmless.
    expect(recordOf(rows[1]).name).toBe('B');
    expect(recordOf(rows[2]).notes).toBe('ok');
  });

  it('reports broken quoting on the row and carries on with the next line', () => {
    const rows = parseTsmlCsv(
      csv(
        'Day,Time,Name,Notes,Slug',
        '1,19:00,A,"He said "hi" to us",a',
        '2,19:00,B,Room 5" wide,b',
        '3,19:00,C,"fine, really",c',
        '4,19:00,D,"two',
        'lines" then text,d',
        '5,19:00,E,,e',
      ),
      NO_DEFAULTS,
    );
    expect(rows).toHaveLength(5);
    expect(errorOf(rows[0])).toBe(
      'line 2: field 4 has text after its closing quote; a quote inside a quoted field must be doubled ("")',
    );
    expect(rows[0]?.sourceSlug).toBeNull();
    expect(errorOf(rows[1])).toBe(
      'line 3: field 4 contains a double quote but does not start with one; enclose the whole field in quotes and double the inner quote ("")',
    );
    expect(recordOf(rows[2])).toMatchObject({ name: 'C', notes: 'fine, really', slug: 'c' });
    expect(errorOf(rows[3])).toMatch(/^line 6: field 4 has text after its closing quote/);
    expect(recordOf(rows[4])).toMatchObject({ name: 'E', day: 5, slug: 'e' });
    expect(rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives up on the whole file, with the line number, when a quote never closes', () => {
    const err = parseError(() =>
      parseTsmlCsv(
        csv(
          'Day,Time,Name,Notes',
          '1,19:00,A,"multi',
          'line"',
          '2,19:00,B,"never closed',
          '3,19:00,C,',
        ),
        NO_DEFAULTS,
      ),
    );
    expect(err.format).toBe('csv');
    expect(err.line).toBe(4);
    expect(err.message).toBe(
      'CSV line 4: a quoted field starts here and its closing quote never comes, so the rest of the file cannot be read (a quote inside a quoted field must be doubled: "")',
    );
    expect(err.details).toEqual([{ field: 'data', message: err.message, line: 4 }]);
  });

  it('rejects a header whose quoting is broken as a whole-file error', () => {
    const err = parseError(() => parseTsmlCsv('Day,"Time"x,Name\n1,19:00,A\n', NO_DEFAULTS));
    expect(err.line).toBe(1);
    expect(err.message).toMatch(/^CSV header: line 1: field 2 has text after its closing quote/);
  });
});
