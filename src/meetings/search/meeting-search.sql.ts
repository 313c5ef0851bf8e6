import type { MeetingSort } from '../dto/search-meetings.dto.js';

/** Positional parameters for one statement: `p.add(x)` returns `$n`. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** What a search asks, already validated and resolved (slugs → ids, "HH:MM" → minutes). */
export interface MeetingCriteria {
  now: Date;
  words: string[];
  fellowshipIds: string[] | undefined;
  days: number[] | undefined;
  startFrom: number | undefined;
  startTo: number | undefined;
  startingWithinMinutes: number | undefined;
  inProgress: boolean | undefined;
  types: string[] | undefined;
  attendance: string[] | undefined;
  point: { lat: number; lng: number } | undefined;
  radiusMeters: number | undefined;
  sort: MeetingSort;
  limit: number;
  after: SortKey | undefined;
}

/** Keyset position: the last row's sort value and id. */
export interface SortKey {
  value: string | number;
  id: string;
}

/** Columns every meeting query returns, in the shape MeetingRow describes. */
export const MEETING_COLUMNS = `
  m.id, m.slug, m.name, m.fellowship_id, m.group_id, g.name AS group_name, g.notes AS group_notes,
  m.days, m.start_minute, m.duration_minutes, m.timezone, m.types, m.attendance_option,
  m.location, m.formatted_address, m.address, m.city, m.state, m.postal_code, m.country,
  m.latitude, m.longitude, m.approximate, m.region, m.sub_region,
  m.conference_url, m.conference_url_notes, m.conference_phone, m.conference_phone_notes,
  m.notes, m.location_notes, m.url, m.source, m.updated_at,
  (SELECT r.id FROM room r WHERE r.meeting_id = m.id) AS room_id`;

export interface MeetingRow {
  id: string;
  slug: string;
  name: string;
  fellowship_id: string;
  group_id: string | null;
  group_name: string | null;
  group_notes: string | null;
  days: number[];
  start_minute: number;
  duration_minutes: number;
  timezone: string;
  types: string[];
  attendance_option: string;
  location: string | null;
  formatted_address: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  approximate: boolean;
  region: string | null;
  sub_region: string | null;
  conference_url: string | null;
  conference_url_notes: string | null;
  conference_phone: string | null;
  conference_phone_notes: string | null;
  notes: string | null;
  location_notes: string | null;
  url: string | null;
  source: string;
  updated_at: Date;
  room_id: string | null;
  next_start: Date | null;
  next_end: Date | null;
  distance_m: number | null;
}

/** Occurrences are looked for in [now − 13 h, now + 8 days): 12 h is the longest meeting. */
export const LOOKBACK_HOURS = 13;
export const LOOKAHEAD_DAYS = 8;

function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Conditions on a meeting's search columns, shared by every plan: on the meeting itself
 * (alias m) or on an occurrence's copy of them (alias o, see the occurrence-search-columns
 * migration).
 */
export function meetingConditions(
  c: MeetingCriteria,
  p: SqlParams,
  alias: 'm' | 'o' = 'm',
): string[] {
  const a = alias;
  const where = [`${a}.attendance_option <> 'inactive'`];
  // lower() on both sides, so that the database's own case rules apply to text and query alike.
  for (const word of c.words)
    where.push(`${a}.search_text LIKE lower(${p.add(likePattern(word))})`);
  if (c.fellowshipIds !== undefined)
    where.push(`${a}.fellowship_id = ANY(${p.add(c.fellowshipIds)}::uuid[])`);
  if (c.days !== undefined) where.push(`${a}.days && ${p.add(c.days)}::smallint[]`);
  if (c.startFrom !== undefined && c.startTo !== undefined) {
    const from = p.add(c.startFrom);
    const to = p.add(c.startTo);
    // A window like 22:00–02:00 wraps past midnight.
    where.push(
      c.startFrom <= c.startTo
        ? `${a}.start_minute BETWEEN ${from} AND ${to}`
        : `(${a}.start_minute >= ${from} OR ${a}.start_minute <= ${to})`,
    );
  } else if (c.startFrom !== undefined) {
    where.push(`${a}.start_minute >= ${p.add(c.startFrom)}`);
  } else if (c.startTo !== undefined) {
    where.push(`${a}.start_minute <= ${p.add(c.startTo)}`);
  }
  if (c.types !== undefined) where.push(`${a}.types @> ${p.add(c.types)}::varchar[]`);
  if (c.attendance !== undefined)
    where.push(`${a}.attendance_option = ANY(${p.add(c.attendance)}::varchar[])`);
  if (c.point !== undefined && c.radiusMeters !== undefined) {
    const origin = `ll_to_earth(${p.add(c.point.lat)}, ${p.add(c.point.lng)})`;
    const radius = p.add(c.radiusMeters);
    // The box is the indexable pre-filter; the exact great-circle distance decides.
    where.push(
      `${a}.earth <@ earth_box(${origin}, ${radius})`,
      `earth_distance(${origin}, ${a}.earth) <= ${radius}`,
    );
  }
  return where;
}

export function hasMeetingFilters(c: MeetingCriteria): boolean {
  return (
    c.words.length > 0 ||
    c.fellowshipIds !== undefined ||
    c.days !== undefined ||
    c.startFrom !== undefined ||
    c.startTo !== undefined ||
    c.types !== undefined ||
    c.attendance !== undefined ||
    c.radiusMeters !== undefined
  );
}

function distanceExpression(c: MeetingCriteria, p: SqlParams): string {
  if (c.point === undefined) return 'NULL::double precision';
  return `earth_distance(ll_to_earth(${p.add(c.point.lat)}, ${p.add(c.point.lng)}), m.earth)`;
}

/** Sort expression over the final row set (aliases next_start, distance_m, m). */
function orderBy(c: MeetingCriteria): { key: string; order: string } {
  switch (c.sort) {
    case 'next_start':
      return { key: 'next_start', order: 'next_start, id' };
    case 'distance':
      return { key: 'sort_distance', order: 'sort_distance, id' };
    case 'name':
      return { key: 'sort_name', order: 'sort_name, id' };
  }
}

function keysetCondition(
  c: MeetingCriteria,
  p: SqlParams,
  columns: { nextStart: string; id: string } = { nextStart: 'next_start', id: 'id' },
): string | undefined {
  if (c.after === undefined) return undefined;
  const id = `${p.add(c.after.id)}::uuid`;
  switch (c.sort) {
    case 'next_start':
      return `(${columns.nextStart}, ${columns.id}) > (${p.add(c.after.value)}::timestamptz, ${id})`;
    case 'distance':
      return `(sort_distance, ${columns.id}) > (${p.add(c.after.value)}::double precision, ${id})`;
    case 'name':
      return `(sort_name, ${columns.id}) > (${p.add(c.after.value)}::text, ${id})`;
  }
}

/**
 * The time conditions on a candidate's next-or-current occurrence (alias n), for plans that
 * compute it per meeting.
 */
function nextOccurrenceConditions(c: MeetingCriteria, now: string, p: SqlParams): string[] {
  const where: string[] = [];
  if (c.startingWithinMinutes !== undefined) {
    where.push(
      `n.starts_at >= ${now}`,
      `n.starts_at <= ${now} + make_interval(mins => ${p.add(c.startingWithinMinutes)}::int)`,
    );
  }
  if (c.inProgress === true) where.push(`n.starts_at <= ${now}`);
  if (c.inProgress === false) where.push(`n.starts_at > ${now}`);
  return where;
}

/**
 * Filter first, then each candidate's next occurrence: right when the filters leave few
 * meetings (text, a radius) or the sort is not by time. `materialized` reads the occurrence
 * table; otherwise occurrences are computed on the fly (for a `now` outside the table's window).
 */
export function filterFirstQuery(
  c: MeetingCriteria,
  materialized: boolean,
  p: SqlParams = new SqlParams(),
): { sql: string; params: unknown[] } {
  const now = `${p.add(c.now)}::timestamptz`;
  const occurrence = materialized
    ? `SELECT o.starts_at, o.ends_at FROM meeting_occurrence o
       WHERE o.meeting_id = m.id AND o.ends_at > ${now} ORDER BY o.starts_at LIMIT 1`
    : `SELECT o.starts_at, o.ends_at
       FROM mh_occurrences(m.days, m.start_minute, m.duration_minutes, m.timezone,
                           ${now} - interval '${LOOKBACK_HOURS} hours', ${now} + interval '${LOOKAHEAD_DAYS} days') o
       WHERE o.ends_at > ${now} ORDER BY o.starts_at LIMIT 1`;
  const where = [...meetingConditions(c, p), ...nextOccurrenceConditions(c, now, p)];
  const distance = distanceExpression(c, p);
  const inner = `
    SELECT ${MEETING_COLUMNS}, n.starts_at AS next_start, n.ends_at AS next_end,
           ${distance} AS distance_m, coalesce(${distance}, 'Infinity'::float8) AS sort_distance,
           lower(m.name) AS sort_name
    FROM meeting m
    JOIN LATERAL (${occurrence}) n ON true
    LEFT JOIN meeting_group g ON g.id = m.group_id
    WHERE ${where.join(' AND ')}`;
  return { sql: finish(c, inner, p), params: p.values };
}

/**
 * Occurrences first, in time order: right for "starting within" and "in progress", and for a
 * broad search sorted by next start, where the first page is found after a few hundred rows.
 * A meeting appears once, at its next-or-current occurrence: an occurrence is skipped when the
 * same meeting has an earlier one that has not ended.
 *
 * With `walkBudget`, the walk of upcoming occurrences stops after that many rows, matching or
 * not: a page that is not full then says nothing about what lies beyond, and the caller asks
 * the filter-first plan instead (see MeetingsService). A full page is exact: the walk is in
 * (start, meeting) order, the order of the page.
 */
export function occurrenceFirstQuery(
  c: MeetingCriteria,
  walkBudget?: number,
  p: SqlParams = new SqlParams(),
): { sql: string; params: unknown[] } {
  const now = `${p.add(c.now)}::timestamptz`;
  // Filters read the occurrence's copy of its meeting's search columns, so a row that does not
  // match is dropped where it lies; only the rows of the answer look up their meeting.
  const filters = meetingConditions(c, p, 'o');
  const distance = distanceExpression(c, p);
  // A fenced LATERAL: the planner keeps the lookup per returned row instead of joining the
  // whole meeting table to a window of occurrences.
  const select = (occurrences: string): string => `
    SELECT ${MEETING_COLUMNS}, o.starts_at AS next_start, o.ends_at AS next_end,
           ${distance} AS distance_m, coalesce(${distance}, 'Infinity'::float8) AS sort_distance,
           lower(m.name) AS sort_name
    FROM ${occurrences} o
    CROSS JOIN LATERAL (SELECT * FROM meeting m WHERE m.id = o.meeting_id OFFSET 0) m
    LEFT JOIN meeting_group g ON g.id = m.group_id`;
  const byTime = c.sort === 'next_start';
  const keyset = byTime ? byTimeKeyset(c, p) : undefined;
  const pageLimit = byTime ? `ORDER BY o.starts_at, o.meeting_id LIMIT ${p.add(c.limit + 1)}` : '';
  const parts: string[] = [];
  // With starting_within, what is already on counts only when it starts this very instant.
  const wantInProgress =
    c.inProgress === true || (c.inProgress === undefined && c.startingWithinMinutes === undefined);
  if (wantInProgress) {
    // What is on right now, found through the span index first (OFFSET 0 keeps the planner from
    // trading that index for a long walk down the start-time index).
    const where = [`tstzrange(o.starts_at, o.ends_at) @> ${now}`, ...filters];
    if (c.startingWithinMinutes !== undefined) where.push(`o.starts_at >= ${now}`);
    if (keyset !== undefined) where.push(keyset);
    const live = `(SELECT * FROM meeting_occurrence o WHERE ${where.join(' AND ')} OFFSET 0)`;
    parts.push(`(${select(live)} ${pageLimit})`);
  }
  if (c.inProgress !== true) {
    const window = [
      c.startingWithinMinutes !== undefined
        ? `o.starts_at >= ${now} AND o.starts_at <= ${now} + make_interval(mins => ${p.add(c.startingWithinMinutes)}::int)`
        : `o.starts_at > ${now} AND o.starts_at < ${now} + interval '${LOOKAHEAD_DAYS} days'`,
    ];
    // The cursor's position is a seek in the (start, meeting) index, not rows walked and dropped.
    if (keyset !== undefined) window.push(keyset);
    let upcoming: string;
    if (byTime && walkBudget !== undefined) {
      const walk = `SELECT * FROM meeting_occurrence o WHERE ${window.join(' AND ')}
                    ORDER BY o.starts_at, o.meeting_id LIMIT ${p.add(walkBudget)}`;
      upcoming = `(SELECT * FROM (${walk}) o WHERE ${filters.join(' AND ')})`;
    } else {
      // Sorted by time: walk occurrences in start order and stop at a full page. The fence
      // keeps the planner from first gathering every match of a filter it misjudged as rare.
      const where = [...window, ...filters].join(' AND ');
      upcoming = byTime
        ? `(SELECT * FROM meeting_occurrence o WHERE ${where} ORDER BY o.starts_at, o.meeting_id OFFSET 0)`
        : `(SELECT * FROM meeting_occurrence o WHERE ${where})`;
    }
    // Asked only of rows that match: whether this meeting is already on, or on earlier.
    const first = `NOT EXISTS (SELECT 1 FROM meeting_occurrence e
                   WHERE e.meeting_id = o.meeting_id AND e.ends_at > ${now} AND e.starts_at < o.starts_at)`;
    parts.push(`(${select(upcoming)} WHERE ${first} ${pageLimit})`);
  }
  if (byTime) {
    // Each part is already cut to one page in time order, so this sort sees at most two pages.
    return {
      sql: `SELECT * FROM (${parts.join(' UNION ALL ')}) u ORDER BY next_start, id LIMIT ${p.add(c.limit + 1)}`,
      params: p.values,
    };
  }
  return { sql: finish(c, parts.join(' UNION ALL '), p), params: p.values };
}

/** Inside the time-ordered parts the keyset compares the occurrence itself. */
function byTimeKeyset(c: MeetingCriteria, p: SqlParams): string | undefined {
  if (c.sort !== 'next_start') return undefined;
  return keysetCondition(c, p, { nextStart: 'o.starts_at', id: 'o.meeting_id' });
}

/**
 * Whether the occurrence table answers for `now` (an SQL timestamptz expression): it must hold
 * every occurrence that can still be on at `now` and all those of the days ahead searched.
 */
export function windowCoversSql(now: string): string {
  return `coalesce((SELECT covers_from <= ${now} - interval '${LOOKBACK_HOURS} hours'
                           AND ${now} + interval '${LOOKAHEAD_DAYS} days' <= covers_to
                    FROM occurrence_window WHERE id = 1), false)`;
}

/**
 * A materialized plan's statement, answering only when the occurrence table covers `now`. The
 * check and the rows are one statement, hence one snapshot: another instance may move the
 * window at any time, and the two cannot disagree; and a search costs one round trip instead of
 * a transaction's five. There is always a first row: `answered` false means the table did not
 * cover `now` (ask the computed plan); a search with no results has its columns all NULL there.
 */
export function windowCheckedQuery(
  c: MeetingCriteria,
  materialized: (p: SqlParams) => { sql: string },
): { sql: string; params: unknown[] } {
  return answeringWhen((p) => windowCoversSql(`${p.add(c.now)}::timestamptz`), c, materialized);
}

/** The computed plan in the same shape, first row included (it always answers). */
export function computedQuery(c: MeetingCriteria): { sql: string; params: unknown[] } {
  return answeringWhen('true', c, (p) => filterFirstQuery(c, false, p));
}

function answeringWhen(
  condition: string | ((p: SqlParams) => string),
  c: MeetingCriteria,
  rows: (p: SqlParams) => { sql: string },
): { sql: string; params: unknown[] } {
  const p = new SqlParams();
  const answered = typeof condition === 'string' ? condition : condition(p);
  const { order } = orderBy(c);
  return {
    sql: `SELECT w.answered, r.*
          FROM (SELECT ${answered} AS answered) w
          LEFT JOIN LATERAL (SELECT * FROM (${rows(p).sql}) a WHERE w.answered) r ON true
          ORDER BY ${order.replace(/(\w+)/g, 'r.$1')}`,
    params: p.values,
  };
}

function finish(c: MeetingCriteria, inner: string, p: SqlParams): string {
  const { order } = orderBy(c);
  const keyset = keysetCondition(c, p);
  return `SELECT * FROM (${inner}) r ${keyset === undefined ? '' : `WHERE ${keyset}`}
          ORDER BY ${order} LIMIT ${p.add(c.limit + 1)}`;
}

export function sortKeyOf(c: MeetingCriteria, row: MeetingRow & { sort_name?: string }): SortKey {
  switch (c.sort) {
    case 'next_start':
      return { value: (row.next_start ?? new Date(0)).toISOString(), id: row.id };
    case 'distance':
      // Meetings without coordinates sort after every other (their key is infinity).
      return { value: row.distance_m ?? 'Infinity', id: row.id };
    case 'name':
      return { value: row.sort_name ?? row.name.toLowerCase(), id: row.id };
  }
}
