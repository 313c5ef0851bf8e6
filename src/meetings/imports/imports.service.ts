import { Inject, Injectable, Logger } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type { ErrorDetail } from '../../common/errors/domain-error.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { AppConfig } from '../../config/config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { FellowshipsService } from '../fellowships.service.js';
import { normalizeMeeting, slugify, type NormalizedMeeting } from '../meeting-record.js';
import { MeetingsRepository } from '../meetings.repository.js';
import { rowToRecord } from '../meetings.service.js';
import type { ImportRequestDto, ImportResultDto } from './dto/import.dto.js';
import type { ImportRow, ParseOptions } from './import-row.js';
import { parseBmlt } from './parse-bmlt.js';
import { parseMeetingGuide } from './parse-meeting-guide.js';
import { parseTsmlCsv } from './parse-tsml-csv.js';
import { fetchImportSource } from './fetch-import-source.js';

const logger = new Logger('Imports');

interface ReadyRow {
  index: number;
  sourceSlug: string;
  meeting: NormalizedMeeting;
}

/**
 * The parts of a stored meeting an import can change: compared to decide "unchanged". A row
 * without group notes leaves the group's notes alone (see upsertGroup), so they do not count.
 */
function comparable(m: NormalizedMeeting, incoming: NormalizedMeeting): NormalizedMeeting {
  return { ...m, slug: null, groupNotes: incoming.groupNotes === null ? null : m.groupNotes };
}

@Injectable()
export class ImportsService {
  constructor(
    private readonly meetings: MeetingsRepository,
    private readonly fellowships: FellowshipsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Brings a source's list in. Idempotent on (source, the row's slug there): the same data twice
   * reports everything unchanged. Bad rows are reported and skipped; the good ones land, all in
   * one transaction, so a request that fails as a whole changes nothing.
   */
  async run(dto: ImportRequestDto): Promise<ImportResultDto> {
    const known = await this.fellowships.slugs();
    if (dto.fellowship !== undefined && !known.has(dto.fellowship)) {
      throw new DomainError('VALIDATION_FAILED', `Unknown fellowship "${dto.fellowship}"`, [
        { field: 'fellowship', message: `must be one of ${[...known].sort().join(', ')}` },
      ]);
    }
    const payload = await this.payloadOf(dto);
    const options: ParseOptions = { fellowship: dto.fellowship, timezone: dto.timezone };
    const rows = this.parse(dto.format, payload, options);

    const errors: ImportResultDto['errors'] = [];
    const ready: ReadyRow[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const slug = row.sourceSlug ?? undefined;
      if (row.record === undefined) {
        errors.push({ index: row.index, slug, message: row.error ?? 'unreadable row' });
        continue;
      }
      const result = normalizeMeeting(
        { ...row.record, slug: undefined },
        { fellowships: known, defaultFellowship: dto.fellowship, defaultTimezone: dto.timezone },
      );
      if (!result.ok) {
        errors.push({ index: row.index, slug, message: describe(result.errors) });
        continue;
      }
      const sourceSlug = (row.sourceSlug ?? slugify(result.meeting.name)).slice(0, 200);
      if (sourceSlug === '' || seen.has(sourceSlug)) {
        errors.push({
          index: row.index,
          slug,
          message:
            sourceSlug === ''
              ? 'the row has no slug and none can be made from its name'
              : `slug "${sourceSlug}" appears more than once in this import`,
        });
        continue;
      }
      seen.add(sourceSlug);
      ready.push({ index: row.index, sourceSlug, meeting: result.meeting });
    }
    // Rows that failed still name meetings that exist: pruning must not delete those.
    const present = new Set([
      ...seen,
      ...rows.flatMap((r) => (r.sourceSlug === null ? [] : [r.sourceSlug])),
    ]);

    const counts = await this.meetings.transaction(async (tx) => {
      const existing = await this.meetings.findStoredBySource(dto.source, tx);
      const fellowshipIds = new Map((await this.fellowships.all()).map((f) => [f.slug, f.id]));
      const idOf = new Map((await this.fellowships.all()).map((f) => [f.id, f.slug]));
      let created = 0;
      let updated = 0;
      let unchanged = 0;
      for (const row of ready) {
        const fellowshipId = fellowshipIds.get(row.meeting.fellowship) as string;
        const current = existing.get(row.sourceSlug);
        if (current !== undefined) {
          const before = normalizeMeeting(
            rowToRecord(current, idOf.get(current.fellowship_id) ?? ''),
            {
              fellowships: known,
            },
          );
          if (
            before.ok &&
            isDeepStrictEqual(
              comparable(before.meeting, row.meeting),
              comparable(row.meeting, row.meeting),
            )
          ) {
            unchanged++;
            continue;
          }
        }
        const groupId =
          row.meeting.group === null
            ? null
            : await this.meetings.upsertGroup(
                tx,
                dto.source,
                fellowshipId,
                row.meeting.group,
                row.meeting.groupNotes,
              );
        if (current === undefined) {
          const slug = await this.meetings.freeSlug(
            tx,
            slugify(row.sourceSlug) || slugify(row.meeting.name),
          );
          await this.meetings.insertMeeting(tx, row.meeting, {
            fellowshipId,
            groupId,
            slug,
            source: dto.source,
            sourceSlug: row.sourceSlug,
          });
          created++;
        } else {
          await this.meetings.updateMeeting(tx, current.id, row.meeting, {
            fellowshipId,
            groupId,
            slug: current.slug,
          });
          updated++;
        }
      }
      const removed =
        dto.prune === true
          ? await this.meetings.deleteSourceMeetingsExcept(tx, dto.source, [...present])
          : 0;
      return { created, updated, unchanged, removed };
    });
    logger.log('import finished', {
      source: dto.source,
      format: dto.format,
      rows: rows.length,
      ...counts,
      errors: errors.length,
    });
    return { ...counts, errors };
  }

  private async payloadOf(dto: ImportRequestDto): Promise<unknown> {
    if ((dto.data === undefined) === (dto.url === undefined)) {
      throw new DomainError('VALIDATION_FAILED', 'Give exactly one of data and url', [
        { field: dto.data === undefined ? 'data' : 'url', message: 'exactly one of data and url' },
      ]);
    }
    if (dto.data !== undefined) return dto.data;
    const text = await fetchImportSource(dto.url as string, {
      maxBytes: this.config.importMaxBytes,
      allowedPrivate: this.config.importAllowPrivateNetworks,
    });
    if (dto.format === 'csv') return text;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new DomainError('VALIDATION_FAILED', 'The document at url is not valid JSON', [
        { field: 'url', message: 'not JSON' },
      ]);
    }
  }

  private parse(
    format: ImportRequestDto['format'],
    payload: unknown,
    options: ParseOptions,
  ): ImportRow[] {
    switch (format) {
      case 'meeting-guide':
        return parseMeetingGuide(payload, options);
      case 'bmlt':
        return parseBmlt(payload, options);
      case 'csv':
        if (typeof payload !== 'string') {
          throw new DomainError(
            'VALIDATION_FAILED',
            'For format csv, data must be the CSV text as a string',
            [{ field: 'data', message: 'a string of CSV text' }],
          );
        }
        return parseTsmlCsv(payload, options);
    }
  }
}

function describe(errors: ErrorDetail[]): string {
  return errors.map((e) => e.message).join('; ');
}
