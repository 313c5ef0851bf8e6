import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN_ENV, api, login } from '../support/http.js';
import { createMeeting } from '../support/meetings.js';
import {
  MODES,
  localToInstant,
  modelNextOccurrence,
  searchAllInOnePage,
  slugs,
  useMode,
  type MeetingItem,
  type Mode,
} from './search-fixtures.js';

/**
 * nextStart / nextEnd / inProgress around daylight-saving changes, in the meeting's own zone
 * (RFC 5545 §3.3.5: a skipped local time takes the offset before the gap, a repeated one means
 * its first occurrence; an end earlier than the start is the next day). Every instant below is
 * worked out by hand in the comment next to it, and each is checked three ways — in the full
 * search list, in a text search for that one meeting, and by slug — once with the occurrence
 * window covering `now` (materialized plans) and once without (computed plan).
 */

const MEETINGS: Record<string, Record<string, unknown>> = {
  // US: EDT (−4) → EST (−5) at 2026-11-01 06:00Z (02:00 EDT → 01:00 EST; 01:00–01:59 twice);
  //     EST → EDT at 2027-03-14 07:00Z (02:00 EST → 03:00 EDT; 02:00–02:59 never happens).
  alder: { name: 'Alder', day: 0, time: '01:30', end_time: '02:30', timezone: 'America/New_York' },
  birch: { name: 'Birch', day: 0, time: '02:30', end_time: '04:00', timezone: 'America/New_York' },
  cedar: { name: 'Cedar', day: 6, time: '23:00', end_time: '01:00', timezone: 'America/New_York' },
  dogwood: {
    name: 'Dogwood',
    day: 6,
    time: '20:00',
    end_time: '08:00',
    timezone: 'America/New_York',
  },
  hazel: { name: 'Hazel', day: 2, time: '19:00', timezone: 'America/New_York' },
  // UK: BST (+1) → GMT at 2026-10-25 01:00Z (02:00 BST → 01:00 GMT; 01:00–01:59 twice);
  //     GMT → BST at 2027-03-28 01:00Z (01:00 GMT → 02:00 BST; 01:00–01:59 never happens).
  elm: { name: 'Elm', day: 0, time: '01:30', end_time: '03:00', timezone: 'Europe/London' },
  // Sydney: AEST (+10) → AEDT (+11) at 2026-10-03 16:00Z (02:00 → 03:00; 02:00–02:59 skipped);
  //         AEDT → AEST at 2027-04-03 16:00Z (03:00 → 02:00; 02:00–02:59 twice).
  fig: { name: 'Fig', day: 0, time: '02:30', end_time: '04:00', timezone: 'Australia/Sydney' },
  // India: +05:30 all year.
  ginkgo: { name: 'Ginkgo', day: 2, time: '19:00', end_time: '20:30', timezone: 'Asia/Kolkata' },
  // Chicago: CDT (−5) → CST (−6) at 2026-11-01 07:00Z. Mondays, Wednesdays and Fridays.
  ivy: {
    name: 'Ivy',
    day: [1, 3, 5],
    time: '12:00',
    end_time: '13:00',
    timezone: 'America/Chicago',
  },
};

interface Case {
  slug: string;
  now: string;
  nextStart: string;
  nextEnd: string;
  inProgress: boolean;
  why: string;
}

const CASES: Case[] = [
  // --- alder: Sundays 01:30–02:30 America/New_York
  {
    slug: 'alder',
    now: '2026-11-01T05:00:00Z',
    nextStart: '2026-11-01T05:30:00Z',
    nextEnd: '2026-11-01T07:30:00Z',
    inProgress: false,
    why: 'fall-back night: 01:30 is repeated → first (EDT) = 05:30Z; 02:30 exists once (EST) = 07:30Z',
  },
  {
    slug: 'alder',
    now: '2026-11-01T06:15:00Z',
    nextStart: '2026-11-01T05:30:00Z',
    nextEnd: '2026-11-01T07:30:00Z',
    inProgress: true,
    why: '06:15Z is 01:15 EST, the second pass of the repeated hour, inside 05:30Z–07:30Z',
  },
  {
    slug: 'alder',
    now: '2026-11-01T07:29:00Z',
    nextStart: '2026-11-01T05:30:00Z',
    nextEnd: '2026-11-01T07:30:00Z',
    inProgress: true,
    why: 'one minute before the local end 02:30 EST',
  },
  {
    slug: 'alder',
    now: '2026-11-01T07:30:00Z',
    nextStart: '2026-11-08T06:30:00Z',
    nextEnd: '2026-11-08T07:30:00Z',
    inProgress: false,
    why: 'ended at 07:30Z; next Sunday 01:30 EST = 06:30Z, 02:30 EST = 07:30Z',
  },
  {
    slug: 'alder',
    now: '2027-03-13T12:00:00Z',
    nextStart: '2027-03-14T06:30:00Z',
    nextEnd: '2027-03-14T07:30:00Z',
    inProgress: false,
    why: 'spring-forward night: 01:30 EST = 06:30Z; 02:30 is skipped → offset before (EST) = 07:30Z',
  },
  {
    slug: 'alder',
    now: '2027-03-14T07:00:00Z',
    nextStart: '2027-03-14T06:30:00Z',
    nextEnd: '2027-03-14T07:30:00Z',
    inProgress: true,
    why: '07:00Z is the instant the clocks jump (03:00 EDT), inside 06:30Z–07:30Z',
  },
  {
    slug: 'alder',
    now: '2027-03-14T07:30:00Z',
    nextStart: '2027-03-21T05:30:00Z',
    nextEnd: '2027-03-21T06:30:00Z',
    inProgress: false,
    why: 'next Sunday is in EDT: 01:30 EDT = 05:30Z, 02:30 EDT = 06:30Z',
  },
  // --- birch: Sundays 02:30–04:00 America/New_York
  {
    slug: 'birch',
    now: '2027-03-14T06:00:00Z',
    nextStart: '2027-03-14T07:30:00Z',
    nextEnd: '2027-03-14T08:00:00Z',
    inProgress: false,
    why: '02:30 is skipped → read as EST = 07:30Z (03:30 EDT); 04:00 EDT = 08:00Z',
  },
  {
    slug: 'birch',
    now: '2027-03-14T07:30:00Z',
    nextStart: '2027-03-14T07:30:00Z',
    nextEnd: '2027-03-14T08:00:00Z',
    inProgress: true,
    why: 'a meeting that starts exactly now is in progress',
  },
  {
    slug: 'birch',
    now: '2027-03-14T07:59:00Z',
    nextStart: '2027-03-14T07:30:00Z',
    nextEnd: '2027-03-14T08:00:00Z',
    inProgress: true,
    why: 'one minute before 04:00 EDT',
  },
  {
    slug: 'birch',
    now: '2027-03-14T08:00:00Z',
    nextStart: '2027-03-21T06:30:00Z',
    nextEnd: '2027-03-21T08:00:00Z',
    inProgress: false,
    why: 'next Sunday in EDT: 02:30 EDT = 06:30Z, 04:00 EDT = 08:00Z',
  },
  {
    slug: 'birch',
    now: '2026-10-31T12:00:00Z',
    nextStart: '2026-11-01T07:30:00Z',
    nextEnd: '2026-11-01T09:00:00Z',
    inProgress: false,
    why: 'fall-back night: 02:30 comes after the change, EST = 07:30Z; 04:00 EST = 09:00Z',
  },
  {
    slug: 'birch',
    now: '2026-10-24T12:00:00Z',
    nextStart: '2026-10-25T06:30:00Z',
    nextEnd: '2026-10-25T08:00:00Z',
    inProgress: false,
    why: 'the Sunday before, still EDT: 02:30 EDT = 06:30Z',
  },
  // --- cedar: Saturdays 23:00–01:00 America/New_York (crosses midnight and the week's end)
  {
    slug: 'cedar',
    now: '2026-10-31T12:00:00Z',
    nextStart: '2026-11-01T03:00:00Z',
    nextEnd: '2026-11-01T05:00:00Z',
    inProgress: false,
    why: 'Sat 23:00 EDT = 03:00Z; Sun 01:00 is repeated → first (EDT) = 05:00Z',
  },
  {
    slug: 'cedar',
    now: '2026-11-01T04:30:00Z',
    nextStart: '2026-11-01T03:00:00Z',
    nextEnd: '2026-11-01T05:00:00Z',
    inProgress: true,
    why: 'Sunday 00:30 EDT, after local midnight, still the Saturday meeting',
  },
  {
    slug: 'cedar',
    now: '2026-11-01T05:30:00Z',
    nextStart: '2026-11-08T04:00:00Z',
    nextEnd: '2026-11-08T06:00:00Z',
    inProgress: false,
    why: 'ended at the first 01:00 (05:00Z); the second 01:00 (06:00Z) is not its end; next Sat 23:00 EST = Sun 04:00Z',
  },
  {
    slug: 'cedar',
    now: '2027-03-13T12:00:00Z',
    nextStart: '2027-03-14T04:00:00Z',
    nextEnd: '2027-03-14T06:00:00Z',
    inProgress: false,
    why: 'Sat 23:00 EST = 04:00Z; Sun 01:00 EST = 06:00Z, before the gap',
  },
  {
    slug: 'cedar',
    now: '2026-11-22T03:59:00Z',
    nextStart: '2026-11-22T04:00:00Z',
    nextEnd: '2026-11-22T06:00:00Z',
    inProgress: false,
    why: 'Sat 2026-11-21 22:59 EST: one minute before Sat 23:00 EST = Sun 04:00Z',
  },
  {
    slug: 'cedar',
    now: '2026-11-22T05:00:00Z',
    nextStart: '2026-11-22T04:00:00Z',
    nextEnd: '2026-11-22T06:00:00Z',
    inProgress: true,
    why: 'Sunday 00:00 EST: the Saturday meeting runs into the new week',
  },
  {
    slug: 'cedar',
    now: '2026-11-22T06:00:00Z',
    nextStart: '2026-11-29T04:00:00Z',
    nextEnd: '2026-11-29T06:00:00Z',
    inProgress: false,
    why: 'ended at Sun 01:00 EST; next Saturday 2026-11-28 23:00 EST',
  },
  // --- dogwood: Saturdays 20:00–08:00 America/New_York (the longest allowed, 12 h of wall clock)
  {
    slug: 'dogwood',
    now: '2026-11-01T12:59:00Z',
    nextStart: '2026-11-01T00:00:00Z',
    nextEnd: '2026-11-01T13:00:00Z',
    inProgress: true,
    why: 'Sat 20:00 EDT = 00:00Z to Sun 08:00 EST = 13:00Z: 13 real hours; 12 h 59 min in, still on',
  },
  {
    slug: 'dogwood',
    now: '2026-11-01T13:00:00Z',
    nextStart: '2026-11-08T01:00:00Z',
    nextEnd: '2026-11-08T13:00:00Z',
    inProgress: false,
    why: 'next Sat 20:00 EST = Sun 01:00Z to Sun 08:00 EST = 13:00Z',
  },
  {
    slug: 'dogwood',
    now: '2027-03-14T11:59:00Z',
    nextStart: '2027-03-14T01:00:00Z',
    nextEnd: '2027-03-14T12:00:00Z',
    inProgress: true,
    why: 'Sat 20:00 EST = 01:00Z to Sun 08:00 EDT = 12:00Z: 11 real hours',
  },
  {
    slug: 'dogwood',
    now: '2027-03-14T12:00:00Z',
    nextStart: '2027-03-21T00:00:00Z',
    nextEnd: '2027-03-21T12:00:00Z',
    inProgress: false,
    why: 'next Sat 20:00 EDT = Sun 00:00Z to Sun 08:00 EDT = 12:00Z',
  },
  // --- hazel: Tuesdays 19:00, no end_time (→ 20:00), America/New_York
  {
    slug: 'hazel',
    now: '2026-11-24T23:59:00Z',
    nextStart: '2026-11-25T00:00:00Z',
    nextEnd: '2026-11-25T01:00:00Z',
    inProgress: false,
    why: '19:00 EST on Tue 2026-11-24 = 2026-11-25T00:00Z; no end_time → +60 min',
  },
  {
    slug: 'hazel',
    now: '2026-11-25T00:30:00Z',
    nextStart: '2026-11-25T00:00:00Z',
    nextEnd: '2026-11-25T01:00:00Z',
    inProgress: true,
    why: 'half-way through',
  },
  // --- elm: Sundays 01:30–03:00 Europe/London
  {
    slug: 'elm',
    now: '2026-10-25T00:00:00Z',
    nextStart: '2026-10-25T00:30:00Z',
    nextEnd: '2026-10-25T03:00:00Z',
    inProgress: false,
    why: 'fall-back: 01:30 repeated → first (BST) = 00:30Z; 03:00 GMT = 03:00Z',
  },
  {
    slug: 'elm',
    now: '2026-10-25T01:15:00Z',
    nextStart: '2026-10-25T00:30:00Z',
    nextEnd: '2026-10-25T03:00:00Z',
    inProgress: true,
    why: '01:15Z is 01:15 GMT, the second pass, inside the meeting',
  },
  {
    slug: 'elm',
    now: '2027-03-28T00:00:00Z',
    nextStart: '2027-03-28T01:30:00Z',
    nextEnd: '2027-03-28T02:00:00Z',
    inProgress: false,
    why: 'spring-forward: 01:30 skipped → GMT = 01:30Z; 03:00 BST = 02:00Z',
  },
  {
    slug: 'elm',
    now: '2027-03-28T01:45:00Z',
    nextStart: '2027-03-28T01:30:00Z',
    nextEnd: '2027-03-28T02:00:00Z',
    inProgress: true,
    why: '02:45 BST, inside 01:30Z–02:00Z',
  },
  {
    slug: 'elm',
    now: '2027-03-28T02:00:00Z',
    nextStart: '2027-04-04T00:30:00Z',
    nextEnd: '2027-04-04T02:00:00Z',
    inProgress: false,
    why: 'next Sunday in BST: 01:30 BST = 00:30Z, 03:00 BST = 02:00Z',
  },
  // --- fig: Sundays 02:30–04:00 Australia/Sydney
  {
    slug: 'fig',
    now: '2026-10-03T12:00:00Z',
    nextStart: '2026-10-03T16:30:00Z',
    nextEnd: '2026-10-03T17:00:00Z',
    inProgress: false,
    why: 'Sun 2026-10-04 02:30 skipped → AEST (+10) = Sat 16:30Z; 04:00 AEDT (+11) = 17:00Z',
  },
  {
    slug: 'fig',
    now: '2026-10-03T16:45:00Z',
    nextStart: '2026-10-03T16:30:00Z',
    nextEnd: '2026-10-03T17:00:00Z',
    inProgress: true,
    why: '03:45 AEDT, inside',
  },
  {
    slug: 'fig',
    now: '2027-04-03T12:00:00Z',
    nextStart: '2027-04-03T15:30:00Z',
    nextEnd: '2027-04-03T18:00:00Z',
    inProgress: false,
    why: 'Sun 2027-04-04 02:30 repeated → first (AEDT +11) = Sat 15:30Z; 04:00 AEST (+10) = 18:00Z',
  },
  {
    slug: 'fig',
    now: '2027-04-03T16:30:00Z',
    nextStart: '2027-04-03T15:30:00Z',
    nextEnd: '2027-04-03T18:00:00Z',
    inProgress: true,
    why: '16:30Z is 02:30 AEST, the second 02:30: the meeting began at the first',
  },
  {
    slug: 'fig',
    now: '2027-04-03T18:00:00Z',
    nextStart: '2027-04-10T16:30:00Z',
    nextEnd: '2027-04-10T18:00:00Z',
    inProgress: false,
    why: 'next Sunday 2027-04-11 in AEST: 02:30 = Sat 2027-04-10 16:30Z, 04:00 = 18:00Z',
  },
  // --- ginkgo: Tuesdays 19:00–20:30 Asia/Kolkata (+05:30)
  {
    slug: 'ginkgo',
    now: '2026-11-24T13:00:00Z',
    nextStart: '2026-11-24T13:30:00Z',
    nextEnd: '2026-11-24T15:00:00Z',
    inProgress: false,
    why: '19:00 IST = 13:30Z, 20:30 IST = 15:00Z',
  },
  {
    slug: 'ginkgo',
    now: '2026-11-24T14:00:00Z',
    nextStart: '2026-11-24T13:30:00Z',
    nextEnd: '2026-11-24T15:00:00Z',
    inProgress: true,
    why: 'inside',
  },
  {
    slug: 'ginkgo',
    now: '2026-11-24T15:00:00Z',
    nextStart: '2026-12-01T13:30:00Z',
    nextEnd: '2026-12-01T15:00:00Z',
    inProgress: false,
    why: 'the end instant is not in progress; next Tuesday',
  },
  // --- ivy: Mon/Wed/Fri 12:00–13:00 America/Chicago
  {
    slug: 'ivy',
    now: '2026-11-22T12:00:00Z',
    nextStart: '2026-11-23T18:00:00Z',
    nextEnd: '2026-11-23T19:00:00Z',
    inProgress: false,
    why: 'Sunday → Monday 12:00 CST = 18:00Z',
  },
  {
    slug: 'ivy',
    now: '2026-11-23T18:30:00Z',
    nextStart: '2026-11-23T18:00:00Z',
    nextEnd: '2026-11-23T19:00:00Z',
    inProgress: true,
    why: 'Monday, inside',
  },
  {
    slug: 'ivy',
    now: '2026-11-23T19:00:00Z',
    nextStart: '2026-11-25T18:00:00Z',
    nextEnd: '2026-11-25T19:00:00Z',
    inProgress: false,
    why: 'Monday ended → Wednesday',
  },
  {
    slug: 'ivy',
    now: '2026-11-27T19:00:00Z',
    nextStart: '2026-11-30T18:00:00Z',
    nextEnd: '2026-11-30T19:00:00Z',
    inProgress: false,
    why: 'Friday ended → Monday, across the weekend',
  },
  {
    slug: 'ivy',
    now: '2026-10-30T17:30:00Z',
    nextStart: '2026-10-30T17:00:00Z',
    nextEnd: '2026-10-30T18:00:00Z',
    inProgress: true,
    why: 'Friday 12:00 CDT = 17:00Z',
  },
  {
    slug: 'ivy',
    now: '2026-10-30T18:00:00Z',
    nextStart: '2026-11-02T18:00:00Z',
    nextEnd: '2026-11-02T19:00:00Z',
    inProgress: false,
    why: 'Friday ended; Monday after the change: 12:00 CST = 18:00Z',
  },
];

function expectOccurrence(item: MeetingItem | undefined, c: Case, how: string): void {
  expect({ how, ...pick(item) }).toEqual({
    how,
    slug: c.slug,
    nextStart: c.nextStart,
    nextEnd: c.nextEnd,
    inProgress: c.inProgress,
  });
}

function pick(item: MeetingItem | undefined): Record<string, unknown> {
  if (item === undefined) return { missing: true };
  return {
    slug: item.slug,
    nextStart: item.nextStart,
    nextEnd: item.nextEnd,
    inProgress: item.inProgress,
  };
}

describe('meeting search: DST-exact next occurrences', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: ADMIN_ENV });
    const token = await login(t);
    for (const [slug, meeting] of Object.entries(MEETINGS)) {
      await createMeeting(t, token, {
        slug,
        fellowship: 'aa',
        address: `${slug} hall, 1 Main St`,
        ...meeting,
      });
    }
  });

  afterAll(async () => {
    await t.close();
  });

  it('the independent model agrees with the hand-worked instants (sanity check of the model)', () => {
    // 01:30 on the fall-back night, first pass (EDT): 05:30Z; 02:30 on the spring-forward night,
    // skipped, read as EST: 07:30Z.
    const wall = (y: number, mo: number, d: number, h: number, mi: number) =>
      Date.UTC(y, mo - 1, d, h, mi);
    expect(
      new Date(localToInstant('America/New_York', wall(2026, 11, 1, 1, 30))).toISOString(),
    ).toBe('2026-11-01T05:30:00.000Z');
    expect(
      new Date(localToInstant('America/New_York', wall(2027, 3, 14, 2, 30))).toISOString(),
    ).toBe('2027-03-14T07:30:00.000Z');
    for (const c of CASES) {
      const m = MEETINGS[c.slug] as {
        day: number | number[];
        time: string;
        end_time?: string;
        timezone: string;
      };
      const [h, mi] = m.time.split(':').map(Number) as [number, number];
      const start = h * 60 + mi;
      const end =
        m.end_time === undefined
          ? start + 60
          : ((n) => (n <= start ? n + 1440 : n))(
              Number(m.end_time.slice(0, 2)) * 60 + Number(m.end_time.slice(3)),
            );
      const model = modelNextOccurrence(
        {
          days: Array.isArray(m.day) ? m.day : [m.day],
          start,
          duration: end - start,
          zone: m.timezone,
        },
        c.now,
      );
      expect({ case: c.why, ...model }).toEqual({
        case: c.why,
        nextStart: c.nextStart,
        nextEnd: c.nextEnd,
        inProgress: c.inProgress,
        endAmbiguous: false,
      });
    }
  });

  describe.each(MODES)('with the %s plan', (mode: Mode) => {
    it.each(CASES.map((c) => [`${c.slug} at ${c.now}`, c] as const))(
      '%s: search list, text search and GET by slug agree with the hand-worked instants',
      async (_label, c) => {
        await useMode(t, mode, c.now);
        const all = await searchAllInOnePage(t, { now: c.now });
        expect(slugs(all).sort()).toEqual(Object.keys(MEETINGS).sort());
        expectOccurrence(
          all.find((i) => i.slug === c.slug),
          c,
          'full list',
        );

        const name = (MEETINGS[c.slug] as { name: string }).name;
        const found = await searchAllInOnePage(t, { now: c.now, q: name });
        expect(slugs(found)).toEqual([c.slug]);
        expectOccurrence(found[0], c, 'q= search');

        const one = await api<MeetingItem>(t, 'GET', `/meetings/${c.slug}?now=${c.now}`);
        expect(one.status).toBe(200);
        expectOccurrence(one.body, c, 'GET by slug');
      },
    );

    it('the full list is in next-start order with inProgress exactly when nextStart ≤ now < nextEnd', async () => {
      for (const now of ['2026-11-01T06:15:00Z', '2027-03-14T07:00:00Z', '2027-04-03T16:30:00Z']) {
        await useMode(t, mode, now);
        const all = await searchAllInOnePage(t, { now });
        const starts = all.map((i) => i.nextStart ?? '');
        expect(starts).toEqual([...starts].sort());
        for (const item of all) {
          const start = Date.parse(item.nextStart ?? '');
          const end = Date.parse(item.nextEnd ?? '');
          const at = Date.parse(now);
          expect({ slug: item.slug, inProgress: item.inProgress }).toEqual({
            slug: item.slug,
            inProgress: start <= at && at < end,
          });
          expect(end).toBeGreaterThan(at);
        }
      }
    });

    it('in_progress and starting_within on the spring-forward night (2027-03-14T06:00Z = 01:00 EST)', async () => {
      const now = '2027-03-14T06:00:00Z';
      await useMode(t, mode, now);
      // dogwood 01:00Z–12:00Z is on; cedar (04:00Z–06:00Z) ended exactly now; nothing else runs.
      expect(slugs(await searchAllInOnePage(t, { now, in_progress: true }))).toEqual(['dogwood']);
      // alder starts 06:30Z (+30 min), birch 07:30Z (+90 min, the skipped 02:30).
      expect(slugs(await searchAllInOnePage(t, { now, starting_within: 90 }))).toEqual([
        'alder',
        'birch',
      ]);
      expect(slugs(await searchAllInOnePage(t, { now, starting_within: 89 }))).toEqual(['alder']);
    });

    it('in_progress and starting_within in the repeated hour of the fall-back night (06:15Z = 01:15 EST)', async () => {
      const now = '2026-11-01T06:15:00Z';
      await useMode(t, mode, now);
      // dogwood since 00:00Z, alder since 05:30Z (the first 01:30); cedar ended at 05:00Z.
      expect(slugs(await searchAllInOnePage(t, { now, in_progress: true }))).toEqual([
        'dogwood',
        'alder',
      ]);
      // birch at 02:30 EST = 07:30Z is 75 minutes away.
      expect(slugs(await searchAllInOnePage(t, { now, starting_within: 75 }))).toEqual(['birch']);
      expect(await searchAllInOnePage(t, { now, starting_within: 74 })).toEqual([]);
    });

    it('day and time filters use the meeting-local day and start time, not UTC', async () => {
      const now = '2026-11-22T05:00:00Z'; // Sunday 00:00 EST; cedar (Saturday 23:00) is on
      await useMode(t, mode, now);
      const sat = await searchAllInOnePage(t, { now, day: 6 });
      // Saturday-local, both still on in the small hours of Sunday: dogwood since Sat 20:00 EST
      // (01:00Z), cedar since Sat 23:00 EST (04:00Z).
      expect(sat.map((i) => [i.slug, i.inProgress])).toEqual([
        ['dogwood', true],
        ['cedar', true],
      ]);
      // Sunday-local: alder 01:30 EST = 06:30Z, birch 02:30 EST = 07:30Z, fig (Sydney Sunday
      // 2026-11-29 02:30 AEDT = Sat 2026-11-28 15:30Z), elm (London Sunday 2026-11-29 01:30 GMT).
      expect(slugs(await searchAllInOnePage(t, { now, day: 0 }))).toEqual([
        'alder',
        'birch',
        'fig',
        'elm',
      ]);
      // Tuesday-local 19:00 in Kolkata (13:30Z) and in New York (00:00Z Wednesday).
      expect(
        slugs(await searchAllInOnePage(t, { now, day: 2, time_from: '19:00', time_to: '19:00' })),
      ).toEqual(['ginkgo', 'hazel']);
      // Start times 23:00 through 02:30, wrapping past midnight: cedar 23:00, alder 01:30, elm 01:30,
      // fig 02:30, birch 02:30.
      expect(
        slugs(await searchAllInOnePage(t, { now, time_from: '23:00', time_to: '02:30' })).sort(),
      ).toEqual(['alder', 'birch', 'cedar', 'elm', 'fig']);
    });
  });
});
