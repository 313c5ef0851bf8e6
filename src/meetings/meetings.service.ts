import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import type { Account } from '../facilitators/account.entity.js';
import { findType, MEETING_TYPES, type MeetingTypeInfo } from './catalog/meeting-types.js';
import type { MeetingPageDto, MeetingResponseDto } from './dto/meeting-response.dto.js';
import type { CreateMeetingDto, UpdateMeetingDto } from './dto/meeting-write.dto.js';
import type { SearchMeetingsDto } from './dto/search-meetings.dto.js';
import { FellowshipsService, type FellowshipInfo } from './fellowships.service.js';
import { toMeetingResponse } from './meeting.mapper.js';
import {
  formatClockTime,
  normalizeMeeting,
  parseClockTime,
  slugify,
  type MeetingRecord,
  type NormalizedMeeting,
} from './meeting-record.js';
import {
  MeetingsRepository,
  type SearchPlan,
  type SearchResult,
  type SearchStatement,
  type StoredMeeting,
} from './meetings.repository.js';
import { OccurrenceWindowService } from './occurrences/occurrence-window.service.js';
import {
  hasMeetingFilters,
  sortKeyOf,
  type MeetingCriteria,
  type MeetingRow,
} from './search/meeting-search.sql.js';
import { decodeCursor, encodeCursor } from './search/search-cursor.js';

export const MANUAL_SOURCE = 'manual';

export interface PreparedSearch {
  criteria: MeetingCriteria;
  plan: SearchPlan;
  statement: SearchStatement;
  /** Asked when `statement` returns no more than `criteria.limit` rows: then its rows are the answer. */
  fallback: SearchStatement | undefined;
  /** Asked when the occurrence table did not cover `now`. */
  computed: SearchStatement;
}

/**
 * Runs a prepared search's statements, each with `run`, until one answers: the chosen plan; its
 * fallback when it was a walk cut short that did not fill the page (the fallback's answer
 * replaces it entirely, so the two need not share a snapshot); the computed plan when the
 * occurrence table did not cover `now`.
 */
export async function resolveSearch(
  prepared: PreparedSearch,
  run: (statement: SearchStatement) => Promise<SearchResult>,
): Promise<SearchResult> {
  const first = await run(prepared.statement);
  if (first.answered) {
    const full = first.rows.length > prepared.criteria.limit;
    if (prepared.fallback === undefined || full) return first;
    const second = await run(prepared.fallback);
    if (second.answered) return second;
  }
  return run(prepared.computed);
}

export function rowToRecord(row: MeetingRow, fellowship: string): MeetingRecord {
  return {
    slug: row.slug,
    name: row.name,
    fellowship,
    day: row.days,
    time: formatClockTime(row.start_minute),
    end_time: formatClockTime(row.start_minute + row.duration_minutes),
    timezone: row.timezone,
    types: row.types,
    attendance_option: row.attendance_option,
    location: row.location,
    formatted_address: row.formatted_address,
    address: row.address,
    city: row.city,
    state: row.state,
    postal_code: row.postal_code,
    country: row.country,
    latitude: row.latitude,
    longitude: row.longitude,
    approximate: row.approximate,
    region: row.region,
    sub_region: row.sub_region,
    conference_url: row.conference_url,
    conference_url_notes: row.conference_url_notes,
    conference_phone: row.conference_phone,
    conference_phone_notes: row.conference_phone_notes,
    notes: row.notes,
    location_notes: row.location_notes,
    group: row.group_name,
    group_notes: row.group_notes,
    url: row.url,
  };
}

@Injectable()
export class MeetingsService {
  constructor(
    private readonly meetings: MeetingsRepository,
    private readonly fellowships: FellowshipsService,
    private readonly window: OccurrenceWindowService,
  ) {}

  listTypes(): readonly MeetingTypeInfo[] {
    return MEETING_TYPES;
  }

  listFellowships(): Promise<FellowshipInfo[]> {
    return this.fellowships.all();
  }

  /** Resolves a search to the statement that answers it (and its fallback, if any). */
  async prepareSearch(dto: SearchMeetingsDto, limit?: number): Promise<PreparedSearch> {
    const sort = dto.sort ?? 'next_start';
    const cursor = dto.cursor === undefined ? undefined : decodeCursor(dto.cursor, sort);
    const criteria = await this.criteriaOf(dto, sort, cursor);
    if (limit !== undefined) criteria.limit = limit;
    const plan = planFor(criteria);
    return {
      criteria,
      plan,
      statement: this.meetings.searchStatement(criteria, plan),
      fallback:
        plan === 'walk-then-filter'
          ? this.meetings.searchStatement(criteria, 'filter-first')
          : undefined,
      computed: this.meetings.searchStatement(criteria, 'computed'),
    };
  }

  private async rowsOf(prepared: PreparedSearch): Promise<MeetingRow[]> {
    return (await resolveSearch(prepared, (statement) => this.meetings.runSearch(statement))).rows;
  }

  async search(dto: SearchMeetingsDto): Promise<MeetingPageDto> {
    const prepared = await this.prepareSearch(dto);
    const { criteria } = prepared;
    const rows = await this.rowsOf(prepared);
    const page = rows.slice(0, criteria.limit);
    const last = page.at(-1);
    return {
      items: await this.toResponses(page, criteria.now),
      nextCursor:
        rows.length > criteria.limit && last !== undefined
          ? encodeCursor({
              now: criteria.now,
              sort: criteria.sort,
              after: sortKeyOf(criteria, last),
            })
          : null,
    };
  }

  /** The first `limit` rows of a search, for the calendar export. */
  async searchRows(
    dto: SearchMeetingsDto,
    limit: number,
  ): Promise<{ rows: MeetingRow[]; now: Date }> {
    const prepared = await this.prepareSearch({ ...dto, cursor: undefined }, limit);
    return { rows: (await this.rowsOf(prepared)).slice(0, limit), now: prepared.criteria.now };
  }

  async get(slug: string, nowText: string | undefined): Promise<MeetingResponseDto> {
    const now = nowText === undefined ? new Date() : new Date(nowText);
    const row = await this.findRow(slug, now);
    return (await this.toResponses([row], now))[0] as MeetingResponseDto;
  }

  async findRow(slug: string, now: Date): Promise<MeetingRow> {
    const row = await this.meetings.consistently(async (q) =>
      this.meetings.findBySlugAt(slug, now, await this.window.covers(now, q), q),
    );
    if (row === undefined) throw new DomainError('NOT_FOUND', `No meeting with slug "${slug}"`);
    return row;
  }

  async create(dto: CreateMeetingDto, account: Account): Promise<MeetingResponseDto> {
    const meeting = await this.normalize(dto);
    const fellowship = await this.fellowship(meeting.fellowship);
    const slug = await this.meetings.transaction(async (tx) => {
      const groupId = await this.groupFor(tx, account, meeting, fellowship.id, {
        source: MANUAL_SOURCE,
        replaceNotes: dto.group_notes !== undefined,
      });
      const chosen = meeting.slug ?? (await this.meetings.freeSlug(tx, slugify(meeting.name)));
      await this.meetings.insertMeeting(tx, meeting, {
        fellowshipId: fellowship.id,
        groupId,
        slug: chosen,
        source: MANUAL_SOURCE,
        sourceSlug: null,
      });
      return chosen;
    });
    return this.get(slug, undefined);
  }

  async update(slug: string, dto: UpdateMeetingDto, account: Account): Promise<MeetingResponseDto> {
    const stored = await this.manageable(slug, account);
    const current = await this.findRow(slug, new Date());
    const currentFellowship = await this.fellowships.byId(current.fellowship_id);
    const merged: MeetingRecord = {
      ...rowToRecord(current, currentFellowship?.slug ?? ''),
      ...(dto as MeetingRecord),
    };
    // A new start time keeps the old local end time unless a new one is given.
    if (dto.time !== undefined && dto.end_time === undefined) {
      merged.end_time = formatClockTime(current.start_minute + current.duration_minutes);
    }
    if (dto.end_time === null) merged.end_time = undefined;
    // Changing how people attend (an address, a link) re-derives the attendance option unless
    // the request sets it.
    const attendanceInputs = [
      'conference_url',
      'conference_phone',
      'address',
      'formatted_address',
      'approximate',
      'types',
    ] as const;
    if (dto.attendance_option === undefined && attendanceInputs.some((f) => dto[f] !== undefined)) {
      merged.attendance_option = undefined;
    }
    const meeting = await this.normalize(merged);
    const fellowship = await this.fellowship(meeting.fellowship);
    if (account.role !== 'admin' && fellowship.id !== current.fellowship_id) {
      throw new DomainError('FORBIDDEN', 'Only admins may move a meeting to another fellowship');
    }
    const newSlug = meeting.slug ?? stored.slug;
    await this.meetings.transaction(async (tx) => {
      const groupId = await this.groupFor(tx, account, meeting, fellowship.id, {
        source: stored.source,
        replaceNotes: dto.group_notes !== undefined,
        current: {
          id: current.group_id,
          name: current.group_name,
          fellowshipId: current.fellowship_id,
        },
      });
      await this.meetings.updateMeeting(tx, stored.id, meeting, {
        fellowshipId: fellowship.id,
        groupId,
        slug: newSlug,
      });
    });
    return this.get(newSlug, undefined);
  }

  /**
   * The group a write puts the meeting in. Facilitators may only use a group they are assigned
   * to (whatever its source) or keep the one the meeting has; admins may name any group, which
   * is created in `source` when new.
   */
  private async groupFor(
    tx: EntityManager,
    account: Account,
    meeting: NormalizedMeeting,
    fellowshipId: string,
    options: {
      source: string;
      replaceNotes: boolean;
      current?: { id: string | null; name: string | null; fellowshipId: string };
    },
  ): Promise<string | null> {
    const { current } = options;
    const unchanged =
      current !== undefined &&
      current.name === meeting.group &&
      current.fellowshipId === fellowshipId;
    if (meeting.group === null) {
      if (account.role !== 'admin' && !unchanged) {
        throw new DomainError(
          'FORBIDDEN',
          'Facilitators keep meetings in a group they are assigned to',
        );
      }
      return null;
    }
    let groupId: string | undefined;
    if (unchanged && current.id !== null) groupId = current.id;
    else if (account.role !== 'admin') {
      groupId = await this.meetings.assignedGroupId(account.id, fellowshipId, meeting.group);
      if (groupId === undefined) {
        throw new DomainError(
          'FORBIDDEN',
          'Facilitators may put meetings only in a group they are assigned to',
        );
      }
    }
    if (groupId !== undefined) {
      if (options.replaceNotes || meeting.groupNotes !== null)
        await this.meetings.setGroupNotes(tx, groupId, meeting.groupNotes);
      return groupId;
    }
    return this.meetings.upsertGroup(
      tx,
      options.source,
      fellowshipId,
      meeting.group,
      meeting.groupNotes,
      options.replaceNotes,
    );
  }

  async remove(slug: string, account: Account): Promise<void> {
    const stored = await this.manageable(slug, account);
    await this.meetings.transaction((tx) => this.meetings.deleteMeeting(tx, stored.id));
  }

  async toResponses(rows: MeetingRow[], now: Date): Promise<MeetingResponseDto[]> {
    const fellowships = await this.fellowships.all();
    const slugOf = new Map(fellowships.map((f) => [f.id, f.slug]));
    return rows.map((row) => toMeetingResponse(row, slugOf.get(row.fellowship_id) ?? '', now));
  }

  private async manageable(slug: string, account: Account): Promise<StoredMeeting> {
    const stored = await this.meetings.findStoredBySlug(slug);
    if (stored === undefined) throw new DomainError('NOT_FOUND', `No meeting with slug "${slug}"`);
    if (account.role !== 'admin' && !(await this.meetings.isAssigned(account.id, stored))) {
      throw new DomainError('FORBIDDEN', 'You are not assigned to this meeting or its group');
    }
    return stored;
  }

  private async normalize(record: MeetingRecord): Promise<NormalizedMeeting> {
    const result = normalizeMeeting(record, { fellowships: await this.fellowships.slugs() });
    if (!result.ok) {
      throw new DomainError(
        'VALIDATION_FAILED',
        result.errors
          .map((e) => e.message)
          .slice(0, 3)
          .join('; '),
        result.errors,
      );
    }
    return result.meeting;
  }

  private async fellowship(slug: string): Promise<FellowshipInfo> {
    const fellowship = await this.fellowships.bySlug(slug);
    if (fellowship === undefined)
      throw new DomainError('VALIDATION_FAILED', `Unknown fellowship "${slug}"`);
    return fellowship;
  }

  private async criteriaOf(
    dto: SearchMeetingsDto,
    sort: MeetingCriteria['sort'],
    cursor: ReturnType<typeof decodeCursor> | undefined,
  ): Promise<MeetingCriteria> {
    const fail = (field: string, message: string): never => {
      throw new DomainError('VALIDATION_FAILED', message, [{ field, message }]);
    };
    if ((dto.lat === undefined) !== (dto.lng === undefined))
      fail(dto.lat === undefined ? 'lat' : 'lng', 'lat and lng go together');
    if (dto.radius_km !== undefined && dto.lat === undefined)
      fail('radius_km', 'radius_km needs lat and lng');
    if (sort === 'distance' && dto.lat === undefined)
      fail('sort', 'sort=distance needs lat and lng');

    let fellowshipIds: string[] | undefined;
    const all = await this.fellowships.all();
    if (dto.fellowship !== undefined) {
      const unknown = dto.fellowship.filter((slug) => !all.some((f) => f.slug === slug));
      if (unknown.length > 0)
        fail(
          'fellowship',
          `unknown fellowship: ${unknown.join(', ')} (see GET /api/v1/fellowships)`,
        );
      fellowshipIds = all.filter((f) => dto.fellowship?.includes(f.slug)).map((f) => f.id);
    }
    if (dto.program !== undefined) {
      const inProgram = all.filter((f) => f.program === dto.program).map((f) => f.id);
      fellowshipIds =
        fellowshipIds === undefined
          ? inProgram
          : fellowshipIds.filter((id) => inProgram.includes(id));
    }
    if (dto.types !== undefined) {
      const unknown = dto.types.filter(
        (code) => !all.some((f) => findType(code, f.slug) !== undefined),
      );
      if (unknown.length > 0)
        fail('types', `unknown type code: ${unknown.join(', ')} (see GET /api/v1/types)`);
    }
    const words = (dto.q ?? '')
      .split(/\s+/)
      .map((w) => w.trim())
      .filter((w) => w !== '');
    if (words.length > 10) fail('q', 'q may have at most 10 words');
    return {
      now: cursor?.now ?? (dto.now === undefined ? new Date() : new Date(dto.now)),
      words,
      fellowshipIds,
      days: dto.day?.map(Number),
      startFrom: dto.time_from === undefined ? undefined : parseClockTime(dto.time_from),
      startTo: dto.time_to === undefined ? undefined : parseClockTime(dto.time_to),
      startingWithinMinutes: dto.starting_within,
      inProgress: dto.in_progress,
      types: dto.types,
      attendance: dto.attendance,
      point:
        dto.lat !== undefined && dto.lng !== undefined ? { lat: dto.lat, lng: dto.lng } : undefined,
      radiusMeters: dto.radius_km === undefined ? undefined : dto.radius_km * 1000,
      sort,
      limit: dto.limit ?? 25,
      after: cursor?.after,
    };
  }
}

/**
 * Same answers from every plan; they differ only in speed for the shape of the question. (When
 * the occurrence table does not cover `now`, the computed plan answers instead.)
 */
function planFor(c: MeetingCriteria): SearchPlan {
  const timeBounded = c.startingWithinMinutes !== undefined || c.inProgress === true;
  if (timeBounded) return 'occurrence-first';
  if (c.sort !== 'next_start') return 'filter-first';
  return hasMeetingFilters(c) ? 'walk-then-filter' : 'occurrence-first';
}
