import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, api, login } from '../support/http.js';
import { OccurrenceWindowService } from '../../src/meetings/occurrences/occurrence-window.service.js';
import { MeetingsRepository } from '../../src/meetings/meetings.repository.js';
import { createMeeting } from '../support/meetings.js';
import {
  MODES,
  brief,
  clock,
  greatCircleKm,
  importMeetingGuide,
  modelNextOccurrence,
  searchAllInOnePage,
  searchAllPages,
  searchPage,
  searchRaw,
  slugs,
  useMode,
  watchPlans,
  type Brief,
  type MeetingItem,
  type Mode,
  type ModelMeeting,
  type Query,
} from './search-fixtures.js';

/**
 * GET /api/v1/meetings and GET /api/v1/meetings/:slug against the real service and PostgreSQL.
 *
 * Part 1 uses a small directory whose every answer is worked out by hand at NOW, and runs each
 * check twice: with the occurrence window covering NOW (the materialized plans) and without it
 * (the computed plan). Part 2 loads 500 meetings and compares the plans with each other, and
 * with an independent model of the time rules, over dozens of queries.
 */

// Tuesday 2026-11-24 17:00Z = 12:00 EST = 11:00 CST = 09:00 PST = 17:00 GMT = 22:30 IST,
// and Wednesday 04:00 AEDT in Sydney.
const NOW = '2026-11-24T17:00:00Z';

// Times Square, the origin of the distance searches.
const ORIGIN = { lat: 40.758, lng: -73.9855 };

const SMALL: Record<string, Record<string, unknown>> = {
  'noon-serenity': {
    name: 'Noon Serenity',
    fellowship: 'aa',
    day: 2,
    time: '11:30',
    end_time: '12:30',
    timezone: 'America/New_York',
    types: ['O', 'D'],
    attendance_option: 'in_person',
    location: 'First Church',
    address: '100 Main St',
    city: 'New York',
    latitude: 40.7128,
    longitude: -74.006,
    group: 'Serenity Group',
  },
  'kolkata-evening': {
    name: 'Kolkata Evening',
    fellowship: 'na',
    day: 2,
    time: '22:15',
    end_time: '23:45',
    timezone: 'Asia/Kolkata',
    types: ['O'],
    attendance_option: 'online',
    conference_url: 'https://meet.example.org/kolkata',
    latitude: 22.5726,
    longitude: 88.3639,
  },
  'step-study': {
    name: 'Downtown Step Study',
    fellowship: 'na',
    day: 2,
    time: '12:15',
    end_time: '13:15',
    timezone: 'America/New_York',
    types: ['C', 'ST'],
    attendance_option: 'hybrid',
    conference_url: 'https://zoom.example.org/j/1',
    address: '200 Broadway',
    latitude: 40.7306,
    longitude: -73.9866,
    notes: 'Bring your Basic Text',
  },
  'chicago-lunch': {
    name: 'Chicago Lunch Bunch',
    fellowship: 'aa',
    day: 2,
    time: '11:45',
    end_time: '12:45',
    timezone: 'America/Chicago',
    types: ['C', 'W'],
    attendance_option: 'in_person',
    address: '1 Loop Pl',
    latitude: 41.8781,
    longitude: -87.6298,
  },
  'sydney-sunrise': {
    name: 'Sydney Sunrise',
    fellowship: 'smart-recovery',
    day: 3,
    time: '06:00',
    end_time: '07:00',
    timezone: 'Australia/Sydney',
    attendance_option: 'in_person',
    address: '1 Harbour St',
    latitude: -33.8688,
    longitude: 151.2093,
  },
  dharma: {
    name: 'Recovery Dharma Sangha',
    fellowship: 'recovery-dharma',
    day: 2,
    time: '18:00',
    end_time: '19:30',
    timezone: 'America/New_York',
    types: ['MED'],
    attendance_option: 'hybrid',
    conference_url: 'https://meet.example.org/dharma',
    location: 'Meditation Hall',
    address: '9 Lotus St',
  },
  'early-bird': {
    name: 'Early Bird',
    fellowship: 'aa',
    day: 3,
    time: '07:00',
    timezone: 'America/New_York',
    attendance_option: 'in_person',
    address: '12 Dawn Rd',
    latitude: 40.75,
    longitude: -73.99,
  },
  'hope-online': {
    name: 'Evening Hope',
    fellowship: 'aa',
    day: [1, 3, 5],
    time: '19:00',
    end_time: '20:00',
    timezone: 'America/New_York',
    types: ['O', 'BE'],
    attendance_option: 'online',
    conference_url: 'https://meet.example.org/hope',
  },
  percent: {
    name: '100% Recovery',
    fellowship: 'aa',
    day: 4,
    time: '07:00',
    end_time: '08:00',
    timezone: 'America/New_York',
    attendance_option: 'in_person',
    address: '7 Under_score Ln',
  },
  'womens-big-book': {
    name: "Women's Big Book",
    fellowship: 'aa',
    day: [0, 4],
    time: '18:30',
    end_time: '19:30',
    timezone: 'America/Los_Angeles',
    types: ['B', 'C', 'W'],
    attendance_option: 'in_person',
    address: '3 Sunset Blvd',
    latitude: 34.0522,
    longitude: -118.2437,
    notes: 'Wheelchair ramp at the side door',
  },
  'groupe-espoir': {
    name: 'Groupe Espoir',
    fellowship: 'aa',
    day: 5,
    time: '19:30',
    end_time: '20:30',
    timezone: 'America/Toronto',
    attendance_option: 'in_person',
    location: 'Église Saint-Jean',
    address: '1 Rue Principale',
    latitude: 45.5017,
    longitude: -73.5673,
  },
  'late-night': {
    name: 'Late Night Candlelight',
    fellowship: 'ca',
    day: 6,
    time: '23:00',
    end_time: '01:00',
    timezone: 'America/New_York',
    types: ['O', 'CAN'],
    attendance_option: 'in_person',
    address: '5 Night Ave',
    latitude: 40.6782,
    longitude: -73.9442,
  },
  'london-lunch': {
    name: 'London Lunchtime',
    fellowship: 'aa',
    day: 2,
    time: '12:30',
    end_time: '13:30',
    timezone: 'Europe/London',
    types: ['O', 'D'],
    attendance_option: 'in_person',
    address: '1 Strand',
    latitude: 51.5074,
    longitude: -0.1278,
  },
  'inactive-tuesday': {
    name: 'Inactive Tuesday',
    fellowship: 'aa',
    day: 2,
    time: '12:00',
    end_time: '13:00',
    timezone: 'America/New_York',
    attendance_option: 'inactive',
    address: '1 Gone St',
  },
};

type Occurrence = Omit<Brief, 'slug' | 'distanceKm'>;
const at = (nextStart: string, nextEnd: string, inProgress = false): Occurrence => ({
  nextStart,
  nextEnd,
  inProgress,
});

/** Every active meeting's next-or-current occurrence at NOW, in next-start order. */
const AT_NOW: [string, Occurrence][] = [
  // Tue 11:30–12:30 EST = 16:30Z–17:30Z: on.
  ['noon-serenity', at('2026-11-24T16:30:00Z', '2026-11-24T17:30:00Z', true)],
  // Tue 22:15–23:45 IST (+05:30) = 16:45Z–18:15Z: on.
  ['kolkata-evening', at('2026-11-24T16:45:00Z', '2026-11-24T18:15:00Z', true)],
  // Tue 12:15–13:15 EST = 17:15Z–18:15Z: in 15 minutes.
  ['step-study', at('2026-11-24T17:15:00Z', '2026-11-24T18:15:00Z')],
  // Tue 11:45–12:45 CST (−6) = 17:45Z–18:45Z.
  ['chicago-lunch', at('2026-11-24T17:45:00Z', '2026-11-24T18:45:00Z')],
  // Wed 06:00–07:00 AEDT (+11) = Tue 19:00Z–20:00Z: a Wednesday meeting, a Tuesday instant.
  ['sydney-sunrise', at('2026-11-24T19:00:00Z', '2026-11-24T20:00:00Z')],
  // Tue 18:00–19:30 EST = 23:00Z–00:30Z.
  ['dharma', at('2026-11-24T23:00:00Z', '2026-11-25T00:30:00Z')],
  // Wed 07:00 EST = 12:00Z, no end_time → 13:00Z.
  ['early-bird', at('2026-11-25T12:00:00Z', '2026-11-25T13:00:00Z')],
  // Mon/Wed/Fri 19:00–20:00 EST; Monday is past, Wed 19:00 EST = Thu 00:00Z.
  ['hope-online', at('2026-11-26T00:00:00Z', '2026-11-26T01:00:00Z')],
  // Thu 07:00–08:00 EST = 12:00Z–13:00Z.
  ['percent', at('2026-11-26T12:00:00Z', '2026-11-26T13:00:00Z')],
  // Sun/Thu 18:30–19:30 PST (−8): Thu 18:30 PST = Fri 02:30Z.
  ['womens-big-book', at('2026-11-27T02:30:00Z', '2026-11-27T03:30:00Z')],
  // Fri 19:30–20:30 EST (Toronto) = Sat 00:30Z–01:30Z.
  ['groupe-espoir', at('2026-11-28T00:30:00Z', '2026-11-28T01:30:00Z')],
  // Sat 23:00 EST = Sun 04:00Z, to Sun 01:00 EST = 06:00Z.
  ['late-night', at('2026-11-29T04:00:00Z', '2026-11-29T06:00:00Z')],
  // Tue 12:30–13:30 GMT ended at 13:30Z today: next Tuesday.
  ['london-lunch', at('2026-12-01T12:30:00Z', '2026-12-01T13:30:00Z')],
];
const ALL_ACTIVE = AT_NOW.map(([slug]) => slug);
const OCCURRENCE = new Map(AT_NOW);

/** The slugs in next-start order and each one's occurrence at NOW, exactly. */
function expectAtNow(items: MeetingItem[], expected: string[]): void {
  expect(slugs(items)).toEqual(expected);
  for (const item of items) {
    expect({ ...brief(item), distanceKm: undefined }).toEqual({
      slug: item.slug,
      ...OCCURRENCE.get(item.slug),
      distanceKm: undefined,
    });
  }
}

function inOrder(...wanted: string[]): string[] {
  return ALL_ACTIVE.filter((s) => wanted.includes(s));
}

async function expect400(t: TestApp, query: Query, field?: string): Promise<void> {
  const res = await searchRaw(t, query);
  expect({ query, status: res.status, code: res.body.error?.code }).toEqual({
    query,
    status: 400,
    code: 'VALIDATION_FAILED',
  });
  expect(typeof res.body.error.message).toBe('string');
  if (field !== undefined) {
    expect(res.body.error.details.map((d) => d.field)).toContain(field);
  }
}

function coordinatesOf(slug: string): { lat: number; lng: number } | undefined {
  const m = SMALL[slug] as { latitude?: number; longitude?: number };
  return m.latitude === undefined || m.longitude === undefined
    ? undefined
    : { lat: m.latitude, lng: m.longitude };
}

function kmFromOrigin(slug: string): number {
  const c = coordinatesOf(slug);
  if (c === undefined) throw new Error(`${slug} has no coordinates`);
  return greatCircleKm(ORIGIN.lat, ORIGIN.lng, c.lat, c.lng);
}

function decodeCursor(cursor: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function encodeCursor(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

describe('GET /meetings on a small directory worked out by hand', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    const token = await login(t);
    for (const [slug, meeting] of Object.entries(SMALL)) {
      await createMeeting(t, token, { ...meeting, slug });
    }
  });

  afterAll(async () => {
    await t.close();
  });

  describe.each(MODES)('with the %s plan', (mode: Mode) => {
    beforeAll(async () => {
      await useMode(t, mode, NOW);
    });

    it('lists every active meeting once, by next start, with exact nextStart/nextEnd/inProgress', async () => {
      const items = await searchAllInOnePage(t, { now: NOW });
      expectAtNow(items, ALL_ACTIVE);
      expect(items.every((i) => i.distanceKm === null)).toBe(true);
      // Stored end_time: given, or start + 60 minutes; 23:00–01:00 keeps its next-day end.
      const early = items.find((i) => i.slug === 'early-bird');
      expect([early?.time, early?.end_time]).toEqual(['07:00', '08:00']);
      const late = items.find((i) => i.slug === 'late-night');
      expect([late?.time, late?.end_time, late?.day]).toEqual(['23:00', '01:00', 6]);
      expect(items.find((i) => i.slug === 'hope-online')?.day).toEqual([1, 3, 5]);
    });

    it('answers with the default page size of 25 and no cursor when everything fits', async () => {
      const page = await searchPage(t, { now: NOW });
      expect(page.items).toHaveLength(13);
      expect(page.nextCursor).toBeNull();
    });

    it('never lists an inactive meeting', async () => {
      const items = await searchAllInOnePage(t, { now: NOW });
      expect(slugs(items)).not.toContain('inactive-tuesday');
      expect(await searchAllInOnePage(t, { now: NOW, q: 'inactive' })).toEqual([]);
      expect(
        await searchAllInOnePage(t, { now: NOW, time_from: '12:00', time_to: '12:00' }),
      ).toEqual([]);
    });

    describe('q', () => {
      it.each([
        ['a word of the name', 'serenity', ['noon-serenity']],
        [
          'any case, and words over several fields (name + location)',
          'SERENITY church',
          ['noon-serenity'],
        ],
        ['the group name', 'serenity group', ['noon-serenity']],
        ['notes', 'basic TEXT', ['step-study']],
        ['the address', 'broadway', ['step-study']],
        ['the location', 'meditation', ['dharma']],
        ['notes, again', 'wheelchair', ['womens-big-book']],
        ['all words must match (AND)', 'serenity broadway', []],
        ['a word matching nothing', 'zzzz', []],
        ['a literal %', '%', ['percent']],
        ['"100%"', '100%', ['percent']],
        ['% is not a wildcard ("1%y" would match "100% recovery")', '1%y', []],
        ['a literal _', '_', ['percent']],
        ['"under_score"', 'under_score', ['percent']],
        ['_ is not a wildcard ("underxscore")', 'underxscore', []],
        ['_ is not a wildcard ("n_w" would match "new york")', 'n_w', []],
        ['a backslash', '\\', []],
        ['a quote', "o'clock", []],
        ['SQL injection', "'; DROP TABLE meeting; --", []],
        ['surrounding and repeated spaces', '   noon    serenity  ', ['noon-serenity']],
        ['an apostrophe in the name', "women's", ['womens-big-book']],
      ])('matches %s: q=%j', async (_label, q, expected) => {
        const items = await searchAllInOnePage(t, { now: NOW, q });
        expectAtNow(items, expected);
      });

      it('still has its table after the injection attempt', async () => {
        await searchPage(t, { now: NOW, q: "x'); DELETE FROM meeting; --" });
        expect(slugs(await searchAllInOnePage(t, { now: NOW }))).toEqual(ALL_ACTIVE);
      });

      it.each([
        ['the text as written', 'Église'],
        ['lower case', 'église'],
        ['upper case', 'ÉGLISE'],
      ])('finds a word with a non-ASCII capital ("Église Saint-Jean") by %s', async (_l, q) => {
        expectAtNow(await searchAllInOnePage(t, { now: NOW, q }), ['groupe-espoir']);
      });

      it('does not drop words: an eleventh word that matches nothing leaves nothing', async () => {
        // Ten words all in "Noon Serenity / First Church / 100 Main St / New York / Serenity
        // Group", then one in no meeting at all: AND of all eleven matches nothing.
        const q = 'noon serenity first church 100 main st new york group zzzz';
        const res = await searchRaw(t, { now: NOW, q });
        if (res.status === 200) expect(slugs(res.body.items)).toEqual([]);
        else expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      });

      it('rejects an over-long q', async () => {
        await expect400(t, { now: NOW, q: 'a'.repeat(201) }, 'q');
      });
    });

    describe('fellowship and program', () => {
      it.each([
        [
          'aa',
          inOrder(
            'noon-serenity',
            'chicago-lunch',
            'early-bird',
            'hope-online',
            'percent',
            'womens-big-book',
            'groupe-espoir',
            'london-lunch',
          ),
        ],
        ['na,ca', inOrder('kolkata-evening', 'step-study', 'late-night')],
        ['smart-recovery', ['sydney-sunrise']],
        ['cma', []],
      ])('fellowship=%s', async (fellowship, expected) => {
        expectAtNow(await searchAllInOnePage(t, { now: NOW, fellowship }), expected);
      });

      it('rejects an unknown fellowship slug, alone or in a list', async () => {
        await expect400(t, { now: NOW, fellowship: 'xyz' }, 'fellowship');
        await expect400(t, { now: NOW, fellowship: 'aa,nope' }, 'fellowship');
        await expect400(t, { now: NOW, fellowship: 'a a' });
      });

      it('program=non-twelve-step / twelve-step, and combined with fellowship', async () => {
        expectAtNow(
          await searchAllInOnePage(t, { now: NOW, program: 'non-twelve-step' }),
          inOrder('sydney-sunrise', 'dharma'),
        );
        expectAtNow(
          await searchAllInOnePage(t, { now: NOW, program: 'twelve-step' }),
          ALL_ACTIVE.filter((s) => s !== 'sydney-sunrise' && s !== 'dharma'),
        );
        expect(
          await searchAllInOnePage(t, { now: NOW, program: 'non-twelve-step', fellowship: 'aa' }),
        ).toEqual([]);
        expectAtNow(
          await searchAllInOnePage(t, {
            now: NOW,
            program: 'twelve-step',
            fellowship: 'aa,smart-recovery',
          }),
          inOrder(
            'noon-serenity',
            'chicago-lunch',
            'early-bird',
            'hope-online',
            'percent',
            'womens-big-book',
            'groupe-espoir',
            'london-lunch',
          ),
        );
        await expect400(t, { now: NOW, program: 'twelve' }, 'program');
      });
    });

    describe('day and time', () => {
      it('day=2: Tuesday in the meeting’s own zone (not Sydney’s Wednesday meeting at a Tuesday instant)', async () => {
        expectAtNow(
          await searchAllInOnePage(t, { now: NOW, day: 2 }),
          inOrder(
            'noon-serenity',
            'kolkata-evening',
            'step-study',
            'chicago-lunch',
            'dharma',
            'london-lunch',
          ),
        );
      });

      it('day=3 includes the Sydney Wednesday meeting and a Mon/Wed/Fri meeting', async () => {
        expectAtNow(
          await searchAllInOnePage(t, { now: NOW, day: 3 }),
          inOrder('sydney-sunrise', 'early-bird', 'hope-online'),
        );
      });

      it('day=0,6 (comma list) matches meetings on either day', async () => {
        const items = await searchAllInOnePage(t, { now: NOW, day: '0,6' });
        expect(slugs(items).sort()).toEqual(['late-night', 'womens-big-book']);
      });

      it.each(['7', '-1', 'mon', '1;2'])('rejects day=%s', async (day) => {
        await expect400(t, { now: NOW, day }, 'day');
      });

      it.each([
        ['12:00', '13:00', inOrder('step-study', 'london-lunch')],
        ['11:30', '11:45', inOrder('noon-serenity', 'chicago-lunch')], // both ends inclusive
        ['22:00', '06:30', inOrder('kolkata-evening', 'sydney-sunrise', 'late-night')], // wraps midnight
        [
          '19:00',
          undefined,
          inOrder('kolkata-evening', 'hope-online', 'groupe-espoir', 'late-night'),
        ],
        [undefined, '07:00', inOrder('sydney-sunrise', 'early-bird', 'percent')],
        ['00:00', '23:59', ALL_ACTIVE],
      ])('time_from=%s time_to=%s (meeting-local start time)', async (from, to, expected) => {
        const query: Query = { now: NOW };
        if (from !== undefined) query.time_from = from;
        if (to !== undefined) query.time_to = to;
        expectAtNow(await searchAllInOnePage(t, query), expected);
      });

      it.each([
        ['time_from', '7:00'],
        ['time_from', '24:00'],
        ['time_to', '12:60'],
        ['time_to', 'noon'],
      ])('rejects %s=%s', async (field, value) => {
        await expect400(t, { now: NOW, [field]: value }, field);
      });
    });

    describe('starting_within and in_progress', () => {
      it.each([
        [14, []],
        [15, ['step-study']], // 17:15Z is exactly now + 15: inclusive
        [60, ['step-study', 'chicago-lunch']],
        [120, ['step-study', 'chicago-lunch', 'sydney-sunrise']], // 19:00Z = now + 120
        [0, []],
      ])('starting_within=%s excludes meetings already in progress', async (minutes, expected) => {
        expectAtNow(await searchAllInOnePage(t, { now: NOW, starting_within: minutes }), expected);
      });

      it('in_progress=true lists exactly the meetings on at NOW', async () => {
        expectAtNow(await searchAllInOnePage(t, { now: NOW, in_progress: true }), [
          'noon-serenity',
          'kolkata-evening',
        ]);
      });

      it('in_progress=false lists all the others', async () => {
        expectAtNow(
          await searchAllInOnePage(t, { now: NOW, in_progress: false }),
          ALL_ACTIVE.filter((s) => s !== 'noon-serenity' && s !== 'kolkata-evening'),
        );
      });

      it('in_progress=false with starting_within=60', async () => {
        expectAtNow(
          await searchAllInOnePage(t, { now: NOW, in_progress: false, starting_within: 60 }),
          ['step-study', 'chicago-lunch'],
        );
      });

      it('in_progress=true with starting_within=30: the AND of both is empty here, not an error', async () => {
        // In progress means started at or before NOW; starting within means starting at or after
        // NOW. Only a meeting starting exactly at NOW could be both, and none does.
        const res = await searchRaw(t, { now: NOW, in_progress: true, starting_within: 30 });
        expect({ status: res.status, body: res.body }).toEqual({
          status: 200,
          body: { items: [], nextCursor: null },
        });
      });

      it('in_progress=true with sort=name and with sort=distance', async () => {
        expect(
          slugs(await searchAllInOnePage(t, { now: NOW, in_progress: true, sort: 'name' })),
        ).toEqual(['kolkata-evening', 'noon-serenity']);
        // Kolkata is 12 755 km from Times Square, the Noon Serenity 5.3 km.
        expect(
          slugs(
            await searchAllInOnePage(t, {
              now: NOW,
              in_progress: true,
              sort: 'distance',
              lat: ORIGIN.lat,
              lng: ORIGIN.lng,
            }),
          ),
        ).toEqual(['noon-serenity', 'kolkata-evening']);
      });

      it.each([
        ['starting_within', '-1'],
        ['starting_within', 'abc'],
        ['starting_within', '1.5'],
        ['starting_within', '10081'],
        ['in_progress', 'yes'],
        ['in_progress', '1'],
      ])('rejects %s=%s', async (field, value) => {
        await expect400(t, { now: NOW, [field]: value }, field);
      });
    });

    describe('types and attendance', () => {
      it.each([
        [
          'O',
          inOrder('noon-serenity', 'kolkata-evening', 'hope-online', 'late-night', 'london-lunch'),
        ],
        ['O,D', inOrder('noon-serenity', 'london-lunch')],
        ['C', inOrder('step-study', 'chicago-lunch', 'womens-big-book')],
        ['C,W', inOrder('chicago-lunch', 'womens-big-book')],
        ['W,C,B', ['womens-big-book']],
        ['O,C', []],
        ['X', []],
      ])('types=%s (a meeting must have all of them)', async (types, expected) => {
        expectAtNow(await searchAllInOnePage(t, { now: NOW, types }), expected);
      });

      it('rejects an unknown type code', async () => {
        await expect400(t, { now: NOW, types: 'ZZZ' }, 'types');
        await expect400(t, { now: NOW, types: 'O,ZZZ' }, 'types');
      });

      it.each([
        [
          'in_person',
          inOrder(
            'noon-serenity',
            'chicago-lunch',
            'sydney-sunrise',
            'early-bird',
            'percent',
            'womens-big-book',
            'groupe-espoir',
            'late-night',
            'london-lunch',
          ),
        ],
        ['online', inOrder('kolkata-evening', 'hope-online')],
        ['hybrid', inOrder('step-study', 'dharma')],
        ['online,hybrid', inOrder('kolkata-evening', 'step-study', 'dharma', 'hope-online')],
      ])('attendance=%s', async (attendance, expected) => {
        expectAtNow(await searchAllInOnePage(t, { now: NOW, attendance }), expected);
      });

      it('rejects attendance=inactive and unknown values', async () => {
        await expect400(t, { now: NOW, attendance: 'inactive' }, 'attendance');
        await expect400(t, { now: NOW, attendance: 'in-person' }, 'attendance');
      });
    });

    describe('location', () => {
      // Great-circle distances from Times Square (40.758, −73.9855) on earthdistance's sphere:
      // early-bird 0.97 km, step-study 3.05 km, noon-serenity 5.32 km, late-night 9.54 km,
      // groupe-espoir (Montreal) 529 km, chicago-lunch 1146 km, womens-big-book (LA) 3942 km,
      // london-lunch 5572 km, kolkata-evening 12 755 km, sydney-sunrise 16 009 km.
      // Without coordinates: dharma, hope-online, percent.
      const WITH_COORDINATES = ALL_ACTIVE.filter((s) => coordinatesOf(s) !== undefined);
      const near = { now: NOW, lat: ORIGIN.lat, lng: ORIGIN.lng };

      function expectDistances(items: MeetingItem[]): void {
        for (const item of items) {
          // distanceKm is rounded to 10 m.
          const error = Math.abs((item.distanceKm ?? NaN) - kmFromOrigin(item.slug));
          expect({ slug: item.slug, withinRounding: error <= 0.0051 }).toEqual({
            slug: item.slug,
            withinRounding: true,
          });
        }
      }

      it('radius_km=5: only meetings within 5 km, by next start, with their distance', async () => {
        const items = await searchAllInOnePage(t, { ...near, radius_km: 5 });
        expectAtNow(items, inOrder('step-study', 'early-bird'));
        expectDistances(items);
      });

      it('radius_km=10 sorted by distance', async () => {
        const items = await searchAllInOnePage(t, { ...near, radius_km: 10, sort: 'distance' });
        expect(slugs(items)).toEqual(['early-bird', 'step-study', 'noon-serenity', 'late-night']);
        expectDistances(items);
      });

      it('radius_km=600 reaches Montreal but not Chicago', async () => {
        const items = await searchAllInOnePage(t, { ...near, radius_km: 600, sort: 'distance' });
        expect(slugs(items)).toEqual([
          'early-bird',
          'step-study',
          'noon-serenity',
          'late-night',
          'groupe-espoir',
        ]);
        expectDistances(items);
      });

      it('radius_km=20000 covers the globe: meetings without coordinates drop out', async () => {
        const items = await searchAllInOnePage(t, { ...near, radius_km: 20000 });
        expectAtNow(items, WITH_COORDINATES);
        expectDistances(items);
      });

      it('lat/lng without radius: every meeting, distance where known, by distance nearest first', async () => {
        const items = await searchAllInOnePage(t, { ...near, sort: 'distance' });
        const located = items.filter((i) => i.distanceKm !== null);
        expect(slugs(located)).toEqual(
          [...WITH_COORDINATES].sort((a, b) => kmFromOrigin(a) - kmFromOrigin(b)),
        );
        expectDistances(located);
        // Unlocated meetings, if listed, come after every located one.
        expect(slugs(items.slice(0, located.length))).toEqual(slugs(located));
        expect(items.slice(located.length).every((i) => i.distanceKm === null)).toBe(true);
      });

      it('lat/lng with the default sort keeps next-start order and adds distanceKm', async () => {
        const items = await searchAllInOnePage(t, near);
        expectAtNow(items, ALL_ACTIVE);
        expectDistances(items.filter((i) => coordinatesOf(i.slug) !== undefined));
        expect(
          items.filter((i) => coordinatesOf(i.slug) === undefined).map((i) => i.distanceKm),
        ).toEqual([null, null, null]);
      });

      it.each([
        [{ lat: 40.7 }, 'lng'],
        [{ lng: -74 }, 'lat'],
        [{ radius_km: 5 }, 'radius_km'],
        [{ lat: 91, lng: 0 }, 'lat'],
        [{ lat: 0, lng: 181 }, 'lng'],
        [{ lat: 'abc', lng: 0 }, 'lat'],
        [{ lat: 40.7, lng: -74, radius_km: 0 }, 'radius_km'],
        [{ lat: 40.7, lng: -74, radius_km: -5 }, 'radius_km'],
        [{ sort: 'distance' }, 'sort'],
      ])('rejects %j', async (params, field) => {
        await expect400(t, { now: NOW, ...params }, field);
      });
    });

    describe('sort, limit, now and unknown parameters', () => {
      it('sort=name orders by name, case-insensitively', async () => {
        expect(slugs(await searchAllInOnePage(t, { now: NOW, sort: 'name' }))).toEqual([
          'percent', // "100% recovery"
          'chicago-lunch',
          'step-study', // "downtown step study"
          'early-bird',
          'hope-online', // "evening hope"
          'groupe-espoir',
          'kolkata-evening',
          'late-night',
          'london-lunch',
          'noon-serenity',
          'dharma', // "recovery dharma sangha"
          'sydney-sunrise',
          'womens-big-book',
        ]);
      });

      it('sort=next_start is the default', async () => {
        expect(slugs(await searchAllInOnePage(t, { now: NOW, sort: 'next_start' }))).toEqual(
          ALL_ACTIVE,
        );
      });

      it('limit=1 gives one item and a cursor; limit=100 is allowed', async () => {
        const page = await searchPage(t, { now: NOW, limit: 1 });
        expectAtNow(page.items, ['noon-serenity']);
        expect(typeof page.nextCursor).toBe('string');
        expect((await searchPage(t, { now: NOW, limit: 100 })).items).toHaveLength(13);
      });

      it.each(['0', '101', 'abc', '1.5', '-1', ''])('rejects limit=%j', async (limit) => {
        await expect400(t, { now: NOW, limit }, 'limit');
      });

      it.each(['random', 'NAME', ''])('rejects sort=%j', async (sort) => {
        await expect400(t, { now: NOW, sort }, 'sort');
      });

      it.each(['yesterday', '2026-02-30T00:00:00Z', '2026-11-24T25:00:00Z', '1732467600'])(
        'rejects now=%j',
        async (now) => {
          await expect400(t, { now }, 'now');
        },
      );

      it('accepts now with a UTC offset as the same instant', async () => {
        expectAtNow(await searchAllInOnePage(t, { now: '2026-11-24T12:00:00-05:00' }), ALL_ACTIVE);
      });

      it.each([
        ['2026-W48-2', '2026-11-24T00:00:00Z'], // ISO week date: Tuesday of week 48
        ['20261124T170000Z', NOW], // ISO basic format
        ['2026-11-24T17:00:00+00', NOW], // hour-only offset
      ])(
        'answers now=%j (ISO 8601, unusual form) as %s, or with a 400, never a 500',
        async (now, instant) => {
          const res = await searchRaw(t, { now });
          if (res.status === 200) {
            const same = await searchAllInOnePage(t, { now: instant });
            expect(res.body.items.map(brief)).toEqual(same.map(brief));
          } else {
            expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
          }
        },
      );

      it.each(['9999-12-31T12:00:00Z', '0001-01-01T00:00:00Z', '1970-01-01T00:00:00Z'])(
        'answers the extreme but valid now=%s without a 500',
        async (now) => {
          const res = await searchRaw(t, { now });
          if (res.status === 200) {
            expect(slugs(res.body.items).sort()).toEqual([...ALL_ACTIVE].sort());
          } else {
            expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
          }
        },
      );

      it.each<[string, string]>([
        ['foo', '1'],
        ['page', '2'],
        ['fellowship[]', 'aa'],
        ['Q', 'serenity'],
      ])('rejects unknown parameter %s=%s', async (name, value) => {
        await expect400(t, { now: NOW, [name]: value });
      });
    });

    describe('cursor pagination', () => {
      const SORTS: [string, Query][] = [
        ['next_start', {}],
        ['name', { sort: 'name' }],
        [
          'distance within 20 000 km',
          { sort: 'distance', lat: ORIGIN.lat, lng: ORIGIN.lng, radius_km: 20000 },
        ],
        ['distance, no radius', { sort: 'distance', lat: ORIGIN.lat, lng: ORIGIN.lng }],
        ['next_start with a distance', { lat: ORIGIN.lat, lng: ORIGIN.lng }],
        ['next_start, in_progress=false', { in_progress: false }],
        ['next_start, fellowship=aa', { fellowship: 'aa' }],
        ['name, in_progress=false', { sort: 'name', in_progress: false }],
        ['next_start, starting_within=1440', { starting_within: 1440 }],
      ];

      it.each(SORTS.flatMap(([label, q]) => [1, 2, 3, 5].map((size) => [label, size, q] as const)))(
        'sort %s, pages of %i: the pages concatenate to the full list, no duplicates, no gaps',
        async (_label, size, q) => {
          const full = await searchAllInOnePage(t, { now: NOW, ...q });
          expect(full.length).toBeGreaterThan(1);
          const { items, pages } = await searchAllPages(t, { now: NOW, ...q }, size);
          expect(items.map(brief)).toEqual(full.map(brief));
          // A last page that is exactly full carries no cursor: no empty trailing page.
          expect(pages).toBe(Math.ceil(full.length / size));
        },
      );

      it('the cursor pins now: later pages continue the first page’s list without now=', async () => {
        // The server clock is not NOW, so dropping now= would give another list if not pinned.
        const { items } = await searchAllPages(t, { now: NOW }, 4, { dropNowAfterFirstPage: true });
        expectAtNow(items, ALL_ACTIVE);
      });

      it('the cursor pins now even when a later page sends another now=', async () => {
        const first = await searchPage(t, { now: NOW, limit: 4 });
        const second = await searchPage(t, {
          now: '2026-11-25T17:00:00Z',
          limit: 4,
          cursor: first.nextCursor ?? '',
        });
        expectAtNow([...first.items, ...second.items], ALL_ACTIVE.slice(0, 8));
      });

      it('rejects a cursor from another sort', async () => {
        const byName = await searchPage(t, { now: NOW, sort: 'name', limit: 2 });
        expect(byName.nextCursor).not.toBeNull();
        await expect400(t, { now: NOW, limit: 2, cursor: byName.nextCursor ?? '' }, 'cursor');
        await expect400(
          t,
          { now: NOW, limit: 2, cursor: byName.nextCursor ?? '', sort: 'distance', lat: 0, lng: 0 },
          'cursor',
        );
      });

      it('rejects tampered cursors with 400, never 500', async () => {
        const page = await searchPage(t, { now: NOW, limit: 2 });
        const cursor = page.nextCursor ?? '';
        const payload = decodeCursor(cursor);
        const tampered = [
          'not a cursor',
          cursor.slice(0, -3),
          encodeCursor([]),
          encodeCursor('x'),
          encodeCursor({ ...payload, v: 42 }),
          encodeCursor({ ...payload, v: 'tomorrow' }),
          encodeCursor({ ...payload, i: 'not-a-uuid' }),
          encodeCursor({ ...payload, i: "1'; DROP TABLE meeting; --" }),
          encodeCursor({ ...payload, n: 'yesterday' }),
          encodeCursor({ ...payload, n: '-271821-04-20T00:00:00.000Z' }),
          encodeCursor({ ...payload, v: '+275760-09-13T00:00:00.000Z' }),
          encodeCursor({ ...payload, s: 'name' }),
          'x'.repeat(501),
        ];
        for (const c of tampered) {
          await expect400(t, { now: NOW, limit: 2, cursor: c });
        }
        expect(slugs(await searchAllInOnePage(t, { now: NOW }))).toEqual(ALL_ACTIVE);
      });
    });

    describe('GET /meetings/:slug', () => {
      it.each(ALL_ACTIVE)(
        '%s: same nextStart, nextEnd and inProgress as the search',
        async (slug) => {
          const res = await api<MeetingItem>(t, 'GET', `/meetings/${slug}?now=${NOW}`);
          expect(res.status).toBe(200);
          expect(brief(res.body)).toEqual({ slug, ...OCCURRENCE.get(slug), distanceKm: null });
          expect(res.body.name).toBe((SMALL[slug] as { name: string }).name);
        },
      );

      it('shows an inactive meeting that search leaves out', async () => {
        const res = await api<MeetingItem>(t, 'GET', `/meetings/inactive-tuesday?now=${NOW}`);
        expect(res.status).toBe(200);
        expect(res.body.slug).toBe('inactive-tuesday');
        expect(res.body.attendance_option).toBe('inactive');
        expect(res.body.inProgress).toBe(false);
      });

      it('answers 404 NOT_FOUND for an unknown slug', async () => {
        const res = await api<{ error: { code: string } }>(
          t,
          'GET',
          `/meetings/no-such-meeting?now=${NOW}`,
        );
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      });

      it('validates now= and rejects unknown parameters', async () => {
        for (const path of [
          '/meetings/noon-serenity?now=yesterday',
          '/meetings/noon-serenity?now=2026-02-30T00:00:00Z',
          '/meetings/noon-serenity?foo=1',
        ]) {
          const res = await api<{ error: { code: string } }>(t, 'GET', path);
          expect({ path, status: res.status, code: res.body.error.code }).toEqual({
            path,
            status: 400,
            code: 'VALIDATION_FAILED',
          });
        }
      });
    });
  });

  it('the inactive meeting looks the same by slug whatever the plan', async () => {
    const answers: unknown[] = [];
    for (const mode of MODES) {
      await useMode(t, mode, NOW);
      answers.push(
        (await api<MeetingItem>(t, 'GET', `/meetings/inactive-tuesday?now=${NOW}`)).body,
      );
    }
    expect(answers[0]).toEqual(answers[1]);
  });
});

// -------------------------------------------------------------------------------------------
// Part 2: 500 meetings, plans against each other and against the model.

const ZONES: [string, number, number][] = [
  ['America/New_York', 40.71, -74.0],
  ['America/Chicago', 41.88, -87.63],
  ['America/Los_Angeles', 34.05, -118.24],
  ['Europe/London', 51.51, -0.13],
  ['Australia/Sydney', -33.87, 151.21],
  ['Asia/Kolkata', 22.57, 88.36],
  ['America/Denver', 39.74, -104.99],
  ['Pacific/Auckland', -36.85, 174.76],
  ['America/Phoenix', 33.45, -112.07],
  ['Europe/Berlin', 52.52, 13.4],
  ['America/St_Johns', 47.56, -52.71],
  ['Asia/Kathmandu', 27.72, 85.32],
];
const ADJECTIVES = [
  'Serenity',
  'Hope',
  'Unity',
  'Freedom',
  'Courage',
  'Gratitude',
  'Acceptance',
  'Spirit',
  'Harmony',
];
const NOUNS = ['Group', 'Circle', 'Fellowship', 'Step Study', 'Speakers', 'Big Book', 'Newcomers'];
const FELLOWSHIPS = ['aa', 'na', 'aa', 'ca', 'aa', 'cma', 'aa', 'na', 'ha'];
const DURATIONS = [60, 90, 120, 45, 30, 75];

interface Generated {
  row: Record<string, unknown>;
  model: ModelMeeting;
  active: boolean;
}

/** A deterministic directory: 500 meetings over 12 zones, many at DST-sensitive hours. */
function generateDirectory(): Generated[] {
  const out: Generated[] = [];
  for (let i = 0; i < 500; i++) {
    const [zone, baseLat, baseLng] = ZONES[(i * 7) % ZONES.length] as [string, number, number];
    const days = i % 11 === 0 ? [1, 3, 5] : i % 13 === 0 ? [0, 6] : [(i * 3) % 7];
    const start =
      i % 17 === 0 ? 90 : i % 19 === 0 ? 150 : i % 23 === 0 ? 1410 : (i * 37 * 5) % 1440;
    // No end_time (every fifth meeting) means 60 minutes.
    const duration = i % 5 === 0 ? 60 : i % 31 === 0 ? 720 : (DURATIONS[i % 6] as number);
    const types = [i % 2 === 0 ? 'O' : 'C'];
    if (i % 3 === 0) types.push('D');
    if (i % 4 === 1) types.push('BE');
    if (i % 7 === 3) types.push('W');
    if (i % 5 === 2) types.push('X');
    const kind =
      i % 29 === 0
        ? 'inactive'
        : (['in_person', 'in_person', 'in_person', 'in_person', 'online', 'hybrid'][
            i % 6
          ] as string);
    const row: Record<string, unknown> = {
      slug: `gen-${i}`,
      name: `${ADJECTIVES[i % 9]} ${NOUNS[(i * 5) % 7]} ${i}`,
      fellowship:
        i % 10 === 9 ? (i % 20 === 9 ? 'smart-recovery' : 'recovery-dharma') : FELLOWSHIPS[i % 9],
      day: days.length === 1 ? days[0] : days,
      time: clock(start),
      timezone: zone,
      types,
      attendance_option: kind,
      location: `Hall ${i % 12}`,
    };
    if (i % 5 !== 0) row.end_time = clock(start + duration);
    if (kind !== 'online') row.address = `${i} Main St`;
    if (kind === 'online' || kind === 'hybrid')
      row.conference_url = `https://meet.example.org/${i}`;
    if (i % 10 === 3) row.notes = 'Parking behind the building';
    if (i % 8 !== 7) {
      row.latitude = Math.round((baseLat + (((i * 13) % 100) - 50) / 200) * 1e4) / 1e4;
      row.longitude = Math.round((baseLng + (((i * 29) % 100) - 50) / 200) * 1e4) / 1e4;
    }
    out.push({ row, model: { days, start, duration, zone }, active: kind !== 'inactive' });
  }
  return out;
}

const DIRECTORY = generateDirectory();

const CONSISTENCY_NOWS = [
  '2026-11-24T18:30:00Z', // an ordinary Tuesday, on a half hour (some meetings start exactly now)
  '2026-11-01T06:30:00Z', // New York's repeated hour (01:30 EST, second pass)
  '2027-03-14T07:00:00Z', // the instant New York springs forward
  '2027-04-03T16:00:00Z', // the instant Sydney falls back
  '2026-10-25T01:00:00Z', // the instant London and Berlin fall back
];

const NY = { lat: 40.71, lng: -74.0 };
const SYDNEY = { lat: -33.87, lng: 151.21 };
const LONDON = { lat: 51.51, lng: -0.13 };
const DENVER = { lat: 39.74, lng: -104.99 };
const CHICAGO = { lat: 41.88, lng: -87.63 };

type ExpectedPlan = 'occurrence-first' | 'walk-then-filter' | 'filter-first';

interface ConsistencyQuery {
  label: string;
  query: Query;
  /** The plan the service should pick when the window covers now. */
  plan?: ExpectedPlan;
  mayBeEmpty?: boolean;
}

const CONSISTENCY_QUERIES: ConsistencyQuery[] = (
  [
    ['no filters', {}, 'occurrence-first'],
    ['in_progress=true', { in_progress: true }, 'occurrence-first'],
    ['in_progress=false', { in_progress: false }, 'occurrence-first'],
    ['starting_within=0', { starting_within: 0 }, 'occurrence-first', { mayBeEmpty: true }],
    ['starting_within=30', { starting_within: 30 }, 'occurrence-first'],
    ['starting_within=180', { starting_within: 180 }, 'occurrence-first'],
    [
      'starting_within=1440, sort=name',
      { starting_within: 1440, sort: 'name' },
      'occurrence-first',
    ],
    ['q=serenity', { q: 'serenity' }, 'walk-then-filter'],
    ['q=hope circle', { q: 'hope circle' }, 'walk-then-filter'],
    ['q=hall 3', { q: 'hall 3' }],
    ['q=parking', { q: 'parking' }, 'walk-then-filter'],
    ['fellowship=aa', { fellowship: 'aa' }, 'walk-then-filter'],
    ['fellowship=na,ca', { fellowship: 'na,ca' }, 'walk-then-filter'],
    ['program=twelve-step', { program: 'twelve-step' }, 'walk-then-filter'],
    ['program=non-twelve-step', { program: 'non-twelve-step' }, 'walk-then-filter'],
    ['day=0', { day: 0 }, 'walk-then-filter'],
    ['day=1,3,5', { day: '1,3,5' }, 'walk-then-filter'],
    ['day=0..6', { day: '0,1,2,3,4,5,6' }, 'walk-then-filter'],
    ['time 22:00–02:00', { time_from: '22:00', time_to: '02:00' }, 'walk-then-filter'],
    ['time 01:00–03:00', { time_from: '01:00', time_to: '03:00' }, 'walk-then-filter'],
    ['time_to=06:00', { time_to: '06:00' }, 'walk-then-filter'],
    ['types=O', { types: 'O' }, 'walk-then-filter'],
    ['types=C,D', { types: 'C,D' }, 'walk-then-filter'],
    ['types=W,BE', { types: 'W,BE' }, 'walk-then-filter', { mayBeEmpty: true }],
    ['attendance=online', { attendance: 'online' }, 'walk-then-filter'],
    ['attendance=in_person,hybrid', { attendance: 'in_person,hybrid' }],
    ['attendance=all three', { attendance: 'in_person,online,hybrid' }, 'walk-then-filter'],
    ['within 80 km of New York', { ...NY, radius_km: 80 }, 'walk-then-filter'],
    [
      'within 100 km of Sydney, by distance',
      { ...SYDNEY, radius_km: 100, sort: 'distance' },
      'filter-first',
    ],
    ['from London by distance, no radius', { ...LONDON, sort: 'distance' }, 'filter-first'],
    [
      'within 200 km of Denver, by name',
      { ...DENVER, radius_km: 200, sort: 'name' },
      'filter-first',
    ],
    ['sort=name', { sort: 'name' }, 'filter-first'],
    ['sort=name, in_progress=true', { sort: 'name', in_progress: true }, 'occurrence-first'],
    [
      'by distance from New York, in_progress=true',
      { ...NY, sort: 'distance', in_progress: true },
      'occurrence-first',
    ],
    [
      'program=twelve-step, in_progress=false',
      { program: 'twelve-step', in_progress: false },
      'walk-then-filter',
    ],
    [
      'program=twelve-step, starting_within=120',
      { program: 'twelve-step', starting_within: 120 },
      'occurrence-first',
    ],
    ['fellowship=aa, day=2, types=O', { fellowship: 'aa', day: 2, types: 'O' }, 'walk-then-filter'],
    [
      'q=serenity, in_progress=true',
      { q: 'serenity', in_progress: true },
      'occurrence-first',
      { mayBeEmpty: true },
    ],
    [
      'q=serenity, starting_within=600',
      { q: 'serenity', starting_within: 600 },
      'occurrence-first',
    ],
    ['q=serenity, in_progress=false', { q: 'serenity', in_progress: false }, 'walk-then-filter'],
    [
      'all attendance, in_progress=true, sort=name',
      { attendance: 'in_person,online,hybrid', in_progress: true, sort: 'name' },
      'occurrence-first',
    ],
    [
      'q=unity by distance from Chicago',
      { q: 'unity', ...CHICAGO, sort: 'distance' },
      'filter-first',
    ],
    [
      'within 80 km of New York, by next start, with distance',
      { ...NY, radius_km: 80, in_progress: false },
      'walk-then-filter',
    ],
  ] as [string, Query, ExpectedPlan?, { mayBeEmpty?: boolean }?][]
).map(([label, query, plan, options]) => ({ label, query, plan, mayBeEmpty: options?.mayBeEmpty }));

interface Answer {
  items: Brief[];
  names: string[];
  plans: string[];
}

/** Things every correct answer satisfies, whatever the plan. */
function checkAnswer(label: string, now: string, query: Query, answer: Answer): void {
  const at = Date.parse(now);
  const seen = new Set<string>();
  for (const item of answer.items) {
    expect({ label, duplicate: seen.has(item.slug) }).toEqual({ label, duplicate: false });
    seen.add(item.slug);
    const start = Date.parse(item.nextStart ?? '');
    const end = Date.parse(item.nextEnd ?? '');
    expect({ label, slug: item.slug, inProgress: item.inProgress, endsLater: end > at }).toEqual({
      label,
      slug: item.slug,
      inProgress: start <= at,
      endsLater: true,
    });
    if (query.in_progress === true)
      expect({ label, on: item.inProgress }).toEqual({ label, on: true });
    if (query.in_progress === false)
      expect({ label, on: item.inProgress }).toEqual({ label, on: false });
    if (query.starting_within !== undefined) {
      const within = start >= at && start <= at + Number(query.starting_within) * 60_000;
      expect({ label, slug: item.slug, within }).toEqual({ label, slug: item.slug, within: true });
    }
    if (query.radius_km !== undefined) {
      expect(item.distanceKm).not.toBeNull();
      expect(item.distanceKm ?? Infinity).toBeLessThanOrEqual(Number(query.radius_km) + 0.01);
    }
  }
  const sort = query.sort ?? 'next_start';
  for (let k = 1; k < answer.items.length; k++) {
    const a = answer.items[k - 1] as Brief;
    const b = answer.items[k] as Brief;
    const ordered =
      sort === 'next_start'
        ? (a.nextStart ?? '') <= (b.nextStart ?? '')
        : sort === 'name'
          ? (answer.names[k - 1] ?? '') <= (answer.names[k] ?? '')
          : b.distanceKm === null || (a.distanceKm !== null && a.distanceKm <= b.distanceKm);
    expect({ label, position: k, ordered }).toEqual({ label, position: k, ordered: true });
  }
}

describe('plan consistency over 500 meetings', () => {
  let t: TestApp;
  /**
   * answers[now][mode][query label]. 'short walk': the materialized plans with a walk budget
   * of 150 occurrences, so that walks are cut short, both with full pages (their rows are the
   * answer) and without (the filter-first fallback answers), on every page of every query.
   */
  type AnswerMode = Mode | 'short walk';
  const answers = new Map<string, Map<AnswerMode, Map<string, Answer>>>();

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    const token = await login(t);
    const result = await importMeetingGuide(
      t,
      token,
      'test',
      DIRECTORY.map((g) => g.row),
    );
    expect(result.errors).toEqual([]);
    expect(result.created).toBe(500);

    const watch = watchPlans(t);
    try {
      for (const now of CONSISTENCY_NOWS) {
        const byMode = new Map<AnswerMode, Map<string, Answer>>();
        const repository = t.app.get(MeetingsRepository);
        const budget = repository.walkBudget;
        for (const mode of [...MODES, 'short walk'] as const) {
          await useMode(t, mode === 'short walk' ? 'materialized' : mode, now);
          repository.walkBudget = mode === 'short walk' ? 150 : budget;
          const byQuery = new Map<string, Answer>();
          for (const { label, query } of CONSISTENCY_QUERIES) {
            const before = watch.plans.length;
            const { items } = await searchAllPages(t, { now, ...query }, 100);
            byQuery.set(label, {
              items: items.map(brief),
              names: items.map((i) => i.name.toLowerCase()),
              plans: [...new Set(watch.plans.slice(before))],
            });
          }
          byMode.set(mode, byQuery);
        }
        repository.walkBudget = budget;
        answers.set(now, byMode);
      }
    } finally {
      watch.stop();
    }
  }, 600_000);

  afterAll(async () => {
    await t.close();
  });

  function answer(now: string, mode: AnswerMode, label: string): Answer {
    const a = answers.get(now)?.get(mode)?.get(label);
    if (a === undefined) throw new Error(`no answer for ${label} at ${now} (${mode})`);
    return a;
  }

  describe.each(CONSISTENCY_NOWS)('at %s', (now) => {
    it('the unfiltered list matches the independent model for every active meeting', () => {
      const items = answer(now, 'computed', 'no filters').items;
      const expectedSlugs = DIRECTORY.filter((g) => g.active).map((g) => g.row.slug as string);
      expect(items.map((i) => i.slug).sort()).toEqual([...expectedSlugs].sort());
      const model = new Map(DIRECTORY.map((g) => [g.row.slug as string, g.model]));
      let ambiguousEnds = 0;
      for (const item of items) {
        const m = modelNextOccurrence(model.get(item.slug) as ModelMeeting, now);
        if (m.endAmbiguous) ambiguousEnds++;
        expect({ slug: item.slug, nextStart: item.nextStart, inProgress: item.inProgress }).toEqual(
          {
            slug: item.slug,
            nextStart: m.nextStart,
            inProgress: m.inProgress,
          },
        );
        if (!m.endAmbiguous)
          expect({ slug: item.slug, nextEnd: item.nextEnd }).toEqual({
            slug: item.slug,
            nextEnd: m.nextEnd,
          });
      }
      expect(ambiguousEnds).toBeLessThan(5);
    });

    // Rows of two, always: Jest reads a test function with more parameters than the row has
    // values as one that takes a `done` callback.
    it.each(CONSISTENCY_QUERIES.map((c) => [c.label, c] as const))(
      '%s: same full list with and without the materialized occurrences',
      (_label, { label, query, plan: expectedPlan, mayBeEmpty }) => {
        const materialized = answer(now, 'materialized', label);
        const computed = answer(now, 'computed', label);
        const shortWalk = answer(now, 'short walk', label);
        expect(computed.plans).toEqual(['computed']);
        if (expectedPlan === 'walk-then-filter') {
          // The last page is never full, so the fallback answers at least that one.
          expect(materialized.plans[0]).toBe('walk-then-filter');
          expect([...materialized.plans].sort()).toEqual(['filter-first', 'walk-then-filter']);
        } else if (expectedPlan !== undefined) expect(materialized.plans).toEqual([expectedPlan]);
        else expect(materialized.plans).not.toContain('computed');
        if (mayBeEmpty !== true) expect(computed.items.length).toBeGreaterThan(0);
        checkAnswer(`${label} (computed)`, now, query, computed);
        checkAnswer(`${label} (materialized)`, now, query, materialized);
        expect(materialized.items).toEqual(computed.items);
        expect(shortWalk.items).toEqual(computed.items);
      },
    );
  });

  it.each(MODES)(
    'lat/lng without radius_km changes the order, not which meetings match (%s, all pages)',
    async (mode) => {
      const now = CONSISTENCY_NOWS[0] as string;
      await useMode(t, mode, now);
      const all = (await searchAllPages(t, { now }, 100)).items;
      const byDistance = (await searchAllPages(t, { now, ...LONDON, sort: 'distance' }, 100)).items;
      expect(byDistance.length).toBe(all.length);
      expect(slugs(byDistance).sort()).toEqual(slugs(all).sort());
    },
    120_000,
  );

  it.each([
    ['no filters', {}],
    ['sort=name', { sort: 'name' }],
    ['q=serenity', { q: 'serenity' }],
    ['program=twelve-step', { program: 'twelve-step' }],
    ['in_progress=false', { in_progress: false }],
    ['by distance within 80 km of New York', { ...NY, radius_km: 80, sort: 'distance' }],
    ['by distance from London, no radius', { ...LONDON, sort: 'distance' }],
  ] as [string, Query][])(
    '%s: pages of 37 concatenate to the full list, in both modes',
    async (_label, query) => {
      const now = CONSISTENCY_NOWS[0] as string;
      for (const mode of MODES) {
        await useMode(t, mode, now);
        const full = (await searchAllPages(t, { now, ...query }, 100)).items.map(brief);
        const paged = (await searchAllPages(t, { now, ...query }, 37)).items.map(brief);
        expect({ mode, paged }).toEqual({ mode, paged: full });
      }
    },
    120_000,
  );
});

// -------------------------------------------------------------------------------------------
// Part 3: the materialized occurrences must follow meeting writes and window moves.

describe('plan consistency as meetings change and the window moves', () => {
  // Thursday 2026-12-10 12:00Z = 07:00 EST = 06:00 CST = 12:00 GMT.
  const X = '2026-12-10T12:00:00Z';
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    token = await login(t);
    await createMeeting(t, token, {
      slug: 'daily',
      name: 'Daily Reflection',
      fellowship: 'aa',
      day: [0, 1, 2, 3, 4, 5, 6],
      time: '18:00',
      end_time: '19:00',
      timezone: 'Europe/London',
      address: '1 Strand',
    });
    await createMeeting(t, token, {
      slug: 'weekly',
      name: 'Thursday Morning',
      fellowship: 'aa',
      day: 4,
      time: '08:00',
      end_time: '09:00',
      timezone: 'America/New_York',
      address: '1 Main St',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  async function bothModes(): Promise<Record<Mode, Brief[]>> {
    const out = {} as Record<Mode, Brief[]>;
    for (const mode of MODES) {
      await useMode(t, mode, X);
      out[mode] = (await searchAllInOnePage(t, { now: X })).map(brief);
    }
    return out;
  }

  async function patch(body: Record<string, unknown>): Promise<void> {
    const res = await api(t, 'PATCH', '/meetings/weekly', { token, body });
    expect(res.status).toBe(200);
  }

  const daily: Brief = {
    slug: 'daily',
    nextStart: '2026-12-10T18:00:00Z', // 18:00 GMT
    nextEnd: '2026-12-10T19:00:00Z',
    inProgress: false,
    distanceKm: null,
  };

  it('start with Thursday 08:00 EST = 13:00Z', async () => {
    const weekly = {
      slug: 'weekly',
      nextStart: '2026-12-10T13:00:00Z',
      nextEnd: '2026-12-10T14:00:00Z',
      inProgress: false,
      distanceKm: null,
    };
    expect(await bothModes()).toEqual({ materialized: [weekly, daily], computed: [weekly, daily] });
  });

  it('a new time is in both plans: 06:30–07:30 EST = 11:30Z–12:30Z, on at X', async () => {
    await useMode(t, 'materialized', X);
    await patch({ time: '06:30', end_time: '07:30' });
    const weekly = {
      slug: 'weekly',
      nextStart: '2026-12-10T11:30:00Z',
      nextEnd: '2026-12-10T12:30:00Z',
      inProgress: true,
      distanceKm: null,
    };
    expect(await bothModes()).toEqual({ materialized: [weekly, daily], computed: [weekly, daily] });
  });

  it('inactive drops out of both plans, and comes back', async () => {
    await useMode(t, 'materialized', X);
    await patch({ attendance_option: 'inactive' });
    expect(await bothModes()).toEqual({ materialized: [daily], computed: [daily] });
    await useMode(t, 'materialized', X);
    await patch({ attendance_option: 'in_person' });
    expect(slugs(await searchAllInOnePage(t, { now: X }))).toEqual(['weekly', 'daily']);
  });

  it('a new zone and day are in both plans: Friday 06:30 CST = 12:30Z', async () => {
    await useMode(t, 'materialized', X);
    await patch({ timezone: 'America/Chicago', day: 5 });
    const weekly = {
      slug: 'weekly',
      nextStart: '2026-12-11T12:30:00Z',
      nextEnd: '2026-12-11T13:30:00Z',
      inProgress: false,
      distanceKm: null,
    };
    expect(await bothModes()).toEqual({ materialized: [daily, weekly], computed: [daily, weekly] });
  });

  it('a new name, fellowship, types and place are found in both plans, the old ones not', async () => {
    // The materialized plans filter on each occurrence's copy of these columns: an edit must
    // reach the copies, or the meeting would be found under what it no longer is.
    await useMode(t, 'materialized', X);
    await patch({
      name: 'Lakeside Serenity',
      fellowship: 'na',
      types: ['O', 'BE'],
      latitude: 41.88,
      longitude: -87.63,
    });
    const found = async (query: Query): Promise<Record<Mode, string[]>> => {
      const out = {} as Record<Mode, string[]>;
      for (const mode of MODES) {
        await useMode(t, mode, X);
        out[mode] = slugs(await searchAllInOnePage(t, { now: X, ...query }));
      }
      return out;
    };
    const weeklyOnly = { materialized: ['weekly'], computed: ['weekly'] };
    const none = { materialized: [], computed: [] };
    expect(await found({ q: 'lakeside serenity' })).toEqual(weeklyOnly);
    expect(await found({ q: 'thursday morning' })).toEqual(none);
    expect(await found({ fellowship: 'na' })).toEqual(weeklyOnly);
    expect(await found({ types: 'BE' })).toEqual(weeklyOnly);
    expect(await found({ lat: 41.88, lng: -87.63, radius_km: 5 })).toEqual(weeklyOnly);
    expect(await found({ lat: 41.88, lng: -87.63, radius_km: 5, starting_within: 2880 })).toEqual(
      weeklyOnly,
    );
  });

  it('a deleted meeting is gone from both plans', async () => {
    await useMode(t, 'materialized', X);
    expect((await api(t, 'DELETE', '/meetings/weekly', { token })).status).toBe(204);
    expect(await bothModes()).toEqual({ materialized: [daily], computed: [daily] });
  });

  it('an instance answers correctly right after another instance moved the window', async () => {
    // Two instances on one database, as in production. Instance A last saw the window around X;
    // instance B then moves it two days on, which deletes the occurrences that ended before
    // X + 1 day. A search at X on A must still give today's 18:00 GMT meeting.
    const other = await startTestApp({ env: ADMIN_ENV, databaseUrl: t.databaseUrl });
    try {
      await coverWindowAndRead(t, X);
      await other.app.get(OccurrenceWindowService).advance(new Date('2026-12-12T12:00:00Z'));
      expect((await searchAllInOnePage(t, { now: X })).map(brief)).toEqual([daily]);
      const one = await api<MeetingItem>(t, 'GET', `/meetings/daily?now=${X}`);
      expect(brief(one.body)).toEqual(daily);
    } finally {
      await other.close();
    }
  });

  async function coverWindowAndRead(app: TestApp, now: string): Promise<void> {
    await useMode(app, 'materialized', now);
    expect((await searchAllInOnePage(app, { now })).map(brief)).toEqual([daily]);
  }
});
