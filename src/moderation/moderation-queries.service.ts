import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { isoInstant } from '../common/instants.js';
import { decodeKeyset, encodeKeyset } from '../common/keyset-cursor.js';
import type { Account } from '../facilitators/account.entity.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import type {
  AuditPageDto,
  AuditQueryDto,
  ListReportsQueryDto,
  ReportDto,
  ReportPageDto,
  ResolveReportDto,
} from './dto/moderation-rest.dto.js';
import { ModerationRepository, type ReportRow } from './moderation.repository.js';

function toReportDto(r: ReportRow): ReportDto {
  return {
    id: r.id,
    roomId: r.room_id,
    roomName: r.room_name,
    messageId: r.message_id,
    message: {
      seq: Number(r.message_seq),
      body: r.message_body,
      author: { memberId: r.message_author_member_id, handle: r.message_author_handle },
    },
    reporterMemberId: r.reporter_member_id,
    reason: r.reason,
    status: r.status,
    createdAt: isoInstant(r.created_at),
    resolvedAt: r.resolved_at === null ? null : isoInstant(r.resolved_at),
    resolutionNote: r.resolution_note,
  };
}

/** The report queue and the audit log, over REST, for the rooms an account looks after. */
@Injectable()
export class ModerationQueriesService {
  constructor(
    private readonly moderation: ModerationRepository,
    private readonly rooms: RoomsRepository,
  ) {}

  async reports(account: Account, query: ListReportsQueryDto): Promise<ReportPageDto> {
    const limit = query.limit ?? 25;
    const rows = await this.moderation.listReports(
      account,
      { status: query.status, roomId: query.roomId },
      decodeKeyset(query.cursor),
      limit + 1,
    );
    const items = rows.slice(0, limit).map(toReportDto);
    const last = rows[limit - 1];
    return {
      items,
      nextCursor:
        rows.length > limit && last !== undefined
          ? encodeKeyset({ at: last.created_text, id: last.id })
          : null,
    };
  }

  async resolve(account: Account, id: string, dto: ResolveReportDto): Promise<ReportDto> {
    const report = /^[0-9a-f-]{36}$/i.test(id) ? await this.moderation.findReport(id) : undefined;
    if (report === undefined) throw new DomainError('NOT_FOUND', 'No such report');
    const room = await this.rooms.findRoom(report.room_id);
    if (room === undefined || !(await this.rooms.canModerate(account.id, account.role, room))) {
      throw new DomainError('FORBIDDEN', 'You are not assigned to this report’s room');
    }
    if (report.status === 'resolved')
      throw new DomainError('CONFLICT', 'This report is already resolved');
    const note =
      [dto.action === undefined ? undefined : `[${dto.action}]`, dto.note]
        .filter((p) => p !== undefined)
        .join(' ') || null;
    if (!(await this.moderation.resolveReport(report.id, account.id, note))) {
      throw new DomainError('CONFLICT', 'This report is already resolved');
    }
    await this.moderation.audit({
      actorId: account.id,
      actorDisplayName: account.displayName,
      action: 'report:resolve',
      roomId: report.room_id,
      messageId: report.message_id,
      reason: note,
    });
    const updated = await this.moderation.findReportRow(report.id);
    if (updated === undefined) throw new DomainError('NOT_FOUND', 'No such report');
    return toReportDto(updated);
  }

  async audit(account: Account, query: AuditQueryDto): Promise<AuditPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.moderation.listAudit(
      account,
      query.roomId,
      decodeKeyset(query.cursor),
      limit + 1,
    );
    const items = rows.slice(0, limit).map((e) => ({
      id: e.id,
      at: isoInstant(e.at),
      actor: { id: e.actor_id, displayName: e.actor_display_name },
      action: e.action,
      roomId: e.room_id,
      ...(e.member_id === null ? {} : { memberId: e.member_id }),
      ...(e.message_id === null ? {} : { messageId: e.message_id }),
      ...(e.reason === null ? {} : { reason: e.reason }),
    }));
    const last = rows[limit - 1];
    return {
      items,
      nextCursor:
        rows.length > limit && last !== undefined
          ? encodeKeyset({ at: last.at_text, id: last.id })
          : null,
    };
  }
}
