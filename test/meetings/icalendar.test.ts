import ICAL from 'ical.js';
import {
  renderCalendar,
  type CalendarMeeting,
  type CalendarOptions,
} from '../../src/meetings/formats/icalendar.js';

const UPDATED = new Date('2025-12-01T10:20:30Z');

function meeting(overrides: Partial<CalendarMeeting> = {}): CalendarMeeting {
  return {
    slug: 'monday-serenity',
    name: 'Monday Serenity',
    days: [1],
    startMinute: 19 * 60,
    durationMinutes: 60,
    timezone: 'America/New_York',
    location: null,
    formattedAddress: null,
    conferenceUrl: null,
    conferencePhone: null,
    notes: null,
    url: null,
    updatedAt: UPDATED,
    ...overrides,
  };
}

function render(meetings: CalendarMeeting[], now: string, extra: Partial<CalendarOptions> = {}) {
  return renderCalendar(meetings, {
    calendarName: 'Meetings',
    now: new Date(now),
    uidDomain: 'meetings.example.org',
    ...extra,
  });
}

/** Logical (unfolded) content lines. */
function unfold(ics: string): string[] {
  return ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .slice(0, -1);
}

/** The unfolded lines of the VEVENT whose UID begins with `slug@`. */
function eventLines(ics: string, slug: string): string[] {
  const lines = unfold(ics);
  const start = lines.indexOf(`UID:${slug}@meetings.example.org`) - 1;
  if (start < 0) throw new Error(`no event ${slug}`);
  return lines.slice(start, lines.indexOf('END:VEVENT', start) + 1);
}

/** The unfolded lines of one VTIMEZONE. */
function timezoneBlock(ics: string, zone: string): string[] {
  const lines = unfold(ics);
  const start = lines.indexOf(`TZID:${zone}`) - 1;
  if (start < 0) throw new Error(`no VTIMEZONE ${zone}`);
  return lines.slice(start, lines.indexOf('END:VTIMEZONE', start) + 1);
}

function parsedEvent(ics: string, slug: string): ICAL.Event {
  const calendar = ICAL.Component.fromString(ics);
  const vevent = calendar
    .getAllSubcomponents('vevent')
    .find((component) => component.getFirstPropertyValue('uid') === `${slug}@meetings.example.org`);
  if (!vevent) throw new Error(`ical.js found no event ${slug}`);
  return new ICAL.Event(vevent);
}

interface OccurrenceDetails {
  startDate: ICAL.Time;
  endDate: ICAL.Time;
}

interface Occurrence {
  start: string;
  end: string;
}

/** The first `count` instances as ical.js expands them, in UTC. */
function occurrences(ics: string, slug: string, count: number): Occurrence[] {
  const event = parsedEvent(ics, slug);
  const iterator = event.iterator();
  const result: Occurrence[] = [];
  for (let i = 0; i < count; i++) {
    const next = iterator.next();
    if (!next) break;
    // ical.js's declaration of this type imports "./time" without an extension, which NodeNext
    // resolution cannot follow; the shape is restated here.
    const details = event.getOccurrenceDetails(next) as unknown as OccurrenceDetails;
    result.push({
      start: details.startDate.toJSDate().toISOString(),
      end: details.endDate.toJSDate().toISOString(),
    });
  }
  return result;
}

function occurrenceOn(list: Occurrence[], utcPrefix: string): Occurrence {
  const found = list.find((o) => o.start.startsWith(utcPrefix));
  if (!found) throw new Error(`no occurrence starting ${utcPrefix}: ${JSON.stringify(list)}`);
  return found;
}

/** Wall clock of an instant in a zone, independently of the module: "Mon 2026-01-12 19:00". */
function wallClock(zone: string, iso: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((part) => part.type === type)?.value ?? '?';
  return `${get('weekday')} ${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

const octets = (text: string) => Buffer.byteLength(text, 'utf8');

describe('renderCalendar: the calendar object', () => {
  const ics = render([meeting()], '2026-01-14T12:00:00Z', { calendarName: 'NA; Springfield, IL' });

  it('has the VCALENDAR properties, in CRLF lines only', () => {
    expect(unfold(ics).slice(0, 6)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Meetinghouse//Meetings//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:NA\\; Springfield\\, IL',
    ]);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics).not.toMatch(/[^\r]\n/);
    expect(ics).not.toMatch(/\r(?!\n)/);
    // X-WR-CALNAME is TEXT for the clients that read it (Apple, Google); ical.js treats unknown
    // X- properties as opaque and would show the escapes, so it is not consulted here.
  });

  it('puts the VTIMEZONEs before the VEVENTs', () => {
    const lines = unfold(ics);
    expect(lines.indexOf('BEGIN:VTIMEZONE')).toBeGreaterThan(0);
    expect(lines.indexOf('BEGIN:VTIMEZONE')).toBeLessThan(lines.indexOf('BEGIN:VEVENT'));
  });

  it('writes the event properties', () => {
    expect(eventLines(ics, 'monday-serenity')).toEqual([
      'BEGIN:VEVENT',
      'UID:monday-serenity@meetings.example.org',
      'DTSTAMP:20260114T120000Z',
      'SUMMARY:Monday Serenity',
      'DTSTART;TZID=America/New_York:20260112T190000',
      'DTEND;TZID=America/New_York:20260112T200000',
      'RRULE:FREQ=WEEKLY;BYDAY=MO',
      'LAST-MODIFIED:20251201T102030Z',
      'END:VEVENT',
    ]);
  });

  it('is the same text for the same input, whatever was rendered before', () => {
    const again = render([meeting()], '2026-01-14T12:00:00Z', {
      calendarName: 'NA; Springfield, IL',
    });
    // A different year fills the zone cache with a different range in between.
    render([meeting()], '2031-06-01T12:00:00Z');
    const third = render([meeting()], '2026-01-14T12:00:00Z', {
      calendarName: 'NA; Springfield, IL',
    });
    expect(again).toBe(ics);
    expect(third).toBe(ics);
  });

  it('renders an empty calendar that ical.js still reads', () => {
    const empty = render([], '2026-01-14T12:00:00Z');
    expect(unfold(empty)).not.toContain('BEGIN:VEVENT');
    expect(unfold(empty)).not.toContain('BEGIN:VTIMEZONE');
    expect(ICAL.Component.fromString(empty).getAllSubcomponents()).toHaveLength(0);
  });

  it('rejects a meeting it cannot express', () => {
    const now = '2026-01-14T12:00:00Z';
    expect(() => render([meeting({ timezone: 'Mars/Olympus' })], now)).toThrow(RangeError);
    expect(() => render([meeting({ days: [] })], now)).toThrow(RangeError);
    expect(() => render([meeting({ days: [7] })], now)).toThrow(RangeError);
    expect(() => render([meeting({ startMinute: 1440 })], now)).toThrow(RangeError);
    expect(() => render([meeting({ durationMinutes: 0 })], now)).toThrow(RangeError);
    expect(() => render([meeting({ durationMinutes: 721 })], now)).toThrow(RangeError);
    expect(() => render([meeting({ updatedAt: new Date('x') })], now)).toThrow(RangeError);
  });
});

describe('renderCalendar: DTSTART', () => {
  it('is the first day of the rule on or after the local date a week before now', () => {
    // Wednesday 14 January 2026, midday in New York: the window opens on Wednesday the 7th.
    const now = '2026-01-14T17:00:00Z';
    const ics = render(
      [meeting({ slug: 'mon', days: [1] }), meeting({ slug: 'wed', days: [3] })],
      now,
    );
    expect(eventLines(ics, 'mon')).toContain('DTSTART;TZID=America/New_York:20260112T190000');
    expect(eventLines(ics, 'wed')).toContain('DTSTART;TZID=America/New_York:20260107T190000');
  });

  it("counts from the meeting's own local date, not the UTC one", () => {
    // 03:00Z on Thursday the 15th is still Wednesday evening in New York, but Thursday in India.
    const now = '2026-01-15T03:00:00Z';
    const ics = render(
      [
        meeting({ slug: 'ny', days: [3] }),
        meeting({ slug: 'in', days: [3], timezone: 'Asia/Kolkata' }),
      ],
      now,
    );
    expect(eventLines(ics, 'ny')).toContain('DTSTART;TZID=America/New_York:20260107T190000');
    expect(eventLines(ics, 'in')).toContain('DTSTART;TZID=Asia/Kolkata:20260114T190000');
  });

  it('is itself the first instance ical.js expands', () => {
    const ics = render([meeting({ days: [1, 3, 5] })], '2026-01-18T17:00:00Z');
    // Sunday the 18th minus 7 is Sunday the 11th; Monday the 12th is the first meeting day.
    expect(eventLines(ics, 'monday-serenity')).toContain(
      'DTSTART;TZID=America/New_York:20260112T190000',
    );
    expect(occurrences(ics, 'monday-serenity', 1)[0]?.start).toBe('2026-01-13T00:00:00.000Z');
  });
});

describe('renderCalendar: instants in several zones (expanded by ical.js)', () => {
  it('America/New_York, Monday 19:00: 00:00Z Tuesday in January, 23:00Z in July', () => {
    const ics = render([meeting()], '2026-01-14T12:00:00Z');
    const list = occurrences(ics, 'monday-serenity', 30);
    expect(list.slice(0, 3)).toEqual([
      { start: '2026-01-13T00:00:00.000Z', end: '2026-01-13T01:00:00.000Z' },
      { start: '2026-01-20T00:00:00.000Z', end: '2026-01-20T01:00:00.000Z' },
      { start: '2026-01-27T00:00:00.000Z', end: '2026-01-27T01:00:00.000Z' },
    ]);
    // The week before and the week after the 8 March change.
    expect(occurrenceOn(list, '2026-03-03').start).toBe('2026-03-03T00:00:00.000Z');
    expect(occurrenceOn(list, '2026-03-09').start).toBe('2026-03-09T23:00:00.000Z');
    expect(occurrenceOn(list, '2026-07-06')).toEqual({
      start: '2026-07-06T23:00:00.000Z',
      end: '2026-07-07T00:00:00.000Z',
    });

    // A calendar made in July starts in July and needs the same zone rules.
    const july = render([meeting()], '2026-07-08T12:00:00Z');
    expect(occurrences(july, 'monday-serenity', 1)).toEqual([
      { start: '2026-07-06T23:00:00.000Z', end: '2026-07-07T00:00:00.000Z' },
    ]);
  });

  it('America/New_York: the VTIMEZONE uses the 2nd-Sunday-of-March / 1st-Sunday-of-November rules', () => {
    const ics = render([meeting()], '2026-01-14T12:00:00Z');
    expect(timezoneBlock(ics, 'America/New_York')).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:America/New_York',
      'BEGIN:DAYLIGHT',
      'DTSTART:20250309T020000',
      'TZOFFSETFROM:-0500',
      'TZOFFSETTO:-0400',
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
      'TZNAME:EDT',
      'END:DAYLIGHT',
      'BEGIN:STANDARD',
      'DTSTART:20251102T020000',
      'TZOFFSETFROM:-0400',
      'TZOFFSETTO:-0500',
      'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
      'TZNAME:EST',
      'END:STANDARD',
      'END:VTIMEZONE',
    ]);
  });

  it('Europe/London: last-Sunday rules, 19:00Z in winter and 18:00Z in summer', () => {
    const ics = render([meeting({ timezone: 'Europe/London' })], '2026-01-14T12:00:00Z');
    const block = timezoneBlock(ics, 'Europe/London');
    expect(block).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:Europe/London',
      'BEGIN:DAYLIGHT',
      'DTSTART:20250330T010000',
      'TZOFFSETFROM:+0000',
      'TZOFFSETTO:+0100',
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
      'TZNAME:BST',
      'END:DAYLIGHT',
      'BEGIN:STANDARD',
      'DTSTART:20251026T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0000',
      'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
      'TZNAME:GMT',
      'END:STANDARD',
      'END:VTIMEZONE',
    ]);
    const list = occurrences(ics, 'monday-serenity', 45);
    expect(occurrenceOn(list, '2026-03-23').start).toBe('2026-03-23T19:00:00.000Z');
    expect(occurrenceOn(list, '2026-03-30').start).toBe('2026-03-30T18:00:00.000Z');
    expect(occurrenceOn(list, '2026-10-19').start).toBe('2026-10-19T18:00:00.000Z');
    // 25 October 2026 is the last Sunday of October, and only the 4th.
    expect(occurrenceOn(list, '2026-10-26').start).toBe('2026-10-26T19:00:00.000Z');
  });

  it('Australia/Sydney: daylight time from October to April (southern hemisphere)', () => {
    const ics = render([meeting({ timezone: 'Australia/Sydney' })], '2026-01-14T12:00:00Z');
    const block = timezoneBlock(ics, 'Australia/Sydney');
    expect(block).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:Australia/Sydney',
      'BEGIN:STANDARD',
      'DTSTART:20250406T030000',
      'TZOFFSETFROM:+1100',
      'TZOFFSETTO:+1000',
      'RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU',
      'TZNAME:AEST',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:20251005T020000',
      'TZOFFSETFROM:+1000',
      'TZOFFSETTO:+1100',
      'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU',
      'TZNAME:AEDT',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
    ]);
    const list = occurrences(ics, 'monday-serenity', 45);
    // Monday 19:00 is 08:00Z under AEDT (+11) and 09:00Z under AEST (+10).
    expect(list[0]).toEqual({ start: '2026-01-12T08:00:00.000Z', end: '2026-01-12T09:00:00.000Z' });
    expect(occurrenceOn(list, '2026-03-30').start).toBe('2026-03-30T08:00:00.000Z');
    expect(occurrenceOn(list, '2026-04-06').start).toBe('2026-04-06T09:00:00.000Z');
    expect(occurrenceOn(list, '2026-07-06').start).toBe('2026-07-06T09:00:00.000Z');
    expect(occurrenceOn(list, '2026-10-05').start).toBe('2026-10-05T08:00:00.000Z');
  });

  it('Asia/Kolkata: one STANDARD observance at +05:30, 13:30Z all year', () => {
    const ics = render([meeting({ timezone: 'Asia/Kolkata' })], '2026-01-14T12:00:00Z');
    expect(timezoneBlock(ics, 'Asia/Kolkata')).toEqual([
      'BEGIN:VTIMEZONE',
      'TZID:Asia/Kolkata',
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      'TZOFFSETFROM:+0530',
      'TZOFFSETTO:+0530',
      'TZNAME:IST',
      'END:STANDARD',
      'END:VTIMEZONE',
    ]);
    const list = occurrences(ics, 'monday-serenity', 52);
    expect(list).toHaveLength(52);
    for (const occurrence of list) {
      expect(occurrence.start.slice(10)).toBe('T13:30:00.000Z');
    }
  });

  it('America/Phoenix: no DST, one STANDARD observance at -07:00', () => {
    const ics = render([meeting({ timezone: 'America/Phoenix' })], '2026-01-14T12:00:00Z');
    const block = timezoneBlock(ics, 'America/Phoenix');
    expect(block.filter((line) => line.startsWith('BEGIN:'))).toEqual([
      'BEGIN:VTIMEZONE',
      'BEGIN:STANDARD',
    ]);
    expect(block).toContain('TZOFFSETTO:-0700');
    expect(occurrenceOn(occurrences(ics, 'monday-serenity', 30), '2026-07-07').start).toBe(
      '2026-07-07T02:00:00.000Z',
    );
  });

  // Every instance, for two years, must be Monday 19:00 on the zone's own clock. Jerusalem and
  // Casablanca have no nth/last-weekday rule (RDATE observances), Lord Howe moves by 30 minutes,
  // São Paulo dropped DST in 2019.
  it.each([
    'America/New_York',
    'Europe/London',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
    'Asia/Jerusalem',
    'Africa/Casablanca',
    'America/Sao_Paulo',
    'Pacific/Auckland',
  ])('%s: every expanded instance is Monday 19:00 local for two years', (zone) => {
    const ics = render([meeting({ timezone: zone })], '2026-01-14T12:00:00Z');
    const list = occurrences(ics, 'monday-serenity', 104);
    expect(list).toHaveLength(104);
    const first = Date.parse('2026-01-12T00:00:00Z');
    list.forEach((occurrence, week) => {
      const date = new Date(first + week * 7 * 86_400_000).toISOString().slice(0, 10);
      expect(wallClock(zone, occurrence.start)).toBe(`Mon ${date} 19:00`);
      expect(Date.parse(occurrence.end) - Date.parse(occurrence.start)).toBe(3_600_000);
    });
  });

  it('writes RDATEs when the transitions follow no yearly weekday rule', () => {
    const ics = render([meeting({ timezone: 'Asia/Jerusalem' })], '2026-01-14T12:00:00Z');
    const block = timezoneBlock(ics, 'Asia/Jerusalem');
    // Israel moves its clocks on the Friday before the last Sunday of March.
    expect(block).toContain('RDATE:20260327T020000');
    expect(block).toContain('RDATE:20270326T020000');
    // The autumn change is the last Sunday of October, which is a rule.
    expect(block).toContain('RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU');
  });
});

describe('renderCalendar: DST nights in New York', () => {
  // 01:30 on a Sunday: on 8 March 2026 it exists (the gap is 02:00–03:00), on 1 November 2026
  // it happens twice (01:00–02:00 is repeated).
  const early = meeting({ slug: 'night-owls', days: [0], startMinute: 90 });

  it('01:30 on the spring-forward Sunday is 06:30Z (still EST), then 05:30Z', () => {
    const ics = render([early], '2026-03-01T12:00:00Z');
    expect(eventLines(ics, 'night-owls')).toContain(
      'DTSTART;TZID=America/New_York:20260222T013000',
    );
    const list = occurrences(ics, 'night-owls', 4);
    expect(list.map((o) => o.start)).toEqual([
      '2026-02-22T06:30:00.000Z',
      '2026-03-01T06:30:00.000Z',
      '2026-03-08T06:30:00.000Z',
      '2026-03-15T05:30:00.000Z',
    ]);
    // That night the hour ends at 03:30 EDT = 07:30Z. ical.js instead adds the hour to the wall
    // clock (02:30, which does not exist) and places it after the gap, giving a zero-length
    // instance; so that end is not asserted here. The weeks around it end an hour after start.
    expect(list[1]?.end).toBe('2026-03-01T07:30:00.000Z');
    expect(list[3]?.end).toBe('2026-03-15T06:30:00.000Z');
  });

  it('01:30 on the fall-back Sunday: the first 01:30 (EDT) by RFC 5545', () => {
    const ics = render([early], '2026-10-26T12:00:00Z');
    expect(eventLines(ics, 'night-owls')).toContain(
      'DTSTART;TZID=America/New_York:20261025T013000',
    );
    const list = occurrences(ics, 'night-owls', 3);
    expect(list[0]?.start).toBe('2026-10-25T05:30:00.000Z');
    expect(list[2]?.start).toBe('2026-11-08T06:30:00.000Z');
    // RFC 5545 §3.3.5: a repeated local time means its first occurrence, so 1 November 01:30 is
    // 01:30 EDT = 05:30Z. ical.js disagrees (it resolves the repeated hour to EST, 06:30Z), so
    // the RFC answer is checked on the text: the change to -0500 happens at 02:00 EDT, after
    // 01:30 EDT, on the 1st Sunday of November.
    expect(timezoneBlock(ics, 'America/New_York')).toEqual(
      expect.arrayContaining([
        'DTSTART:20251102T020000',
        'TZOFFSETFROM:-0400',
        'TZOFFSETTO:-0500',
        'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
      ]),
    );
    expect(wallClock('America/New_York', '2026-11-01T05:30:00Z')).toBe('Sun 2026-11-01 01:30');
  });

  it('a first instance on a DST night gets DURATION, so its odd length does not repeat', () => {
    // DTSTART falls on the change night itself; a DTEND would fix every instance's length to
    // this night's (ambiguous) real length.
    const spring = render([early], '2026-03-15T12:00:00Z');
    const fall = render([early], '2026-11-08T12:00:00Z');
    expect(eventLines(spring, 'night-owls')).toEqual(
      expect.arrayContaining(['DTSTART;TZID=America/New_York:20260308T013000', 'DURATION:PT1H']),
    );
    expect(eventLines(fall, 'night-owls')).toEqual(
      expect.arrayContaining(['DTSTART;TZID=America/New_York:20261101T013000', 'DURATION:PT1H']),
    );
    expect(eventLines(spring, 'night-owls').some((l) => l.startsWith('DTEND'))).toBe(false);
    // Later weeks are ordinary hours.
    expect(occurrences(spring, 'night-owls', 2)[1]).toEqual({
      start: '2026-03-15T05:30:00.000Z',
      end: '2026-03-15T06:30:00.000Z',
    });
    expect(occurrences(fall, 'night-owls', 2)[1]).toEqual({
      start: '2026-11-08T06:30:00.000Z',
      end: '2026-11-08T07:30:00.000Z',
    });
  });

  it('02:30 on the spring-forward Sunday does not exist: the RFC reads it with EST', () => {
    const skipped = meeting({ slug: 'skipped', days: [0], startMinute: 150 });
    const ics = render([skipped], '2026-03-01T12:00:00Z');
    const list = occurrences(ics, 'skipped', 4);
    expect(list[1]?.start).toBe('2026-03-01T07:30:00.000Z');
    expect(list[3]?.start).toBe('2026-03-15T06:30:00.000Z');
    // RFC 5545 §3.3.5: a nonexistent local time takes the offset before the gap, so 8 March
    // 02:30 is 02:30 EST = 07:30Z (03:30 EDT). ical.js disagrees (06:30Z, using EDT), so the
    // text is checked: the change to -0400 happens at 02:00 in the -0500 offset.
    expect(timezoneBlock(ics, 'America/New_York')).toEqual(
      expect.arrayContaining([
        'DTSTART:20250309T020000',
        'TZOFFSETFROM:-0500',
        'TZOFFSETTO:-0400',
        'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
      ]),
    );
    expect(wallClock('America/New_York', '2026-03-08T07:30:00Z')).toBe('Sun 2026-03-08 03:30');
    // As the first instance it is a DST night too.
    expect(eventLines(render([skipped], '2026-03-15T12:00:00Z'), 'skipped')).toEqual(
      expect.arrayContaining(['DTSTART;TZID=America/New_York:20260308T023000', 'DURATION:PT1H']),
    );
  });
});

describe('renderCalendar: recurrence', () => {
  it('a 23:00–01:00 meeting ends on the next day', () => {
    const late = meeting({ slug: 'late', days: [5], startMinute: 23 * 60, durationMinutes: 120 });
    const ics = render([late], '2026-01-14T12:00:00Z');
    expect(eventLines(ics, 'late')).toEqual(
      expect.arrayContaining([
        'DTSTART;TZID=America/New_York:20260109T230000',
        'DTEND;TZID=America/New_York:20260110T010000',
        'RRULE:FREQ=WEEKLY;BYDAY=FR',
      ]),
    );
    expect(occurrences(ics, 'late', 2)).toEqual([
      { start: '2026-01-10T04:00:00.000Z', end: '2026-01-10T06:00:00.000Z' },
      { start: '2026-01-17T04:00:00.000Z', end: '2026-01-17T06:00:00.000Z' },
    ]);
  });

  it('a meeting on Monday, Wednesday and Friday is one rule with three days', () => {
    const ics = render([meeting({ days: [1, 3, 5] })], '2026-01-14T12:00:00Z');
    expect(eventLines(ics, 'monday-serenity')).toEqual(
      expect.arrayContaining([
        'DTSTART;TZID=America/New_York:20260107T190000',
        'RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR',
      ]),
    );
    const list = occurrences(ics, 'monday-serenity', 6);
    expect(list.map((o) => wallClock('America/New_York', o.start))).toEqual([
      'Wed 2026-01-07 19:00',
      'Fri 2026-01-09 19:00',
      'Mon 2026-01-12 19:00',
      'Wed 2026-01-14 19:00',
      'Fri 2026-01-16 19:00',
      'Mon 2026-01-19 19:00',
    ]);
  });

  it('two meetings in one zone share one VTIMEZONE; each zone used has one', () => {
    const ics = render(
      [
        meeting({ slug: 'a' }),
        meeting({ slug: 'b', days: [4] }),
        meeting({ slug: 'c', timezone: 'Europe/London' }),
      ],
      '2026-01-14T12:00:00Z',
    );
    const lines = unfold(ics);
    expect(lines.filter((line) => line === 'BEGIN:VTIMEZONE')).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('TZID:'))).toEqual([
      'TZID:America/New_York',
      'TZID:Europe/London',
    ]);
    expect(lines.filter((line) => line === 'BEGIN:VEVENT')).toHaveLength(3);
    expect(occurrences(ics, 'b', 1)[0]?.start).toBe('2026-01-09T00:00:00.000Z');
    expect(occurrences(ics, 'c', 1)[0]?.start).toBe('2026-01-12T19:00:00.000Z');
  });
});

describe('renderCalendar: text', () => {
  it('escapes backslash, semicolon, comma and newlines in TEXT, and ical.js reads them back', () => {
    const ics = render(
      [
        meeting({
          name: 'Serenity; Step & Tradition, "Open" C:\\temp',
          notes: 'Side door; ring bell.\r\nBring a friend, or two.\nLast line\rend',
        }),
      ],
      '2026-01-14T12:00:00Z',
    );
    const lines = eventLines(ics, 'monday-serenity');
    expect(lines).toContain('SUMMARY:Serenity\\; Step & Tradition\\, "Open" C:\\\\temp');
    expect(lines).toContain(
      'DESCRIPTION:Side door\\; ring bell.\\nBring a friend\\, or two.\\nLast line\\nend',
    );
    const event = parsedEvent(ics, 'monday-serenity');
    expect(event.summary).toBe('Serenity; Step & Tradition, "Open" C:\\temp');
    expect(event.description).toBe(
      'Side door; ring bell.\nBring a friend, or two.\nLast line\nend',
    );
  });

  it('folds long lines at 75 octets without splitting a character, and unfolding restores them', () => {
    const name = 'Ünïcödé ✨ Serenity — 日本語のミーティング 🧘‍♀️, "open"; ' + 'é€🙂'.repeat(30);
    const ics = render([meeting({ name })], '2026-01-14T12:00:00Z');
    const physical = ics.split('\r\n').slice(0, -1);
    for (const line of physical) {
      expect(octets(line)).toBeLessThanOrEqual(75);
      // A split surrogate pair would be a lone surrogate on one of the two lines.
      expect(line).not.toMatch(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
      );
    }
    const summaryStart = physical.findIndex((line) => line.startsWith('SUMMARY:'));
    expect(physical[summaryStart + 1]?.startsWith(' ')).toBe(true);
    // Full lines are used: a fold only happens when the next character would not fit.
    const summaryLines = [physical[summaryStart] as string];
    for (let i = summaryStart + 1; physical[i]?.startsWith(' '); i++) {
      summaryLines.push(physical[i] as string);
    }
    for (const line of summaryLines.slice(0, -1)) expect(octets(line)).toBeGreaterThan(71);

    const escaped = name.replace(/[\\;,]/g, (ch) => `\\${ch}`);
    expect(unfold(ics)).toContain(`SUMMARY:${escaped}`);
    expect(parsedEvent(ics, 'monday-serenity').summary).toBe(name);
  });

  it('folds an ASCII line into 75, 75 (space included) and the rest', () => {
    const notes = 'x'.repeat(200);
    const ics = render([meeting({ notes })], '2026-01-14T12:00:00Z');
    const physical = ics.split('\r\n');
    const at = physical.findIndex((line) => line.startsWith('DESCRIPTION:'));
    expect(physical.slice(at, at + 3).map((line) => line.length)).toEqual([75, 75, 64]);
    expect(physical[at + 3]?.startsWith(' ')).toBe(false);
    expect(parsedEvent(ics, 'monday-serenity').description).toBe(notes);
  });
});

describe('renderCalendar: location, description and links', () => {
  it('an in-person meeting: venue and address as LOCATION, its page as URL', () => {
    const ics = render(
      [
        meeting({
          location: "St. Mark's Hall",
          formattedAddress: '123 Main St, Springfield, IL 62701, USA',
          url: 'https://meetings.example.org/meetings/monday-serenity?day=1,3',
          notes: 'Side door',
        }),
      ],
      '2026-01-14T12:00:00Z',
    );
    const lines = eventLines(ics, 'monday-serenity');
    expect(lines).toContain(
      "LOCATION:St. Mark's Hall\\, 123 Main St\\, Springfield\\, IL 62701\\, USA",
    );
    // URL is a URI, not TEXT: its comma stays unescaped.
    expect(lines).toContain('URL:https://meetings.example.org/meetings/monday-serenity?day=1,3');
    expect(lines).toContain('DESCRIPTION:Side door');
    expect(parsedEvent(ics, 'monday-serenity').location).toBe(
      "St. Mark's Hall, 123 Main St, Springfield, IL 62701, USA",
    );
  });

  it('an online meeting: the conference URL as LOCATION and URL, phone in DESCRIPTION', () => {
    const ics = render(
      [
        meeting({
          conferenceUrl: 'https://zoom.us/j/123456789',
          conferencePhone: '+1 555 0100,,123456789#',
          notes: 'Cameras optional',
        }),
      ],
      '2026-01-14T12:00:00Z',
    );
    const lines = eventLines(ics, 'monday-serenity');
    expect(lines).toContain('LOCATION:https://zoom.us/j/123456789');
    expect(lines).toContain('URL:https://zoom.us/j/123456789');
    expect(parsedEvent(ics, 'monday-serenity').description).toBe(
      'Cameras optional\nJoin online: https://zoom.us/j/123456789\nJoin by phone: +1 555 0100,,123456789#',
    );
  });

  it('a hybrid meeting keeps its venue as LOCATION and its own page as URL', () => {
    const ics = render(
      [
        meeting({
          location: 'Community Center',
          conferenceUrl: 'https://meet.example.org/room',
          url: 'https://meetings.example.org/m/hybrid',
        }),
      ],
      '2026-01-14T12:00:00Z',
    );
    const lines = eventLines(ics, 'monday-serenity');
    expect(lines).toContain('LOCATION:Community Center');
    expect(lines).toContain('URL:https://meetings.example.org/m/hybrid');
    expect(lines).toContain('DESCRIPTION:Join online: https://meet.example.org/room');
  });

  it('never writes a URL that could break the line or run script', () => {
    const ics = render(
      [
        meeting({ slug: 'a', url: 'javascript:alert(1)' }),
        meeting({ slug: 'b', url: 'https://example.org/a b\r\nX-EVIL:1' }),
      ],
      '2026-01-14T12:00:00Z',
    );
    expect(eventLines(ics, 'a').some((line) => line.startsWith('URL:'))).toBe(false);
    expect(eventLines(ics, 'b')).toContain('URL:https://example.org/a%20bX-EVIL:1');
    expect(unfold(ics).some((line) => line.startsWith('X-EVIL'))).toBe(false);
  });
});
