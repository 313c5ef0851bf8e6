import { jest } from '@jest/globals';
import { MeetingsRepository, type SearchPlan } from '../../src/meetings/meetings.repository.js';
import { OccurrenceWindowService } from '../../src/meetings/occurrences/occurrence-window.service.js';
import type { TestApp } from '../support/app.js';
import { api, type JsonResponse } from '../support/http.js';
import { coverWindow } from '../support/meetings.js';

/**
 * Shared helpers for the search tests: how to ask, how to page, how to pin the search plan, and
 * an independent model of "next occurrence" (RFC 5545 §3.3.5 via Intl) to check the service by.
 */

/** A `now` no test uses: moving the occurrence window here makes every test `now` "computed". */
export const FAR_AWAY = '2040-06-01T00:00:00Z';

export type Mode = 'materialized' | 'computed';
export const MODES: readonly Mode[] = ['materialized', 'computed'];

export interface MeetingItem {
  slug: string;
  name: string;
  day: number | number[];
  time: string;
  end_time: string;
  timezone: string;
  attendance_option: string;
  nextStart: string | null;
  nextEnd: string | null;
  inProgress: boolean;
  distanceKm: number | null;
  [field: string]: unknown;
}

export interface Page {
  items: MeetingItem[];
  nextCursor: string | null;
}

export interface ErrorBody {
  error: { code: string; message: string; details: { field?: string; message: string }[] };
}

export type Query = Record<string, string | number | boolean>;

/** What two answers must agree on. */
export interface Brief {
  slug: string;
  nextStart: string | null;
  nextEnd: string | null;
  inProgress: boolean;
  distanceKm: number | null;
}

export function brief(item: MeetingItem): Brief {
  return {
    slug: item.slug,
    nextStart: item.nextStart,
    nextEnd: item.nextEnd,
    inProgress: item.inProgress,
    distanceKm: item.distanceKm,
  };
}

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function searchRaw(t: TestApp, query: Query): Promise<JsonResponse<Page & ErrorBody>> {
  return api<Page & ErrorBody>(t, 'GET', `/meetings${queryString(query)}`);
}

/** One page; fails the test with the response body when the status is not 200. */
export async function searchPage(t: TestApp, query: Query): Promise<Page> {
  const res = await searchRaw(t, query);
  if (res.status !== 200) {
    throw new Error(
      `GET /meetings${queryString(query)} → ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  return res.body;
}

/** A search that fits in one page of 100: the whole result list. */
export async function searchAllInOnePage(t: TestApp, query: Query): Promise<MeetingItem[]> {
  const page = await searchPage(t, { limit: 100, ...query });
  if (page.nextCursor !== null)
    throw new Error(`expected one page for ${queryString(query)}, got a nextCursor`);
  return page.items;
}

/** Follows nextCursor to the end; later pages send only the cursor plus the same filters. */
export async function searchAllPages(
  t: TestApp,
  query: Query,
  pageSize: number,
  options: { dropNowAfterFirstPage?: boolean } = {},
): Promise<{ items: MeetingItem[]; pages: number }> {
  const items: MeetingItem[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: Query = { ...query, limit: pageSize };
    if (cursor !== null) {
      q.cursor = cursor;
      if (options.dropNowAfterFirstPage === true) delete q.now;
    }
    const page = await searchPage(t, q);
    if (page.items.length > pageSize) throw new Error(`page longer than limit ${pageSize}`);
    if (page.nextCursor !== null && page.items.length === 0)
      throw new Error('an empty page with a nextCursor');
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
    if (pages > 1000) throw new Error('more than 1000 pages: the cursor does not advance');
  } while (cursor !== null);
  return { items, pages };
}

export function slugs(items: { slug: string }[]): string[] {
  return items.map((i) => i.slug);
}

/**
 * Puts the occurrence window where a mode needs it: covering `now` (materialized plans) or far
 * away (the computed plan), and checks that the service sees it so.
 */
export async function useMode(t: TestApp, mode: Mode, now: string): Promise<void> {
  await coverWindow(t, mode === 'materialized' ? now : FAR_AWAY);
  const covered = await t.app.get(OccurrenceWindowService).covers(new Date(now));
  if (covered !== (mode === 'materialized'))
    throw new Error(`occurrence window: covers(${now}) is ${covered} in mode ${mode}`);
}

/** Records the plan of each search statement that answered (the calls still go through). */
export function watchPlans(t: TestApp): { plans: SearchPlan[]; stop(): void } {
  const repository = t.app.get(MeetingsRepository);
  const run = repository.runSearch.bind(repository);
  const plans: SearchPlan[] = [];
  const spy = jest
    .spyOn(repository, 'runSearch')
    .mockImplementation(async (...args: Parameters<MeetingsRepository['runSearch']>) => {
      const result = await run(...args);
      if (result.answered) plans.push(result.plan);
      return result;
    });
  return {
    get plans(): SearchPlan[] {
      return plans;
    },
    stop: () => spy.mockRestore(),
  };
}

export async function importMeetingGuide(
  t: TestApp,
  token: string,
  source: string,
  rows: Record<string, unknown>[],
): Promise<{ created: number; errors: unknown[] }> {
  const res = await api<{ created: number; errors: unknown[] }>(t, 'POST', '/imports', {
    token,
    body: { format: 'meeting-guide', source, data: rows },
  });
  if (res.status !== 200) throw new Error(`import → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// ---------------------------------------------------------------------------------------------
// Great-circle distance on earthdistance's sphere (earth() = 6 378 168 m).

const EARTH_RADIUS_KM = 6378.168;

export function greatCircleKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = (x: number) => (x * Math.PI) / 180;
  const h =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

// ---------------------------------------------------------------------------------------------
// An independent model of the contract's time rules, built on Intl (not on the service's SQL).

const MINUTE = 60_000;
const DAY_MS = 1440 * MINUTE;
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** UTC offset of `zone` at instant `ms`, in minutes (east positive). */
export function offsetMinutes(zone: string, ms: number): number {
  let f = offsetFormatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / MINUTE);
}

/**
 * Local wall-clock time (as if it were UTC: `Date.UTC(y, m, d, h, min)`) → instant, per RFC 5545
 * §3.3.5: a repeated time is its first occurrence; a skipped one takes the offset before the gap.
 */
export function localToInstant(zone: string, wallMs: number): number {
  const before = offsetMinutes(zone, wallMs - 36 * 3_600_000);
  const after = offsetMinutes(zone, wallMs + 36 * 3_600_000);
  const valid = [...new Set([before, after])]
    .map((offset) => wallMs - offset * MINUTE)
    .filter((instant) => wallMs - offsetMinutes(zone, instant) * MINUTE === instant)
    .sort((a, b) => a - b);
  return valid[0] ?? wallMs - before * MINUTE;
}

export interface ModelMeeting {
  days: number[];
  /** Local start, minutes after midnight. */
  start: number;
  /** Minutes from start to the local end time (default 60). */
  duration: number;
  zone: string;
}

export interface ModelOccurrence {
  nextStart: string;
  nextEnd: string;
  inProgress: boolean;
  /** The local end is not after the local start in real time (start in a gap): no rule for that. */
  endAmbiguous: boolean;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The meeting's next-or-current occurrence at `now`. */
export function modelNextOccurrence(m: ModelMeeting, now: string): ModelOccurrence {
  const nowMs = new Date(now).getTime();
  const localNow = nowMs + offsetMinutes(m.zone, nowMs) * MINUTE;
  const firstDay = Math.floor(localNow / DAY_MS) - 2;
  for (let day = firstDay; day <= firstDay + 11; day++) {
    const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    if (!m.days.includes(weekday)) continue;
    const start = localToInstant(m.zone, day * DAY_MS + m.start * MINUTE);
    const localEnd = localToInstant(m.zone, day * DAY_MS + (m.start + m.duration) * MINUTE);
    const endAmbiguous = localEnd <= start;
    const end = endAmbiguous ? start + m.duration * MINUTE : localEnd;
    if (end > nowMs) {
      return { nextStart: iso(start), nextEnd: iso(end), inProgress: start <= nowMs, endAmbiguous };
    }
  }
  throw new Error('no occurrence within 11 days');
}

export function clock(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
