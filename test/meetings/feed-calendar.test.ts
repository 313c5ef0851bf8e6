/**
 * End-to-end: the directory's export formats through HTTP against the real service and a real
 * PostgreSQL: the Meeting Guide JSON feed (and its round trip into a second service through the
 * import), and the RFC 5545 calendars of one meeting and of a search.
 */
import ICAL from 'ical.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, api, login } from '../support/http.js';
import { createMeeting } from '../support/meetings.js';
import {
  basicMeeting,
  expectError,
  expectValidationFailed,
  FULL_MEETING,
  getMeeting,
  meetingData,
  runImport,
  type Meeting,
} from './write-fixtures.js';

/** The active meetings every test of this file works with (created once per app). */
const MEETINGS: Meeting[] = [
  { ...FULL_MEETING },
  {
    slug: 'online-sunrise',
    name: 'Online Sunrise',
    fellowship: 'aa',
    day: 0,
    time: '06:30',
    timezone: 'America/Los_Angeles',
    types: ['D', 'MED'],
    conference_url: 'https://meet.example.org/sunrise',
    conference_url_notes: 'Cameras optional',
  },
  {
    slug: 'london-night-owls',
    name: 'London Night Owls',
    fellowship: 'na',
    day: 5,
    time: '23:00',
    end_time: '01:00',
    timezone: 'Europe/London',
    types: ['C', 'JT'],
    location: 'Crypt Café',
    address: '1 Church Lane',
    city: 'London',
    postal_code: 'EC1A 1AA',
    country: 'GB',
    latitude: 51.5155,
    longitude: -0.0922,
  },
  {
    slug: 'approximate-park',
    name: 'Park Bench',
    fellowship: 'smart-recovery',
    day: [1, 3],
    time: '12:15',
    end_time: '13:00',
    timezone: 'America/Denver',
    attendance_option: 'in_person',
    location: 'City Park',
    city: 'Denver',
    state: 'CO',
    latitude: 39.7439,
    longitude: -104.9502,
    approximate: 'yes',
    types: ['OUT'],
    group: 'Park Group',
    group_notes: 'Rain or shine',
  },
];

/** Temporarily closed: in the directory, but not in the feed. */
const INACTIVE: Meeting = basicMeeting({
  slug: 'closed-for-now',
  name: 'Closed For Now',
  attendance_option: 'inactive',
  types: ['TC'],
});

async function seed(t: TestApp, token: string): Promise<void> {
  for (const meeting of [...MEETINGS, INACTIVE]) await createMeeting(t, token, meeting);
}

async function fetchFeed(t: TestApp): Promise<{ res: Response; text: string }> {
  const res = await fetch(`${t.baseUrl}/api/v1/feeds/meeting-guide.json`);
  return { res, text: await res.text() };
}

async function feedOf(t: TestApp): Promise<Record<string, unknown>[]> {
  const { res, text } = await fetchFeed(t);
  expect(res.status).toBe(200);
  return JSON.parse(text) as Record<string, unknown>[];
}

/** The Meeting Guide spec's field names, plus the two extensions the service documents. */
const MEETING_GUIDE_FIELDS = new Set([
  'name',
  'slug',
  'day',
  'time',
  'end_time',
  'timezone',
  'types',
  'notes',
  'conference_url',
  'conference_url_notes',
  'conference_phone',
  'conference_phone_notes',
  'location',
  'location_notes',
  'formatted_address',
  'address',
  'city',
  'state',
  'postal_code',
  'country',
  'approximate',
  'latitude',
  'longitude',
  'region',
  'sub_region',
  'group',
  'group_notes',
  'url',
  'updated',
  'attendance_option',
  'fellowship',
]);

describe('GET /feeds/meeting-guide.json', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    admin = await login(t);
  });

  afterAll(async () => {
    await t.close();
  });

  test('an empty directory is an empty JSON array', async () => {
    const { res, text } = await fetchFeed(t);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(text)).toEqual([]);
  });

  test('is a plain array of the active meetings, in Meeting Guide field names', async () => {
    await seed(t, admin);
    const { res, text } = await fetchFeed(t);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const feed = JSON.parse(text) as Record<string, unknown>[];
    expect(Array.isArray(feed)).toBe(true);

    expect(feed.map((entry) => entry.slug).sort()).toEqual(
      MEETINGS.map((m) => m.slug as string).sort(),
    );
    expect(feed.some((entry) => entry.slug === INACTIVE.slug)).toBe(false);

    for (const entry of feed) {
      for (const key of Object.keys(entry))
        expect({ key, known: MEETING_GUIDE_FIELDS.has(key) }).toEqual({ key, known: true });
      expect(entry.updated).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const meeting = await getMeeting(t, entry.slug as string);
      // `updated` is the same instant as the API's, in the spec's "YYYY-MM-DD HH:MM:SS" (UTC).
      expect(`${(entry.updated as string).replace(' ', 'T')}Z`).toBe(meeting.updated);
      // Every value is the API's value under the same name.
      for (const [key, value] of Object.entries(entry)) {
        if (key === 'updated') continue;
        const expected = meeting[key];
        if (key === 'types')
          expect([...(value as string[])].sort()).toEqual([...(expected as string[])].sort());
        else expect({ key, value }).toEqual({ key, value: expected });
      }
      // Nothing of the meeting is lost.
      for (const key of ['name', 'slug', 'day', 'time', 'end_time', 'timezone'])
        expect(entry).toHaveProperty(key);
    }
    const full = feed.find((entry) => entry.slug === FULL_MEETING.slug);
    expect(full).toMatchObject({
      day: [2, 4],
      time: '19:00',
      end_time: '20:30',
      approximate: 'no',
      conference_phone: FULL_MEETING.conference_phone,
      group_notes: FULL_MEETING.group_notes,
    });
  });
});

describe('GET /feeds/meeting-guide.json of a directory larger than one page', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
  });

  afterAll(async () => {
    await t.close();
  });

  test('every active meeting is in it once', async () => {
    const count = 1234;
    const data = Array.from({ length: count }, (_unused, i) => ({
      slug: `bulk-${i}`,
      name: `Bulk Meeting ${i}`,
      day: i % 7,
      time: `${String(6 + (i % 15)).padStart(2, '0')}:${i % 2 === 0 ? '00' : '30'}`,
      address: `${i} Long Street`,
      // Every tenth is temporarily closed.
      ...(i % 10 === 0 ? { attendance_option: 'inactive' } : {}),
    }));
    const result = await runImport(t, await login(t), {
      format: 'meeting-guide',
      source: 'bulk',
      fellowship: 'aa',
      timezone: 'America/Chicago',
      data,
    });
    expect(result).toMatchObject({ created: count, errors: [] });

    const feed = await feedOf(t);
    const names = feed.map((entry) => entry.name as string);
    expect(new Set(names).size).toBe(names.length);
    const expected = data.filter((_row, i) => i % 10 !== 0).map((row) => row.name);
    expect(names.sort()).toEqual(expected.sort());
  });
});

describe('the feed round trip: export from one service, import into another', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startTestApp({ env: ADMIN_ENV });
    second = await startTestApp({ env: ADMIN_ENV });
    await seed(first, await login(first));
  });

  afterAll(async () => {
    await first.close();
    await second.close();
  });

  test('the second service ends up with the same meetings; a re-import changes nothing', async () => {
    const feed = await feedOf(first);
    const token = await login(second);
    const result = await runImport(second, token, {
      format: 'meeting-guide',
      source: 'first-service',
      data: feed,
    });
    expect(result).toEqual({
      created: MEETINGS.length,
      updated: 0,
      unchanged: 0,
      removed: 0,
      errors: [],
    });

    for (const meeting of MEETINGS) {
      const original = meetingData(await getMeeting(first, meeting.slug as string));
      const copy = meetingData(await getMeeting(second, meeting.slug as string));
      expect(copy).toEqual(original);
    }
    // The same instants too: the schedule survived the trip.
    const now = '2026-11-23T12:00:00Z';
    for (const meeting of MEETINGS) {
      const a = await getMeeting(first, meeting.slug as string, now);
      const b = await getMeeting(second, meeting.slug as string, now);
      expect({ slug: meeting.slug, nextStart: b.nextStart, nextEnd: b.nextEnd }).toEqual({
        slug: meeting.slug,
        nextStart: a.nextStart,
        nextEnd: a.nextEnd,
      });
    }

    const again = await runImport(second, token, {
      format: 'meeting-guide',
      source: 'first-service',
      data: await feedOf(first),
    });
    expect(again).toEqual({
      created: 0,
      updated: 0,
      unchanged: MEETINGS.length,
      removed: 0,
      errors: [],
    });

    // And the second service's feed says what the first one's does (apart from when).
    const withoutStamp = (list: Record<string, unknown>[]) =>
      list
        .map(({ updated: _updated, ...rest }) => rest)
        .sort((a, b) => String(a.slug).localeCompare(String(b.slug)));
    expect(withoutStamp(await feedOf(second))).toEqual(withoutStamp(feed));
  });
});

// ---------------------------------------------------------------------------------------------
// Calendars

interface Occurrence {
  start: Date;
  end: Date;
}

interface OccurrenceDetails {
  startDate: ICAL.Time;
  endDate: ICAL.Time;
}

function parseCalendar(text: string): ICAL.Component {
  const calendar = ICAL.Component.fromString(text);
  expect(calendar.name).toBe('vcalendar');
  return calendar;
}

function eventOf(calendar: ICAL.Component, slug: string): ICAL.Event {
  const events = calendar
    .getAllSubcomponents('vevent')
    .filter((e) => String(e.getFirstPropertyValue('uid')).startsWith(`${slug}@`));
  expect({ slug, events: events.length }).toEqual({ slug, events: 1 });
  return new ICAL.Event(events[0]);
}

function expand(event: ICAL.Event, count: number): Occurrence[] {
  const iterator = event.iterator();
  const list: Occurrence[] = [];
  for (let i = 0; i < count; i++) {
    const next = iterator.next();
    if (!next) break;
    const details = event.getOccurrenceDetails(next) as unknown as OccurrenceDetails;
    list.push({ start: details.startDate.toJSDate(), end: details.endDate.toJSDate() });
  }
  return list;
}

/** Wall clock of an instant in a zone, worked out by Intl: "Tue 19:00". */
function wallClock(zone: string, instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((part) => part.type === type)?.value ?? '?';
  return `${get('weekday')} ${get('hour')}:${get('minute')}`;
}

/** Month (0–11) of an instant's date in a zone. */
function localMonth(zone: string, instant: Date): number {
  return (
    Number(new Intl.DateTimeFormat('en-US', { timeZone: zone, month: 'numeric' }).format(instant)) -
    1
  );
}

/** Content lines with folding undone. */
function unfold(text: string): string[] {
  return text.replace(/\r\n[ \t]/g, '').split('\r\n');
}

async function fetchCalendar(t: TestApp, path: string): Promise<{ res: Response; text: string }> {
  const res = await fetch(`${t.baseUrl}/api/v1${path}`);
  return { res, text: await res.text() };
}

describe('iCalendar exports', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    const admin = await login(t);
    await seed(t, admin);
    await createMeeting(
      t,
      admin,
      basicMeeting({
        slug: 'winter-summer',
        name: 'Tuesday Winter & Summer',
        fellowship: 'na',
        day: 2,
        time: '19:00',
        end_time: '20:30',
        timezone: 'America/New_York',
        location: 'Hall, Upstairs',
        address: '10 River Rd',
        city: 'Albany',
        state: 'NY',
      }),
    );
  });

  afterAll(async () => {
    await t.close();
  });

  test('GET /meetings/:slug/calendar.ics is an RFC 5545 calendar with CRLF lines', async () => {
    const { res, text } = await fetchCalendar(t, '/meetings/winter-summer/calendar.ics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    // Every line break is CRLF: no bare LF, no bare CR.
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text).not.toMatch(/\r[^\n]/);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);

    const calendar = parseCalendar(text);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toEqual(expect.any(String));
    const vevents = calendar.getAllSubcomponents('vevent');
    expect(vevents).toHaveLength(1);
    const vevent = vevents[0] as ICAL.Component;
    expect(vevent.getFirstPropertyValue('summary')).toBe('Tuesday Winter & Summer');
    const rrule = vevent.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(rrule.freq).toBe('WEEKLY');
    expect(rrule.parts.BYDAY).toEqual(['TU']);
    expect(rrule.until).toBeFalsy();
    expect(rrule.count).toBeFalsy();
    const dtstart = vevent.getFirstProperty('dtstart');
    expect(dtstart?.getParameter('tzid')).toBe('America/New_York');
    const zones = calendar
      .getAllSubcomponents('vtimezone')
      .map((z) => z.getFirstPropertyValue('tzid'));
    expect(zones).toEqual(['America/New_York']);
    const location = String(vevent.getFirstPropertyValue('location'));
    expect(location).toContain('Hall, Upstairs');
    expect(location).toContain('10 River Rd');
    expect(vevent.getFirstPropertyValue('uid')).toEqual(expect.any(String));
  });

  test('its occurrences land on the right UTC instants in winter and in summer', async () => {
    const { text } = await fetchCalendar(t, '/meetings/winter-summer/calendar.ics');
    const list = expand(eventOf(parseCalendar(text), 'winter-summer'), 60);
    expect(list).toHaveLength(60);
    // It starts around now, so a subscriber sees the coming meetings.
    expect(list[0]?.start.getTime()).toBeLessThan(Date.now() + 8 * 86_400_000);
    expect(list[0]?.start.getTime()).toBeGreaterThan(Date.now() - 15 * 86_400_000);

    for (const o of list) {
      expect(wallClock('America/New_York', o.start)).toBe('Tue 19:00');
      expect(o.end.getTime() - o.start.getTime()).toBe(90 * 60_000);
    }
    // New York is UTC−5 in January, UTC−4 in July (60 weeks hold one of each).
    const january = list.find((o) => localMonth('America/New_York', o.start) === 0);
    const july = list.find((o) => localMonth('America/New_York', o.start) === 6);
    if (january === undefined || july === undefined) throw new Error('no January or July');
    expect([
      january.start.getUTCDay(),
      january.start.getUTCHours(),
      january.start.getUTCMinutes(),
    ]).toEqual([3, 0, 0]);
    expect([july.start.getUTCDay(), july.start.getUTCHours(), july.start.getUTCMinutes()]).toEqual([
      2, 23, 0,
    ]);
    expect(january.end.getUTCHours() * 60 + january.end.getUTCMinutes()).toBe(90);
    expect(july.end.getUTCHours() * 60 + july.end.getUTCMinutes()).toBe(30);
  });

  test('a meeting on several days repeats on each; an overnight one keeps its length', async () => {
    const full = await fetchCalendar(t, `/meetings/${FULL_MEETING.slug}/calendar.ics`);
    const days = expand(eventOf(parseCalendar(full.text), FULL_MEETING.slug), 20).map((o) =>
      wallClock('America/New_York', o.start),
    );
    expect(new Set(days)).toEqual(new Set(['Tue 19:00', 'Thu 19:00']));

    const night = await fetchCalendar(t, '/meetings/london-night-owls/calendar.ics');
    const nights = expand(eventOf(parseCalendar(night.text), 'london-night-owls'), 60);
    expect(nights).toHaveLength(60);
    for (const o of nights) {
      expect(wallClock('Europe/London', o.start)).toBe('Fri 23:00');
      expect(wallClock('Europe/London', o.end)).toBe('Sat 01:00');
      expect(o.end.getTime() - o.start.getTime()).toBe(120 * 60_000);
    }
    const winter = nights.find((o) => localMonth('Europe/London', o.start) === 0);
    const summer = nights.find((o) => localMonth('Europe/London', o.start) === 6);
    expect(winter?.start.getUTCHours()).toBe(23);
    expect(summer?.start.getUTCHours()).toBe(22);
  });

  test('an online meeting carries its conference URL', async () => {
    const { res, text } = await fetchCalendar(t, '/meetings/online-sunrise/calendar.ics');
    expect(res.status).toBe(200);
    const vevent = parseCalendar(text).getFirstSubcomponent('vevent') as ICAL.Component;
    const where = [
      vevent.getFirstPropertyValue('location'),
      vevent.getFirstPropertyValue('url'),
      vevent.getFirstPropertyValue('description'),
    ].map(String);
    expect(where.some((v) => v.includes('https://meet.example.org/sunrise'))).toBe(true);
    const list = expand(eventOf(parseCalendar(text), 'online-sunrise'), 10);
    expect(list).toHaveLength(10);
    for (const o of list) expect(wallClock('America/Los_Angeles', o.start)).toBe('Sun 06:30');
  });

  test('GET /meetings/calendar.ics?fellowship=… holds one event per matching meeting', async () => {
    const { res, text } = await fetchCalendar(t, '/meetings/calendar.ics?fellowship=na');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(text).not.toMatch(/[^\r]\n/);
    const calendar = parseCalendar(text);
    const vevents = calendar.getAllSubcomponents('vevent');
    const uids = vevents.map((e) => String(e.getFirstPropertyValue('uid')));
    const slugs = uids.map((uid) => uid.split('@')[0]).sort();
    // NA: the full meeting, London and winter-summer; not the AA, SMART or inactive ones.
    expect(slugs).toEqual(['london-night-owls', 'tuesday-night-hope', 'winter-summer']);
    for (const vevent of vevents) {
      expect((vevent.getFirstPropertyValue('rrule') as ICAL.Recur).freq).toBe('WEEKLY');
      expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toEqual(expect.any(String));
    }
    const zones = calendar
      .getAllSubcomponents('vtimezone')
      .map((z) => String(z.getFirstPropertyValue('tzid')))
      .sort();
    expect(zones).toEqual(['America/New_York', 'Europe/London']);

    const london = expand(eventOf(calendar, 'london-night-owls'), 5);
    expect(london).toHaveLength(5);
    for (const o of london) expect(wallClock('Europe/London', o.start)).toBe('Fri 23:00');

    const both = await fetchCalendar(t, '/meetings/calendar.ics?fellowship=aa,na,smart-recovery');
    const all = parseCalendar(both.text).getAllSubcomponents('vevent');
    expect(all).toHaveLength(MEETINGS.length + 1);
    expect(unfold(both.text).filter((line) => line === 'BEGIN:VEVENT')).toHaveLength(
      MEETINGS.length + 1,
    );
  });

  test('text with commas, semicolons, backslashes and line breaks survives the trip', async () => {
    const admin = await login(t);
    await createMeeting(
      t,
      admin,
      basicMeeting({
        slug: 'escaped-text',
        name: 'Hope; Faith, Love \\ Unity',
        notes: 'Line one\nLine two; with, punctuation',
        location: 'Room 1, Floor 2',
      }),
    );
    const { res, text } = await fetchCalendar(t, '/meetings/escaped-text/calendar.ics');
    expect(res.status).toBe(200);
    const vevent = parseCalendar(text).getFirstSubcomponent('vevent') as ICAL.Component;
    expect(vevent.getFirstPropertyValue('summary')).toBe('Hope; Faith, Love \\ Unity');
    expect(String(vevent.getFirstPropertyValue('description'))).toContain(
      'Line one\nLine two; with, punctuation',
    );
    expect(String(vevent.getFirstPropertyValue('location'))).toContain('Room 1, Floor 2');
  });

  test('an unknown slug is 404 NOT_FOUND in the JSON error shape', async () => {
    const res = await api(t, 'GET', '/meetings/no-such-meeting/calendar.ics');
    expectError(res, 404, 'NOT_FOUND');
  });

  test('a bad search parameter on the search calendar is 400 in the JSON error shape', async () => {
    const res = await api(t, 'GET', '/meetings/calendar.ics?fellowship=no-such-fellowship');
    expectValidationFailed(res, 'fellowship');
  });
});
