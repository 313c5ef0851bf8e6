/**
 * End-to-end: POST /api/v1/imports (CONTRACT.md §2 import rules) through HTTP against the real
 * service and a real PostgreSQL: the three formats by body and by URL, idempotency, prune,
 * per-row errors, whole-payload errors, size limits and who may import.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, api, login } from '../support/http.js';
import { createMeeting } from '../support/meetings.js';
import {
  basicMeeting,
  countGroups,
  countMeetings,
  createFacilitator,
  expectError,
  expectValidationFailed,
  getMeeting,
  meetingData,
  runImport,
  slugsOfSource,
  type ImportResult,
  type Meeting,
} from './write-fixtures.js';

/** A Meeting Guide feed as intergroup sites publish it (strings where the spec tolerates them). */
const MG_ROWS = [
  {
    slug: 'monday-big-book',
    name: 'Monday Big Book',
    fellowship: 'aa',
    day: 1,
    time: '19:00',
    end_time: '20:00',
    timezone: 'America/Chicago',
    types: ['O', 'B', 'X'],
    location: 'First Church',
    address: '100 Main St',
    city: 'Springfield',
    state: 'IL',
    postal_code: '62701',
    country: 'US',
    latitude: '39.7990',
    longitude: '-89.6440',
    group: 'Big Book Group',
    notes: 'Bring a book',
    updated: '2026-01-01 10:00:00',
  },
  {
    slug: 'online-daily',
    name: 'Online Daily Reflections',
    fellowship: 'aa',
    day: [0, 1, 2, 3, 4, 5, 6],
    time: '07:00',
    timezone: 'America/Chicago',
    types: ['DR'],
    conference_url: 'https://zoom.us/j/987654321',
    conference_phone: '+13126266799,,987654321#',
    attendance_option: 'online',
  },
  {
    // No fellowship or timezone: the import's parameters fill them in.
    slug: 'friday-speaker',
    name: 'Friday Speaker',
    day: '5',
    time: '20:00',
    types: ['SP', 'O'],
    formatted_address: '200 Oak Ave, Springfield, IL 62702, USA',
  },
];

/** BMLT GetSearchResults rows: every value a string, weekday 1 = Sunday. */
const BMLT_ROWS = [
  {
    id_bigint: '101',
    meeting_name: 'Tuesday Night Recovery',
    weekday_tinyint: '3',
    start_time: '19:30:00',
    duration_time: '01:30:00',
    time_zone: '',
    formats: 'O,D,BT',
    venue_type: '1',
    location_text: 'Community Center',
    location_street: '12 Elm St',
    location_municipality: 'Springfield',
    location_province: 'IL',
    location_postal_code_1: '62701',
    location_nation: 'US',
    location_info: 'Room 2',
    comments: 'Newcomers welcome',
    latitude: '39.8',
    longitude: '-89.65',
    virtual_meeting_link: '',
    phone_meeting_number: '',
    published: '1',
  },
  {
    id_bigint: '102',
    meeting_name: 'Sunday Online',
    weekday_tinyint: '1',
    start_time: '10:00:00',
    duration_time: '01:00:00',
    time_zone: '',
    formats: 'VM,C,JT',
    venue_type: '2',
    virtual_meeting_link: 'https://meet.example.org/na-sunday',
    latitude: '0',
    longitude: '0',
    published: '1',
  },
  {
    id_bigint: '103',
    meeting_name: 'Saturday Hybrid',
    weekday_tinyint: '7',
    start_time: '12:00:00',
    duration_time: '01:00:00',
    time_zone: 'America/Chicago',
    formats: 'HY,O,B',
    venue_type: '3',
    virtual_meeting_link: 'https://meet.example.org/na-saturday',
    location_street: '9 Pine St',
    location_municipality: 'Springfield',
    latitude: '39.78',
    longitude: '-89.66',
    published: '1',
  },
];

/** The TSML import spreadsheet layout: day names, 12-hour times, type names. */
const TSML_CSV = [
  'Slug,Day,Time,End Time,Name,Location,Address,City,State,Postal Code,Country,Types,Notes,Group',
  'csv-monday,Monday,6:00 PM,7:00 PM,Monday Night Step,Grace Church,300 Church St,Springfield,IL,62703,US,"Open, Step Meeting, Wheelchair Access",Use the back door<br>Parking in rear,Steppers',
  'csv-noon,Wednesday,noon,,Wednesday Noon,Library,1 Library Plaza,Springfield,IL,62701,US,"Closed, Discussion",,',
  'csv-saturday,saturday,9:30 AM,10:30 AM,Saturday Morning Men,Grace Church,300 Church St,Springfield,IL,62703,US,"Men, Big Book",,',
  '',
].join('\r\n');

const NO_CHANGES = { created: 0, updated: 0, removed: 0, errors: [] };

/** The imported meetings of a source, by name. */
async function importedByName(t: TestApp, source: string): Promise<Map<string, Meeting>> {
  const meetings = new Map<string, Meeting>();
  for (const slug of await slugsOfSource(t, source)) {
    const meeting = await getMeeting(t, slug);
    meetings.set(meeting.name as string, meeting);
  }
  return meetings;
}

function byName(meetings: Map<string, Meeting>, name: string): Meeting {
  const meeting = meetings.get(name);
  if (meeting === undefined) throw new Error(`no imported meeting "${name}"`);
  return meeting;
}

interface Served {
  url: string;
  close(): Promise<void>;
}

/** A small local HTTP server for imports by URL. */
async function serve(
  routes: Record<string, { type: string; body: string; status?: number }>,
): Promise<Served> {
  const server: Server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': route.type }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      ),
  };
}

describe('POST /imports: formats, by body and by URL', () => {
  let t: TestApp;
  let admin: string;
  let served: Served;

  beforeAll(async () => {
    // The feeds are served from this machine: loopback must be let through on purpose.
    t = await startTestApp({ env: { ...ADMIN_ENV, IMPORT_ALLOW_PRIVATE_NETWORKS: '127.0.0.1' } });
    admin = await login(t);
    served = await serve({
      '/feed.json': { type: 'application/json', body: JSON.stringify(MG_ROWS) },
      '/bmlt.json': { type: 'application/json', body: JSON.stringify(BMLT_ROWS) },
      '/meetings.csv': { type: 'text/csv', body: TSML_CSV },
      '/broken.json': { type: 'application/json', body: '[{"slug": ' },
      '/gone': { type: 'text/plain', body: 'gone', status: 410 },
    });
  });

  afterAll(async () => {
    await served.close();
    await t.close();
  });

  test('a Meeting Guide feed by body lands with every field', async () => {
    const result = await runImport(t, admin, {
      format: 'meeting-guide',
      source: 'mg-body',
      data: MG_ROWS,
      fellowship: 'aa',
      timezone: 'America/Chicago',
    });
    expect(result).toEqual({ created: 3, updated: 0, unchanged: 0, removed: 0, errors: [] });

    const meetings = await importedByName(t, 'mg-body');
    expect([...meetings.keys()].sort()).toEqual([
      'Friday Speaker',
      'Monday Big Book',
      'Online Daily Reflections',
    ]);
    const monday = byName(meetings, 'Monday Big Book');
    expect(monday).toMatchObject({
      fellowship: 'aa',
      day: 1,
      time: '19:00',
      end_time: '20:00',
      timezone: 'America/Chicago',
      attendance_option: 'in_person',
      location: 'First Church',
      address: '100 Main St',
      city: 'Springfield',
      state: 'IL',
      postal_code: '62701',
      country: 'US',
      latitude: 39.799,
      longitude: -89.644,
      group: 'Big Book Group',
      notes: 'Bring a book',
    });
    expect([...(monday.types as string[])].sort()).toEqual(['B', 'O', 'X']);

    const online = byName(meetings, 'Online Daily Reflections');
    expect(online).toMatchObject({
      day: [0, 1, 2, 3, 4, 5, 6],
      time: '07:00',
      end_time: '08:00',
      attendance_option: 'online',
      conference_url: 'https://zoom.us/j/987654321',
      conference_phone: '+13126266799,,987654321#',
      types: ['DR'],
    });

    const friday = byName(meetings, 'Friday Speaker');
    expect(friday).toMatchObject({
      fellowship: 'aa',
      timezone: 'America/Chicago',
      day: 5,
      time: '20:00',
      attendance_option: 'in_person',
      formatted_address: '200 Oak Ave, Springfield, IL 62702, USA',
    });
  });

  test('BMLT GetSearchResults: weekday 1 = Sunday, durations, formats and venue types', async () => {
    const result = await runImport(t, admin, {
      format: 'bmlt',
      source: 'bmlt-body',
      data: BMLT_ROWS,
      fellowship: 'na',
      timezone: 'America/Chicago',
    });
    expect(result).toEqual({ created: 3, updated: 0, unchanged: 0, removed: 0, errors: [] });

    const meetings = await importedByName(t, 'bmlt-body');
    const tuesday = byName(meetings, 'Tuesday Night Recovery');
    expect(tuesday).toMatchObject({
      fellowship: 'na',
      day: 2, // BMLT "3" is Tuesday
      time: '19:30',
      end_time: '21:00',
      timezone: 'America/Chicago',
      attendance_option: 'in_person',
      location: 'Community Center',
      address: '12 Elm St',
      city: 'Springfield',
      state: 'IL',
      postal_code: '62701',
      country: 'US',
      location_notes: 'Room 2',
      notes: 'Newcomers welcome',
      latitude: 39.8,
      longitude: -89.65,
      conference_url: null,
    });
    expect([...(tuesday.types as string[])].sort()).toEqual(['BT', 'D', 'O']);
    // Tuesday 19:30 CST is Wednesday 01:30 UTC.
    expect(await getMeeting(t, tuesday.slug as string, '2026-11-23T12:00:00Z')).toMatchObject({
      nextStart: '2026-11-25T01:30:00Z',
      nextEnd: '2026-11-25T03:00:00Z',
    });

    const sunday = byName(meetings, 'Sunday Online');
    expect(sunday).toMatchObject({
      day: 0,
      time: '10:00',
      end_time: '11:00',
      attendance_option: 'online',
      conference_url: 'https://meet.example.org/na-sunday',
      // BMLT's 0,0 means "no coordinates".
      latitude: null,
      longitude: null,
    });
    expect([...(sunday.types as string[])].sort()).toEqual(['C', 'JT']);

    const saturday = byName(meetings, 'Saturday Hybrid');
    expect(saturday).toMatchObject({
      day: 6,
      time: '12:00',
      end_time: '13:00',
      attendance_option: 'hybrid',
      conference_url: 'https://meet.example.org/na-saturday',
      address: '9 Pine St',
    });
    // BMLT "B" is Beginners: Meeting Guide's BE (Newcomer), not Big Book.
    expect([...(saturday.types as string[])].sort()).toEqual(['BE', 'O']);
  });

  test('TSML CSV: day names, "6:00 PM" times, type names, <br> in notes', async () => {
    const result = await runImport(t, admin, {
      format: 'csv',
      source: 'csv-body',
      data: TSML_CSV,
      fellowship: 'aa',
      timezone: 'America/Chicago',
    });
    expect(result).toEqual({ created: 3, updated: 0, unchanged: 0, removed: 0, errors: [] });

    const meetings = await importedByName(t, 'csv-body');
    const monday = byName(meetings, 'Monday Night Step');
    expect(monday).toMatchObject({
      fellowship: 'aa',
      day: 1,
      time: '18:00',
      end_time: '19:00',
      timezone: 'America/Chicago',
      location: 'Grace Church',
      address: '300 Church St',
      postal_code: '62703',
      group: 'Steppers',
      notes: 'Use the back door\nParking in rear',
      attendance_option: 'in_person',
    });
    expect([...(monday.types as string[])].sort()).toEqual(['O', 'ST', 'X']);

    const noon = byName(meetings, 'Wednesday Noon');
    expect(noon).toMatchObject({ day: 3, time: '12:00', end_time: '13:00' });
    expect([...(noon.types as string[])].sort()).toEqual(['C', 'D']);

    const saturday = byName(meetings, 'Saturday Morning Men');
    expect(saturday).toMatchObject({ day: 6, time: '09:30', end_time: '10:30' });
    expect([...(saturday.types as string[])].sort()).toEqual(['B', 'M']);
  });

  test('each format by URL gives the same result as by body', async () => {
    const cases = [
      { format: 'meeting-guide', path: '/feed.json', source: 'mg-body' },
      { format: 'bmlt', path: '/bmlt.json', source: 'bmlt-body' },
      { format: 'csv', path: '/meetings.csv', source: 'csv-body' },
    ];
    for (const { format, path, source } of cases) {
      const byUrl = `${source}-url`;
      const first = await runImport(t, admin, {
        format,
        source: byUrl,
        url: `${served.url}${path}`,
        fellowship: format === 'bmlt' ? 'na' : 'aa',
        timezone: 'America/Chicago',
      });
      expect({ format, ...first }).toEqual({
        format,
        created: 3,
        updated: 0,
        unchanged: 0,
        removed: 0,
        errors: [],
      });
      // Same meetings as the body import of the same data (apart from their slugs and stamps).
      const strip = (m: Meeting): Meeting => {
        const rest: Meeting = { ...meetingData(m) };
        delete rest.slug;
        return rest;
      };
      const viaBody = [...(await importedByName(t, source)).values()].map(strip);
      const viaUrl = [...(await importedByName(t, byUrl)).values()].map(strip);
      const order = (list: Meeting[]) =>
        list.sort((a, b) => String(a.name).localeCompare(String(b.name)));
      expect(order(viaUrl)).toEqual(order(viaBody));

      const again = await runImport(t, admin, {
        format,
        source: byUrl,
        url: `${served.url}${path}`,
        fellowship: format === 'bmlt' ? 'na' : 'aa',
        timezone: 'America/Chicago',
      });
      expect({ format, ...again }).toEqual({ format, ...NO_CHANGES, unchanged: 3 });
    }
  });

  test('a URL that fails to answer, or answers with something unreadable, is 400 and writes nothing', async () => {
    const meetings = await countMeetings(t);
    for (const [format, path] of [
      ['meeting-guide', '/gone'],
      ['meeting-guide', '/nowhere'],
      ['meeting-guide', '/broken.json'],
    ] as const) {
      const res = await api(t, 'POST', '/imports', {
        token: admin,
        body: { format, source: 'bad-url', url: `${served.url}${path}`, fellowship: 'aa' },
      });
      expectValidationFailed(res, 'url');
    }
    expectValidationFailed(
      await api(t, 'POST', '/imports', {
        token: admin,
        body: { format: 'csv', source: 'bad-url', url: 'ftp://example.org/meetings.csv' },
      }),
      'url',
    );
    expect(await countMeetings(t)).toBe(meetings);
  });
});

describe('POST /imports: idempotency, updates and prune', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    admin = await login(t);
  });

  afterAll(async () => {
    await t.close();
  });

  test.each([
    ['meeting-guide', MG_ROWS, 'aa'],
    ['bmlt', BMLT_ROWS, 'na'],
    ['csv', TSML_CSV, 'aa'],
  ])(
    'importing the same %s data twice: the second run is all unchanged',
    async (format, data, fellowship) => {
      const source = `twice-${format}`;
      const body = { format, source, data, fellowship, timezone: 'America/Chicago' };
      const first = await runImport(t, admin, body);
      expect(first).toEqual({ created: 3, updated: 0, unchanged: 0, removed: 0, errors: [] });
      const slugs = await slugsOfSource(t, source);
      const before = await Promise.all(slugs.map((slug) => getMeeting(t, slug)));

      const second = await runImport(t, admin, body);
      expect(second).toEqual({ ...NO_CHANGES, unchanged: 3 });
      // Nothing was rewritten: same slugs, same data, same `updated`.
      expect(await slugsOfSource(t, source)).toEqual(slugs);
      const after = await Promise.all(slugs.map((slug) => getMeeting(t, slug)));
      expect(after).toEqual(before);
    },
  );

  test('meetings sharing a group import idempotently, group_notes on every row', async () => {
    const base = { ...MG_ROWS[2], fellowship: 'aa', timezone: 'America/Chicago' };
    const consistent = [
      {
        ...base,
        slug: 'group-a-1',
        name: 'Group A One',
        group: 'Group A',
        group_notes: 'GSR: Pat',
      },
      {
        ...base,
        slug: 'group-a-2',
        name: 'Group A Two',
        day: 6,
        group: 'Group A',
        group_notes: 'GSR: Pat',
      },
    ];
    const body = { format: 'meeting-guide', source: 'grouped' };
    expect(await runImport(t, admin, { ...body, data: consistent })).toMatchObject({ created: 2 });
    expect(await runImport(t, admin, { ...body, data: consistent })).toEqual({
      ...NO_CHANGES,
      unchanged: 2,
    });
  });

  test('meetings sharing a group import idempotently when only one row carries group_notes', async () => {
    const base = { ...MG_ROWS[2], fellowship: 'aa', timezone: 'America/Chicago' };
    // A feed may carry a group's notes on only some of its meetings.
    const once = [
      {
        ...base,
        slug: 'group-b-1',
        name: 'Group B One',
        group: 'Group B',
        group_notes: 'GSR: Sam',
      },
      { ...base, slug: 'group-b-2', name: 'Group B Two', day: 6, group: 'Group B' },
    ];
    const source = { format: 'meeting-guide', source: 'grouped-once' };
    expect(await runImport(t, admin, { ...source, data: once })).toMatchObject({ created: 2 });
    expect(await runImport(t, admin, { ...source, data: once })).toEqual({
      ...NO_CHANGES,
      unchanged: 2,
    });
  });

  test('a slug that appears twice in one import is reported on its second row', async () => {
    const result = await runImport(t, admin, {
      format: 'meeting-guide',
      source: 'doubled',
      fellowship: 'aa',
      timezone: 'America/Chicago',
      data: [MG_ROWS[0], { ...MG_ROWS[2], slug: 'monday-big-book' }],
    });
    expect(result).toMatchObject({ created: 1, updated: 0, unchanged: 0, removed: 0 });
    expect(result.errors).toEqual([
      { index: 1, slug: 'monday-big-book', message: expect.any(String) as string },
    ]);
  });

  test('a changed row counts as updated and the change lands', async () => {
    const source = 'changing';
    const body = { format: 'meeting-guide', source, fellowship: 'aa', timezone: 'America/Chicago' };
    await runImport(t, admin, { ...body, data: MG_ROWS });
    const changed = MG_ROWS.map((row) =>
      row.slug === 'monday-big-book' ? { ...row, time: '19:30', end_time: '20:45' } : row,
    );
    const result = await runImport(t, admin, { ...body, data: changed });
    expect(result).toEqual({ created: 0, updated: 1, unchanged: 2, removed: 0, errors: [] });
    const meetings = await importedByName(t, source);
    expect(byName(meetings, 'Monday Big Book')).toMatchObject({
      time: '19:30',
      end_time: '20:45',
    });
    // And a new row next to unchanged ones is created.
    const grown = await runImport(t, admin, {
      ...body,
      data: [...changed, { ...MG_ROWS[2], slug: 'sunday-speaker', name: 'Sunday Speaker', day: 0 }],
    });
    expect(grown).toEqual({ created: 1, updated: 0, unchanged: 3, removed: 0, errors: [] });
  });

  test('an import never touches manual meetings, even with the same slug', async () => {
    const manual = await createMeeting(
      t,
      admin,
      basicMeeting({ name: 'Clash', slug: 'clash-slug', notes: 'manual' }),
    );
    const result = await runImport(t, admin, {
      format: 'meeting-guide',
      source: 'clasher',
      data: [{ ...MG_ROWS[0], slug: 'clash-slug', name: 'Imported Clash', notes: 'imported' }],
    });
    expect(result).toEqual({ created: 1, updated: 0, unchanged: 0, removed: 0, errors: [] });
    expect(manual.slug).toBe('clash-slug');
    expect(meetingData(await getMeeting(t, 'clash-slug'))).toEqual(meetingData(manual));
    const [imported] = await slugsOfSource(t, 'clasher');
    expect(imported).not.toBe('clash-slug');
    expect((await getMeeting(t, imported as string)).notes).toBe('imported');
  });

  test('prune removes only that source’s meetings absent from the data', async () => {
    const alpha = {
      format: 'meeting-guide',
      source: 'alpha',
      fellowship: 'aa',
      timezone: 'America/Chicago',
    };
    await runImport(t, admin, { ...alpha, data: MG_ROWS });
    await runImport(t, admin, {
      format: 'meeting-guide',
      source: 'beta',
      fellowship: 'aa',
      timezone: 'America/Chicago',
      data: MG_ROWS.slice(0, 1),
    });
    const manual = await createMeeting(t, admin, basicMeeting({ name: 'Manual Survivor' }));
    const alphaSlugs = await slugsOfSource(t, 'alpha');
    const betaSlugs = await slugsOfSource(t, 'beta');
    expect(alphaSlugs).toHaveLength(3);
    expect(betaSlugs).toHaveLength(1);
    const total = await countMeetings(t);

    // Without prune, an absent row stays.
    const kept = await runImport(t, admin, { ...alpha, data: MG_ROWS.slice(0, 2) });
    expect(kept).toEqual({ ...NO_CHANGES, unchanged: 2 });
    expect(await countMeetings(t)).toBe(total);

    // With prune, it goes; nothing of beta's or the manual meeting does.
    const pruned = await runImport(t, admin, { ...alpha, data: MG_ROWS.slice(0, 2), prune: true });
    expect(pruned).toEqual({ created: 0, updated: 0, unchanged: 2, removed: 1, errors: [] });
    expect(await countMeetings(t)).toBe(total - 1);
    const remaining = await slugsOfSource(t, 'alpha');
    expect(remaining).toHaveLength(2);
    const gone = alphaSlugs.filter((slug) => !remaining.includes(slug));
    expect(gone).toHaveLength(1);
    expectError(await api(t, 'GET', `/meetings/${gone[0] as string}`), 404, 'NOT_FOUND');
    expect(await slugsOfSource(t, 'beta')).toEqual(betaSlugs);
    expect((await getMeeting(t, manual.slug as string)).name).toBe('Manual Survivor');

    // A row that is in the data but bad this time is not "absent": it is reported, not removed.
    const badNow = [MG_ROWS[0], { ...MG_ROWS[1], time: '25:00' }];
    const withBad = await runImport(t, admin, { ...alpha, data: badNow, prune: true });
    expect(withBad).toMatchObject({ created: 0, updated: 0, unchanged: 1, removed: 0 });
    expect(withBad.errors).toEqual([
      { index: 1, slug: 'online-daily', message: expect.stringMatching(/time/) as string },
    ]);
    expect(await slugsOfSource(t, 'alpha')).toEqual(remaining);

    // Empty data with prune empties the source, and only it.
    const emptied = await runImport(t, admin, { ...alpha, data: [], prune: true });
    expect(emptied).toEqual({ created: 0, updated: 0, unchanged: 0, removed: 2, errors: [] });
    expect(await slugsOfSource(t, 'alpha')).toEqual([]);
    expect(await slugsOfSource(t, 'beta')).toEqual(betaSlugs);
    expect((await getMeeting(t, manual.slug as string)).name).toBe('Manual Survivor');
  });
});

describe('POST /imports: bad rows, bad payloads, limits and permissions', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    admin = await login(t);
  });

  afterAll(async () => {
    await t.close();
  });

  test('Meeting Guide: bad rows are reported with index and slug, the good rows land', async () => {
    const data = [
      MG_ROWS[0],
      { ...MG_ROWS[1], slug: 'bad-time', name: 'Bad Time', time: '25:00' },
      'not a meeting',
      { ...MG_ROWS[2], slug: 'bad-type', name: 'Bad Type', types: ['O', 'NOPE'] },
      { ...MG_ROWS[2], slug: 'bad-zone', name: 'Bad Zone', timezone: 'Mars/Olympus' },
      { ...MG_ROWS[2], slug: 'too-long', name: 'Too Long', time: '20:00', end_time: '19:00' },
      MG_ROWS[2],
    ];
    const result = await runImport(t, admin, {
      format: 'meeting-guide',
      source: 'mixed',
      data,
      fellowship: 'aa',
      timezone: 'America/Chicago',
    });
    expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0, removed: 0 });
    const errors = [...result.errors].sort((a, b) => a.index - b.index);
    expect(errors.map((e) => [e.index, e.slug])).toEqual([
      [1, 'bad-time'],
      [2, undefined],
      [3, 'bad-type'],
      [4, 'bad-zone'],
      [5, 'too-long'],
    ]);
    expect(errors[0]?.message).toMatch(/time/);
    expect(errors[2]?.message).toMatch(/NOPE/);
    expect(errors[3]?.message).toMatch(/zone/);
    for (const e of errors) expect(e.message.length).toBeGreaterThan(0);
    const names = [...(await importedByName(t, 'mixed')).keys()].sort();
    expect(names).toEqual(['Friday Speaker', 'Monday Big Book']);
  });

  test('a row whose text the database cannot store (a NUL character) is a bad row, not a failed import', async () => {
    const result = await api<ImportResult>(t, 'POST', '/imports', {
      token: admin,
      body: {
        format: 'meeting-guide',
        source: 'nul-row',
        fellowship: 'aa',
        timezone: 'America/Chicago',
        data: [MG_ROWS[0], { ...MG_ROWS[2], slug: 'nul-notes', notes: 'Before\u0000after' }],
      },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ created: 1, updated: 0, unchanged: 0, removed: 0 });
    expect(result.body.errors).toEqual([
      { index: 1, slug: 'nul-notes', message: expect.any(String) as string },
    ]);
    expect([...(await importedByName(t, 'nul-row')).keys()]).toEqual(['Monday Big Book']);
  });

  test('BMLT and CSV: a bad row is reported with its index, the good rows land', async () => {
    const bmlt = await runImport(t, admin, {
      format: 'bmlt',
      source: 'bmlt-mixed',
      fellowship: 'na',
      timezone: 'America/Chicago',
      data: [BMLT_ROWS[0], { ...BMLT_ROWS[1], weekday_tinyint: '9' }, BMLT_ROWS[2]],
    });
    expect(bmlt).toMatchObject({ created: 2, updated: 0, unchanged: 0, removed: 0 });
    expect(bmlt.errors).toHaveLength(1);
    expect(bmlt.errors[0]?.index).toBe(1);
    expect(bmlt.errors[0]?.message).toMatch(/weekday/);

    const csv = await runImport(t, admin, {
      format: 'csv',
      source: 'csv-mixed',
      fellowship: 'aa',
      timezone: 'America/Chicago',
      data: [
        'Slug,Day,Time,Name,Address',
        'good-1,Monday,6:00 PM,Good One,1 A St',
        'bad-day,Funday,6:00 PM,Bad Day,2 B St',
        'good-2,Tuesday,7:30 pm,Good Two,3 C St',
      ].join('\n'),
    });
    expect(csv).toMatchObject({ created: 2, updated: 0, unchanged: 0, removed: 0 });
    expect(csv.errors).toEqual([
      { index: 1, slug: 'bad-day', message: expect.stringMatching(/Funday/) as string },
    ]);
    const names = [...(await importedByName(t, 'csv-mixed')).keys()].sort();
    expect(names).toEqual(['Good One', 'Good Two']);
    expect(byName(await importedByName(t, 'csv-mixed'), 'Good Two')).toMatchObject({
      day: 2,
      time: '19:30',
    });
  });

  test.each<[string, Record<string, unknown>]>([
    [
      'Meeting Guide data that is an object',
      { format: 'meeting-guide', data: { meetings: MG_ROWS } },
    ],
    [
      'Meeting Guide data that is a string',
      { format: 'meeting-guide', data: JSON.stringify(MG_ROWS) },
    ],
    ['BMLT data that is not a list of meetings', { format: 'bmlt', data: { foo: 1 } }],
    ['CSV data that is not a string', { format: 'csv', data: [['Day', 'Time', 'Name']] }],
    [
      'CSV with a quote that never closes',
      {
        format: 'csv',
        data: 'Day,Time,Name\nMonday,6:00 PM,Good Row\nTuesday,7:00 PM,"Broken row\nWednesday,8:00 PM,Lost Row\n',
      },
    ],
    ['CSV without the Day column', { format: 'csv', data: 'Time,Name\n6:00 PM,No Day\n' }],
    ['an empty CSV', { format: 'csv', data: '' }],
  ])('a whole-payload error (%s) is 400 and writes nothing', async (_what, body) => {
    const meetings = await countMeetings(t);
    const groups = await countGroups(t);
    const res = await api(t, 'POST', '/imports', {
      token: admin,
      body: { source: 'broken-payload', fellowship: 'aa', timezone: 'America/Chicago', ...body },
    });
    expectValidationFailed(res);
    expect(await countMeetings(t)).toBe(meetings);
    expect(await countGroups(t)).toBe(groups);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['both data and url', { data: MG_ROWS, url: 'http://127.0.0.1:9/feed.json' }, 'data'],
    ['neither data nor url', {}, 'data'],
    ['an unknown format', { format: 'xml', data: MG_ROWS }, 'format'],
    ['no source', { source: undefined, data: MG_ROWS }, 'source'],
    ['the reserved source "manual"', { source: 'manual', data: MG_ROWS }, 'source'],
    ['an unknown fellowship', { fellowship: 'xyz', data: MG_ROWS }, 'fellowship'],
    ['prune that is not a boolean', { prune: 'yes', data: MG_ROWS }, 'prune'],
    ['an unknown field', { dryRun: true, data: MG_ROWS }, 'dryRun'],
  ])('a request with %s is 400 and writes nothing', async (_what, overrides, field) => {
    const meetings = await countMeetings(t);
    const body: Record<string, unknown> = {
      format: 'meeting-guide',
      source: 'bad-request',
      fellowship: 'aa',
      timezone: 'America/Chicago',
      ...overrides,
    };
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete body[key];
    const res = await api(t, 'POST', '/imports', { token: admin, body });
    const fields = expectValidationFailed(res);
    if (field === 'data') expect(fields.some((f) => f === 'data' || f === 'url')).toBe(true);
    else expect(fields).toContain(field);
    expect(await countMeetings(t)).toBe(meetings);
  });

  test('a 10 MB body is 413 VALIDATION_FAILED and writes nothing', async () => {
    const meetings = await countMeetings(t);
    const row = { ...MG_ROWS[0], notes: 'n'.repeat(4000) };
    const data = Array.from({ length: 2600 }, (_unused, i) => ({ ...row, slug: `big-${i}` }));
    const rawBody = JSON.stringify({ format: 'meeting-guide', source: 'huge', data });
    expect(rawBody.length).toBeGreaterThan(10 * 1024 * 1024);
    const res = await api(t, 'POST', '/imports', { token: admin, rawBody });
    expectError(res, 413, 'VALIDATION_FAILED');
    expect(await countMeetings(t)).toBe(meetings);
  });

  test('an import body above the 1 MB general limit but within the import limit is accepted', async () => {
    const row = { ...MG_ROWS[0], notes: 'n'.repeat(4000) };
    const data = Array.from({ length: 400 }, (_unused, i) => ({
      ...row,
      slug: `medium-${i}`,
      name: `Medium ${i}`,
    }));
    const rawBody = JSON.stringify({ format: 'meeting-guide', source: 'medium', data });
    expect(rawBody.length).toBeGreaterThan(1.5 * 1024 * 1024);
    const res = await api<ImportResult>(t, 'POST', '/imports', { token: admin, rawBody });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 400, updated: 0, unchanged: 0, removed: 0, errors: [] });
  });

  test('imports are admin only: no token 401, a facilitator 403, nothing written', async () => {
    const meetings = await countMeetings(t);
    const body = { format: 'meeting-guide', source: 'sneaky', data: MG_ROWS, fellowship: 'aa' };
    expectError(await api(t, 'POST', '/imports', { body }), 401, 'UNAUTHORIZED');
    const facilitator = await createFacilitator(t, 'importer@example.org');
    expectError(
      await api(t, 'POST', '/imports', { token: facilitator.token, body }),
      403,
      'FORBIDDEN',
    );
    expect(await countMeetings(t)).toBe(meetings);
  });
});
