import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface AuditRow {
  id: string;
  at: Date;
  at_text: string;
  actor_id: string;
  actor_display_name: string;
  action: string;
  room_id: string | null;
  member_id: string | null;
  message_id: string | null;
  reason: string | null;
}

export interface ReportRow {
  id: string;
  room_id: string;
  room_name: string;
  message_id: string;
  message_seq: string;
  message_body: string | null;
  message_author_member_id: string;
  message_author_handle: string;
  reporter_member_id: string;
  reason: string;
  status: 'open' | 'resolved';
  created_at: Date;
  created_text: string;
  resolved_at: Date | null;
  resolution_note: string | null;
}

const REPORT_SELECT = `
  SELECT p.id, p.room_id, r.name AS room_name, p.message_id, m.seq AS message_seq,
         CASE WHEN m.deleted_at IS NULL THEN m.body END AS message_body,
         m.member_id AS message_author_member_id, m.author_handle AS message_author_handle,
         p.reporter_member_id, p.reason, p.status, p.created_at, p.created_at::text AS created_text,
         p.resolved_at, p.resolution_note
  FROM message_report p JOIN room r ON r.id = p.room_id JOIN message m ON m.id = p.message_id`;

/** Which rooms an account may moderate, as SQL over `room r` (admins: all). */
function moderatedRooms(accountParam: string, roleParam: string): string {
  return `(${roleParam} = 'admin' OR EXISTS (
    SELECT 1 FROM facilitator_assignment a LEFT JOIN meeting mt ON mt.id = r.meeting_id
    WHERE a.account_id = ${accountParam}
      AND (a.room_id = r.id OR (a.meeting_id IS NOT NULL AND a.meeting_id = r.meeting_id)
           OR (a.group_id IS NOT NULL AND a.group_id = mt.group_id))))`;
}

/** Bans, the audit trail and the report queue. */
@Injectable()
export class ModerationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async audit(entry: {
    actorId: string;
    actorDisplayName: string;
    action: string;
    roomId: string | null;
    memberId?: string | null;
    messageId?: string | null;
    reason?: string | null;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO moderation_audit (actor_id, actor_display_name, action, room_id, member_id, message_id, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        entry.actorId,
        entry.actorDisplayName,
        entry.action,
        entry.roomId,
        entry.memberId ?? null,
        entry.messageId ?? null,
        entry.reason ?? null,
      ],
    );
  }

  /** Newest first; `before` continues a previous page. */
  async listAudit(
    account: { id: string; role: string },
    roomId: string | undefined,
    before: { at: string; id: string } | undefined,
    limit: number,
  ): Promise<AuditRow[]> {
    return this.dataSource.query<AuditRow[]>(
      `SELECT e.*, e.at::text AS at_text FROM moderation_audit e
       LEFT JOIN room r ON r.id = e.room_id
       WHERE ($3::uuid IS NULL OR e.room_id = $3::uuid)
         AND ($4::timestamptz IS NULL OR (e.at, e.id) < ($4::timestamptz, $5::uuid))
         AND ($2 = 'admin' OR (r.id IS NOT NULL AND ${moderatedRooms('$1', '$2')}))
       ORDER BY e.at DESC, e.id DESC LIMIT $6`,
      [account.id, account.role, roomId ?? null, before?.at ?? null, before?.id ?? null, limit],
    );
  }

  async ban(b: {
    participantId: string;
    roomId: string | null;
    groupId: string | null;
    expiresAt: Date | null;
    reason: string | null;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ban (participant_id, room_id, group_id, expires_at, reason) VALUES ($1, $2, $3, $4, $5)`,
      [b.participantId, b.roomId, b.groupId, b.expiresAt, b.reason],
    );
  }

  /** Oldest first (a queue); `after` continues a previous page. */
  async listReports(
    account: { id: string; role: string },
    filter: { status: 'open' | 'resolved' | undefined; roomId: string | undefined },
    after: { at: string; id: string } | undefined,
    limit: number,
  ): Promise<ReportRow[]> {
    return this.dataSource.query<ReportRow[]>(
      `${REPORT_SELECT}
       WHERE ($3::varchar IS NULL OR p.status = $3::varchar) AND ${moderatedRooms('$1', '$2')}
         AND ($7::uuid IS NULL OR p.room_id = $7::uuid)
         AND ($4::timestamptz IS NULL OR (p.created_at, p.id) > ($4::timestamptz, $5::uuid))
       ORDER BY p.created_at, p.id LIMIT $6`,
      [
        account.id,
        account.role,
        filter.status ?? null,
        after?.at ?? null,
        after?.id ?? null,
        limit,
        filter.roomId ?? null,
      ],
    );
  }

  async findReportRow(id: string): Promise<ReportRow | undefined> {
    const rows = await this.dataSource.query<ReportRow[]>(`${REPORT_SELECT} WHERE p.id = $1`, [id]);
    return rows[0];
  }

  async findReport(
    id: string,
  ): Promise<{ id: string; room_id: string; message_id: string; status: string } | undefined> {
    const rows = await this.dataSource.query<
      { id: string; room_id: string; message_id: string; status: string }[]
    >(`SELECT id, room_id, message_id, status FROM message_report WHERE id = $1`, [id]);
    return rows[0];
  }

  /** False when someone resolved it first. */
  async resolveReport(id: string, accountId: string, note: string | null): Promise<boolean> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `WITH done AS (
         UPDATE message_report SET status = 'resolved', resolved_at = now(), resolved_by = $2, resolution_note = $3
         WHERE id = $1 AND status = 'open' RETURNING id)
       SELECT id FROM done`,
      [id, accountId, note],
    );
    return rows.length > 0;
  }
}
