import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import type { NormalizedMeeting } from './meeting-record.js';
import {
  filterFirstQuery,
  LOOKAHEAD_DAYS,
  LOOKBACK_HOURS,
  MEETING_COLUMNS,
  computedQuery,
  occurrenceFirstQuery,
  SqlParams,
  windowCheckedQuery,
  type MeetingCriteria,
  type MeetingRow,
} from './search/meeting-search.sql.js';

/**
 * How a search finds its rows. In the occurrence table: `walk-then-filter` walks occurrences in
 * time order, at most OCCURRENCE_WALK_BUDGET of them, then asks `filter-first` when that did
 * not fill the page. When the table does not cover the search's `now`, they do not answer and
 * `computed` (occurrences computed on the fly) does.
 */
export type SearchPlan = 'occurrence-first' | 'walk-then-filter' | 'filter-first' | 'computed';

export const OCCURRENCE_WALK_BUDGET = 2000;
type Queryable = Pick<EntityManager, 'query'>;
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

export interface SearchStatement extends SqlStatement {
  plan: SearchPlan;
}

/** A search statement's rows (in order), unless the occurrence table did not cover `now`. */
export interface SearchResult {
  rows: MeetingRow[];
  plan: SearchPlan;
  answered: boolean;
}

/** Columns a meeting write sets, in table order, from a normalized meeting. */
function meetingValues(
  m: NormalizedMeeting,
  fellowshipId: string,
  groupId: string | null,
): unknown[] {
  return [
    m.name,
    fellowshipId,
    groupId,
    m.days,
    m.startMinute,
    m.durationMinutes,
    m.timezone,
    m.types,
    m.attendanceOption,
    m.location,
    m.formattedAddress,
    m.address,
    m.city,
    m.state,
    m.postalCode,
    m.country,
    m.latitude,
    m.longitude,
    m.approximate,
    m.region,
    m.subRegion,
    m.conferenceUrl,
    m.conferenceUrlNotes,
    m.conferencePhone,
    m.conferencePhoneNotes,
    m.notes,
    m.locationNotes,
    m.url,
  ];
}
const WRITE_COLUMNS = [
  'name',
  'fellowship_id',
  'group_id',
  'days',
  'start_minute',
  'duration_minutes',
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
  'latitude',
  'longitude',
  'approximate',
  'region',
  'sub_region',
  'conference_url',
  'conference_url_notes',
  'conference_phone',
  'conference_phone_notes',
  'notes',
  'location_notes',
  'url',
];

export interface StoredMeeting {
  id: string;
  slug: string;
  source: string;
  sourceSlug: string | null;
  groupId: string | null;
  fellowshipId: string;
}

export type CheckedRow = { answered: boolean } & {
  [K in keyof MeetingRow]: MeetingRow[K] | null;
};

/** The rows of a search statement: its first row always says whether it answered. */
export function searchResultOf(statement: SearchStatement, rows: CheckedRow[]): SearchResult {
  return {
    // An empty answer is one row of NULLs (the statement's LEFT JOIN).
    rows: rows.filter((row) => row.id !== null) as unknown as MeetingRow[],
    plan: statement.plan,
    answered: rows[0]?.answered ?? false,
  };
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = err.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === constraint;
}

/** The directory's SQL. Named after what each query answers; nothing else touches these tables. */
@Injectable()
export class MeetingsRepository {
  /** OCCURRENCE_WALK_BUDGET; a test shortens it to see walks cut short give the same answers. */
  walkBudget = OCCURRENCE_WALK_BUDGET;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The statement a search runs (also what the benchmark times as its raw-SQL baseline). */
  searchStatement(criteria: MeetingCriteria, plan: SearchPlan): SearchStatement {
    const checked = (materialized: (p: SqlParams) => SqlStatement): SearchStatement => ({
      ...windowCheckedQuery(criteria, materialized),
      plan,
    });
    switch (plan) {
      case 'occurrence-first':
        return checked((p) => occurrenceFirstQuery(criteria, undefined, p));
      case 'walk-then-filter':
        return checked((p) => occurrenceFirstQuery(criteria, this.walkBudget, p));
      case 'filter-first':
        return checked((p) => filterFirstQuery(criteria, true, p));
      case 'computed':
        return { ...computedQuery(criteria), plan };
    }
  }

  async runSearch(
    statement: SearchStatement,
    q: Queryable = this.dataSource,
  ): Promise<SearchResult> {
    return searchResultOf(statement, await q.query<CheckedRow[]>(statement.sql, statement.params));
  }

  /** Reads that must agree with each other (window, rows, a fallback's rows) share one snapshot. */
  consistently<T>(work: (q: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', work);
  }

  /** One meeting (inactive ones too) with its next-or-current occurrence at `now`. */
  async findBySlugAt(
    slug: string,
    now: Date,
    materialized: boolean,
    q: Queryable = this.dataSource,
  ): Promise<MeetingRow | undefined> {
    const occurrence = materialized
      ? `SELECT o.starts_at, o.ends_at FROM meeting_occurrence o
         WHERE o.meeting_id = m.id AND o.ends_at > $2 ORDER BY o.starts_at LIMIT 1`
      : `SELECT o.starts_at, o.ends_at
         FROM mh_occurrences(m.days, m.start_minute, m.duration_minutes, m.timezone,
                             $2::timestamptz - interval '${LOOKBACK_HOURS} hours', $2::timestamptz + interval '${LOOKAHEAD_DAYS} days') o
         WHERE o.ends_at > $2 AND m.attendance_option <> 'inactive' ORDER BY o.starts_at LIMIT 1`;
    const rows = await q.query<MeetingRow[]>(
      `SELECT ${MEETING_COLUMNS}, n.starts_at AS next_start, n.ends_at AS next_end, NULL::double precision AS distance_m
       FROM meeting m
       LEFT JOIN LATERAL (${occurrence}) n ON true
       LEFT JOIN meeting_group g ON g.id = m.group_id
       WHERE m.slug = $1`,
      [slug, now],
    );
    return rows[0];
  }

  async findStoredBySlug(slug: string): Promise<StoredMeeting | undefined> {
    const rows = await this.dataSource.query<StoredMeeting[]>(
      `SELECT id, slug, source, source_slug AS "sourceSlug", group_id AS "groupId", fellowship_id AS "fellowshipId"
       FROM meeting WHERE slug = $1`,
      [slug],
    );
    return rows[0];
  }

  /** Meetings of one import source, keyed by their slug there. */
  async findStoredBySource(source: string, tx?: EntityManager): Promise<Map<string, MeetingRow>> {
    const rows = await (tx ?? this.dataSource).query<(MeetingRow & { source_slug: string })[]>(
      `SELECT ${MEETING_COLUMNS}, m.source_slug, NULL::timestamptz AS next_start, NULL::timestamptz AS next_end,
              NULL::double precision AS distance_m
       FROM meeting m LEFT JOIN meeting_group g ON g.id = m.group_id
       WHERE m.source = $1 AND m.source_slug IS NOT NULL`,
      [source],
    );
    return new Map(rows.map((r) => [r.source_slug, r]));
  }

  /** Active meetings after `afterId`, in id order: the feed export reads the directory in pages. */
  async findActivePage(afterId: string | null, limit: number): Promise<MeetingRow[]> {
    return this.dataSource.query<MeetingRow[]>(
      `SELECT ${MEETING_COLUMNS}, NULL::timestamptz AS next_start, NULL::timestamptz AS next_end,
              NULL::double precision AS distance_m
       FROM meeting m LEFT JOIN meeting_group g ON g.id = m.group_id
       WHERE m.attendance_option <> 'inactive' AND ($1::uuid IS NULL OR m.id > $1::uuid)
       ORDER BY m.id LIMIT $2`,
      [afterId, limit],
    );
  }

  /** Whether the facilitator is assigned to this meeting or to its group. */
  async isAssigned(accountId: string, meeting: StoredMeeting): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM facilitator_assignment
       WHERE account_id = $1 AND (meeting_id = $2 OR (group_id IS NOT NULL AND group_id = $3)) LIMIT 1`,
      [accountId, meeting.id, meeting.groupId],
    );
    return rows.length > 0;
  }

  /** The id of the group of that name the facilitator is assigned to, if any. */
  async assignedGroupId(
    accountId: string,
    fellowshipId: string,
    name: string,
  ): Promise<string | undefined> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT g.id FROM facilitator_assignment a JOIN meeting_group g ON g.id = a.group_id
       WHERE a.account_id = $1 AND g.fellowship_id = $2 AND g.name = $3 ORDER BY g.created_at LIMIT 1`,
      [accountId, fellowshipId, name],
    );
    return rows[0]?.id;
  }

  async setGroupNotes(tx: EntityManager, groupId: string, notes: string | null): Promise<void> {
    await tx.query(
      `UPDATE meeting_group SET notes = $2, updated_at = now() WHERE id = $1 AND notes IS DISTINCT FROM $2`,
      [groupId, notes],
    );
  }

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * The group of that name in that source and fellowship, created when new. Its notes are
   * replaced when `replaceNotes`, else only filled in: imports where one row of a group carries
   * the group's notes and the others do not must not erase them.
   */
  async upsertGroup(
    tx: EntityManager,
    source: string,
    fellowshipId: string,
    name: string,
    notes: string | null,
    replaceNotes = false,
  ): Promise<string> {
    const rows = await tx.query<{ id: string }[]>(
      `INSERT INTO meeting_group (source, fellowship_id, name, notes) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source, fellowship_id, name) DO UPDATE
         SET notes = CASE WHEN $5 THEN EXCLUDED.notes ELSE COALESCE(EXCLUDED.notes, meeting_group.notes) END,
             updated_at = CASE WHEN (CASE WHEN $5 THEN EXCLUDED.notes ELSE COALESCE(EXCLUDED.notes, meeting_group.notes) END)
                                    IS DISTINCT FROM meeting_group.notes
                               THEN now() ELSE meeting_group.updated_at END
       RETURNING id`,
      [source, fellowshipId, name, notes, replaceNotes],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('group upsert returned nothing');
    return id;
  }

  /** `base`, or `base-2`, `base-3`…: the first slug not taken. */
  async freeSlug(tx: EntityManager, wanted: string): Promise<string> {
    const base = wanted === '' ? 'meeting' : wanted.slice(0, 90);
    // Two writers choosing for the same name at once would both see the same free slug: the
    // lock (held to the end of the transaction) makes the second wait and see the first's.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('meeting-slug:' || $1))`, [base]);
    const rows = await tx.query<{ slug: string }[]>(
      `SELECT slug FROM meeting WHERE slug = $1 OR slug LIKE $2`,
      [base, `${base}-%`],
    );
    const taken = new Set(rows.map((r) => r.slug));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) {
      const candidate = `${base}-${n}`;
      if (!taken.has(candidate)) return candidate;
    }
  }

  async insertMeeting(
    tx: EntityManager,
    meeting: NormalizedMeeting,
    refs: {
      fellowshipId: string;
      groupId: string | null;
      slug: string;
      source: string;
      sourceSlug: string | null;
    },
  ): Promise<string> {
    const values = meetingValues(meeting, refs.fellowshipId, refs.groupId);
    const columns = [...WRITE_COLUMNS, 'slug', 'source', 'source_slug'];
    const placeholders = columns.map((_c, i) => `$${i + 1}`);
    try {
      const rows = await tx.query<{ id: string }[]>(
        `INSERT INTO meeting (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING id`,
        [...values, refs.slug, refs.source, refs.sourceSlug],
      );
      const id = rows[0]?.id;
      if (id === undefined) throw new Error('insert returned nothing');
      return id;
    } catch (err) {
      if (isUniqueViolation(err, 'meeting_slug_unique')) {
        throw new DomainError('CONFLICT', `The slug "${refs.slug}" is taken`, [
          { field: 'slug', message: 'choose another slug, or leave it out to have one generated' },
        ]);
      }
      throw err;
    }
  }

  async updateMeeting(
    tx: EntityManager,
    id: string,
    meeting: NormalizedMeeting,
    refs: { fellowshipId: string; groupId: string | null; slug: string },
  ): Promise<void> {
    const values = meetingValues(meeting, refs.fellowshipId, refs.groupId);
    const assignments = WRITE_COLUMNS.map((c, i) => `${c} = $${i + 1}`);
    try {
      await tx.query(
        `UPDATE meeting SET ${assignments.join(', ')}, slug = $${values.length + 1}, updated_at = now()
         WHERE id = $${values.length + 2}`,
        [...values, refs.slug, id],
      );
    } catch (err) {
      if (isUniqueViolation(err, 'meeting_slug_unique')) {
        throw new DomainError('CONFLICT', `The slug "${refs.slug}" is taken`, [
          { field: 'slug', message: 'choose another slug' },
        ]);
      }
      throw err;
    }
  }

  async deleteMeeting(tx: EntityManager, id: string): Promise<void> {
    await tx.query('DELETE FROM meeting WHERE id = $1', [id]);
  }

  /** Removes a source's meetings whose slugs there are not in `keep`; returns how many. */
  async deleteSourceMeetingsExcept(
    tx: EntityManager,
    source: string,
    keep: string[],
  ): Promise<number> {
    // Counted in SQL: TypeORM returns [rows, count] pairs for a bare DELETE … RETURNING.
    const rows = await tx.query<{ n: number }[]>(
      `WITH gone AS (
         DELETE FROM meeting
         WHERE source = $1 AND source_slug IS NOT NULL AND NOT (source_slug = ANY($2::varchar[]))
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [source, keep],
    );
    return rows[0]?.n ?? 0;
  }
}
