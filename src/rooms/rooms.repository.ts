import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { MemberRole } from './room-events.js';
import type { RoomStatus } from './room.entity.js';

export interface RoomRow {
  id: string;
  name: string;
  meeting_id: string | null;
  meeting_slug: string | null;
  meeting_group_id: string | null;
  status: RoomStatus;
  opens_at: Date | null;
  closes_at: Date | null;
  override_status: 'open' | 'closed' | null;
  override_until: Date | null;
  locked: boolean;
  waiting_room: boolean;
  slow_mode_seconds: number;
  share_seconds: number;
  retention_days: number;
  guidelines: string | null;
  pinned_message_id: string | null;
  floor_member_id: string | null;
  floor_ends_at: Date | null;
  member_count: number;
}

/** The room facts a send checks. */
export type SenderRoom = Pick<RoomRow, 'id' | 'status' | 'slow_mode_seconds' | 'pinned_message_id'>;

export interface MemberRow {
  id: string;
  room_id: string;
  participant_id: string | null;
  account_id: string | null;
  handle: string;
  role: MemberRole;
  state: 'active' | 'waiting' | 'left' | 'kicked';
  hand_raised_at: Date | null;
  /** A Date, or the number Infinity for a lasting mute: read it through isMuted(). */
  muted_until: Date | number | null;
  last_sent_at: Date | null;
}

export interface MessageRow {
  id: string;
  room_id: string;
  seq: string;
  client_id: string;
  body: string;
  member_id: string;
  author_handle: string;
  author_role: MemberRole;
  created_at: Date;
}

const ROOM_COLUMNS = `
  r.id, r.name, r.meeting_id, mt.slug AS meeting_slug, mt.group_id AS meeting_group_id, r.status,
  r.opens_at, r.closes_at, r.override_status, r.override_until, r.locked, r.waiting_room,
  r.slow_mode_seconds, r.share_seconds, r.retention_days, r.guidelines, r.pinned_message_id, r.floor_member_id, r.floor_ends_at,
  (SELECT count(DISTINCT c.member_id)::int FROM room_connection c WHERE c.room_id = r.id) AS member_count`;
const MESSAGE_COLUMNS = `id, room_id, seq, client_id, body, member_id, author_handle, author_role, created_at`;

type Queryable = DataSource | EntityManager;

/** storeMessageIfAllowed's statement (a named one: see there). */
const STORE_IF_ALLOWED = `WITH s AS (
         SELECT m.id, m.handle, m.role, m.state, m.muted_until, m.last_sent_at,
                r.status AS r_status, r.slow_mode_seconds AS r_slow, r.pinned_message_id AS r_pinned
         FROM room_connection c
         JOIN room_member m ON m.id = c.member_id
         JOIN room r ON r.id = c.room_id
         WHERE c.socket_id = $1 AND c.room_id = $2),
       allowed AS (
         SELECT id, handle, role FROM s
         WHERE id = $3 AND state = 'active' AND r_status = 'open'
           AND (muted_until IS NULL OR muted_until <= $6)
           AND NOT (role <> 'facilitator' AND r_slow > 0 AND last_sent_at IS NOT NULL
                    AND last_sent_at + make_interval(secs => r_slow) > $6)),
       next AS (
         UPDATE room SET last_seq = last_seq + 1
         WHERE id = $2 AND EXISTS (SELECT 1 FROM allowed) RETURNING last_seq),
       sender AS (
         UPDATE room_member SET last_sent_at = $6 WHERE id IN (SELECT id FROM allowed) RETURNING id),
       stored AS (
         INSERT INTO message (room_id, seq, member_id, client_id, body, author_handle, author_role)
         SELECT $2, next.last_seq, sender.id, $4, $5, allowed.handle, allowed.role
         FROM next, sender, allowed
         RETURNING ${MESSAGE_COLUMNS})
       SELECT stored.*, s.r_status, s.r_slow, s.r_pinned FROM stored, s`;

/**
 * For connections removed because their instance went away, or their socket did without it
 * being recorded (a CTE `gone` of deleted room_connection rows with `left_at`): what
 * removeConnection does when a socket disconnects.
 * Time present until then is credited, and a member with no connection left is marked away from
 * then, so that they come back as a returning member (into a locked room, past the waiting
 * room) and a raised hand is lowered after the grace period. Without it, a deploy or a crash
 * reset everyone's attendance and locked them out. The rows `gone` deletes are still visible to
 * this statement, so a connection counts as remaining only on an instance that is not going.
 */
const DEPARTED = `
  per_member AS (
    SELECT member_id, min(connected_at) AS since, max(left_at) AS left_at FROM gone GROUP BY member_id),
  departed AS (
    UPDATE room_member m
    SET present_seconds = m.present_seconds + greatest(0, extract(epoch FROM p.left_at - p.since))::int,
        away_since = CASE WHEN EXISTS (
            SELECT 1 FROM room_connection c
            WHERE c.member_id = m.id
              AND NOT EXISTS (SELECT 1 FROM gone g WHERE g.socket_id = c.socket_id AND g.room_id = c.room_id))
          THEN m.away_since ELSE p.left_at END
    FROM per_member p WHERE m.id = p.member_id)`;

/** The rooms' SQL: nothing else touches these tables. */
@Injectable()
export class RoomsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** By name (then id), after `after` when continuing a previous page. */
  async listRooms(
    after: { name: string; id: string } | undefined,
    limit: number,
  ): Promise<RoomRow[]> {
    return this.dataSource.query<RoomRow[]>(
      `SELECT ${ROOM_COLUMNS} FROM room r LEFT JOIN meeting mt ON mt.id = r.meeting_id
       WHERE $1::text IS NULL OR (r.name, r.id) > ($1::text, $2::uuid)
       ORDER BY r.name, r.id LIMIT $3`,
      [after?.name ?? null, after?.id ?? null, limit],
    );
  }

  async findRoom(id: string, q: Queryable = this.dataSource): Promise<RoomRow | undefined> {
    const rows = await q.query<RoomRow[]>(
      `SELECT ${ROOM_COLUMNS} FROM room r LEFT JOIN meeting mt ON mt.id = r.meeting_id WHERE r.id = $1`,
      [id],
    );
    return rows[0];
  }

  async roomIdForMeeting(meetingId: string): Promise<string | undefined> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM room WHERE meeting_id = $1`,
      [meetingId],
    );
    return rows[0]?.id;
  }

  async roomIdsForMeetings(meetingIds: string[]): Promise<Map<string, string>> {
    if (meetingIds.length === 0) return new Map();
    const rows = await this.dataSource.query<{ id: string; meeting_id: string }[]>(
      `SELECT id, meeting_id FROM room WHERE meeting_id = ANY($1::uuid[])`,
      [meetingIds],
    );
    return new Map(rows.map((r) => [r.meeting_id, r.id]));
  }

  async insertRoom(values: {
    name: string;
    meetingId: string | null;
    opensAt: Date | null;
    closesAt: Date | null;
    waitingRoom: boolean;
    shareSeconds: number;
    retentionDays: number;
    guidelines: string | null;
  }): Promise<string> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO room (name, meeting_id, opens_at, closes_at, waiting_room, share_seconds, retention_days, guidelines)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        values.name,
        values.meetingId,
        values.opensAt,
        values.closesAt,
        values.waitingRoom,
        values.shareSeconds,
        values.retentionDays,
        values.guidelines,
      ],
    );
    return rows[0]?.id as string;
  }

  /** Updates the given columns (snake_case names, from a fixed list chosen by the service). */
  async updateRoom(
    id: string,
    changes: Record<string, unknown>,
    q: Queryable = this.dataSource,
  ): Promise<void> {
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    const sets = entries.map(([column], i) => `${column} = $${i + 2}`);
    await q.query(`UPDATE room SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, [
      id,
      ...entries.map(([, v]) => v),
    ]);
  }

  /** Admin, or assigned to the room, its meeting, or the meeting's group. */
  async canModerate(
    accountId: string,
    role: string,
    room: Pick<RoomRow, 'id' | 'meeting_id' | 'meeting_group_id'>,
  ): Promise<boolean> {
    if (role === 'admin') return true;
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM facilitator_assignment
       WHERE account_id = $1 AND (room_id = $2 OR (meeting_id IS NOT NULL AND meeting_id = $3)
                                  OR (group_id IS NOT NULL AND group_id = $4)) LIMIT 1`,
      [accountId, room.id, room.meeting_id, room.meeting_group_id],
    );
    return rows.length > 0;
  }

  async assignRoom(accountId: string, roomId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO facilitator_assignment (account_id, room_id) VALUES ($1, $2)`,
      [accountId, roomId],
    );
  }

  // ---- members ----

  async findMemberByIdentity(
    q: Queryable,
    roomId: string,
    identity: { participantId: string } | { accountId: string },
  ): Promise<MemberRow | undefined> {
    const [column, value] =
      'participantId' in identity
        ? ['participant_id', identity.participantId]
        : ['account_id', identity.accountId];
    const rows = await q.query<MemberRow[]>(
      `SELECT * FROM room_member WHERE room_id = $1 AND ${column} = $2`,
      [roomId, value],
    );
    return rows[0];
  }

  async findMember(id: string, q: Queryable = this.dataSource): Promise<MemberRow | undefined> {
    const rows = await q.query<MemberRow[]>(`SELECT * FROM room_member WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Serializes joins to one room, so two people cannot take the same handle at once. */
  async lockRoomForJoin(tx: EntityManager, roomId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('room-join:' || $1))`, [roomId]);
  }

  async handleTakenByOther(
    q: Queryable,
    roomId: string,
    handle: string,
    memberId: string | null,
  ): Promise<boolean> {
    const rows = await q.query<unknown[]>(
      `SELECT 1 FROM room_member m
       WHERE m.room_id = $1 AND lower(m.handle) = lower($2) AND ($3::uuid IS NULL OR m.id <> $3::uuid)
         AND m.state IN ('active', 'waiting') AND EXISTS (SELECT 1 FROM room_connection c WHERE c.member_id = m.id)
       LIMIT 1`,
      [roomId, handle, memberId],
    );
    return rows.length > 0;
  }

  async startPresence(memberId: string): Promise<void> {
    await this.dataSource.query(`UPDATE room_member SET present_seconds = 0 WHERE id = $1`, [
      memberId,
    ]);
    await this.dataSource.query(
      `UPDATE room_connection SET connected_at = now() WHERE member_id = $1`,
      [memberId],
    );
  }

  async leftOnPurpose(memberId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE room_member m SET away_since = NULL, hand_raised_at = NULL
       WHERE m.id = $1 AND NOT EXISTS (SELECT 1 FROM room_connection c WHERE c.member_id = m.id)`,
      [memberId],
    );
  }

  async isPresentOrJustLeft(
    q: Queryable,
    memberId: string,
    graceSeconds: number,
  ): Promise<boolean> {
    const rows = await q.query<unknown[]>(
      `SELECT 1 FROM room_member m
       WHERE m.id = $1 AND (EXISTS (SELECT 1 FROM room_connection c WHERE c.member_id = m.id)
                            OR m.away_since > now() - make_interval(secs => $2))`,
      [memberId, graceSeconds],
    );
    return rows.length > 0;
  }

  async countPresent(q: Queryable, roomId: string): Promise<number> {
    const rows = await q.query<{ n: number }[]>(
      `SELECT count(DISTINCT member_id)::int AS n FROM room_connection WHERE room_id = $1`,
      [roomId],
    );
    return rows[0]?.n ?? 0;
  }

  async insertMember(
    q: Queryable,
    member: {
      id: string;
      roomId: string;
      participantId: string | null;
      accountId: string | null;
      handle: string;
      role: MemberRole;
      state: 'active' | 'waiting';
    },
  ): Promise<void> {
    await q.query(
      `INSERT INTO room_member (id, room_id, participant_id, account_id, handle, role, state, joined_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
      [
        member.id,
        member.roomId,
        member.participantId,
        member.accountId,
        member.handle,
        member.role,
        member.state,
      ],
    );
  }

  async updateMember(
    q: Queryable,
    id: string,
    changes: { handle?: string; role?: MemberRole; state?: MemberRow['state'] },
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(([key], i) => `${key === 'handle' ? 'handle' : key} = $${i + 2}`);
    await q.query(`UPDATE room_member SET ${sets.join(', ')} WHERE id = $1`, [
      id,
      ...entries.map(([, v]) => v),
    ]);
  }

  async setHandRaised(memberId: string, raised: boolean): Promise<void> {
    await this.dataSource.query(
      raised
        ? `UPDATE room_member SET hand_raised_at = COALESCE(hand_raised_at, now()) WHERE id = $1`
        : `UPDATE room_member SET hand_raised_at = NULL WHERE id = $1`,
      [memberId],
    );
  }

  /** 1-based place in the room's raised-hand queue. */
  async handPosition(roomId: string, memberId: string): Promise<number> {
    const rows = await this.dataSource.query<{ position: number }[]>(
      `SELECT position FROM (
         SELECT id, row_number() OVER (ORDER BY hand_raised_at, id)::int AS position
         FROM room_member WHERE room_id = $1 AND hand_raised_at IS NOT NULL AND state = 'active') q
       WHERE id = $2`,
      [roomId, memberId],
    );
    return rows[0]?.position ?? 0;
  }

  /** Present members: active, with at least one live connection. */
  async presentMembers(roomId: string): Promise<MemberRow[]> {
    return this.dataSource.query<MemberRow[]>(
      `SELECT m.* FROM room_member m
       WHERE m.room_id = $1 AND m.state = 'active'
         AND EXISTS (SELECT 1 FROM room_connection c WHERE c.member_id = m.id)
       ORDER BY m.joined_at, m.id`,
      [roomId],
    );
  }

  /** The share queue without those who dropped off (who keep their place for a while). */
  async shareQueuePresent(roomId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT m.id FROM room_member m
       WHERE m.room_id = $1 AND m.hand_raised_at IS NOT NULL AND m.state = 'active'
         AND EXISTS (SELECT 1 FROM room_connection c WHERE c.member_id = m.id)
       ORDER BY m.hand_raised_at, m.id`,
      [roomId],
    );
    return rows.map((r) => r.id);
  }

  /** The participant's memberships, present now, in rooms of the group's meetings. */
  async presentMembershipsInGroup(participantId: string, groupId: string): Promise<MemberRow[]> {
    return this.dataSource.query<MemberRow[]>(
      `SELECT m.* FROM room_member m JOIN room r ON r.id = m.room_id JOIN meeting mt ON mt.id = r.meeting_id
       WHERE m.participant_id = $1 AND mt.group_id = $2
         AND EXISTS (SELECT 1 FROM room_connection c WHERE c.member_id = m.id)`,
      [participantId, groupId],
    );
  }

  async shareQueue(roomId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM room_member WHERE room_id = $1 AND hand_raised_at IS NOT NULL AND state = 'active'
       ORDER BY hand_raised_at, id`,
      [roomId],
    );
    return rows.map((r) => r.id);
  }

  // ---- moderation ----

  /** The ban that keeps this participant out of the room (or its group), if any. */
  async activeBan(
    participantId: string,
    roomId: string,
    groupId: string | null,
  ): Promise<{ expires_at: Date | null } | undefined> {
    const rows = await this.dataSource.query<{ expires_at: Date | null }[]>(
      `SELECT expires_at FROM ban
       WHERE participant_id = $1 AND (room_id = $2 OR ($3::uuid IS NOT NULL AND group_id = $3::uuid))
         AND (expires_at IS NULL OR expires_at > now())
       ORDER BY expires_at DESC NULLS FIRST LIMIT 1`,
      [participantId, roomId, groupId],
    );
    return rows[0];
  }

  async setMuted(memberId: string, until: Date | 'infinity' | null): Promise<void> {
    await this.dataSource.query(`UPDATE room_member SET muted_until = $2 WHERE id = $1`, [
      memberId,
      until,
    ]);
  }

  async setMemberState(memberId: string, state: MemberRow['state']): Promise<void> {
    await this.dataSource.query(`UPDATE room_member SET state = $2 WHERE id = $1`, [
      memberId,
      state,
    ]);
  }

  /** Ends every connection of a member to a room (kick, ban), crediting the time present. */
  async endMemberConnections(roomId: string, memberId: string): Promise<void> {
    await this.dataSource.query(
      `WITH gone AS (DELETE FROM room_connection WHERE room_id = $1 AND member_id = $2 RETURNING connected_at)
       UPDATE room_member SET present_seconds = present_seconds
           + coalesce((SELECT greatest(0, extract(epoch FROM now() - min(connected_at)))::int FROM gone), 0),
         away_since = now(), hand_raised_at = NULL
       WHERE id = $2`,
      [roomId, memberId],
    );
  }

  /** Gone for everyone: the body is erased, the row stays so seq numbering is untouched. */
  async deleteMessage(roomId: string, messageId: string): Promise<boolean> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `WITH gone AS (UPDATE message SET deleted_at = now(), body = '' WHERE room_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id)
       SELECT id FROM gone`,
      [roomId, messageId],
    );
    return rows.length > 0;
  }

  async setFloor(roomId: string, memberId: string | null, endsAt: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE room SET floor_member_id = $2, floor_ends_at = $3, updated_at = now() WHERE id = $1`,
      [roomId, memberId, endsAt],
    );
  }

  /** Rooms whose share time ran out: their floor is cleared; returns them. */
  async clearExpiredFloors(): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `WITH done AS (UPDATE room SET floor_member_id = NULL, floor_ends_at = NULL
                     WHERE floor_ends_at IS NOT NULL AND floor_ends_at <= now() RETURNING id)
       SELECT id FROM done`,
    );
    return rows.map((r) => r.id);
  }

  /** Members away longer than the grace period lose their place in the queue; returns rooms. */
  async dropStaleHands(graceSeconds: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ room_id: string }[]>(
      `WITH dropped AS (
         UPDATE room_member m SET hand_raised_at = NULL
         WHERE m.hand_raised_at IS NOT NULL AND m.away_since IS NOT NULL
           AND m.away_since < now() - make_interval(secs => $1)
           AND NOT EXISTS (SELECT 1 FROM room_connection c WHERE c.member_id = m.id)
         RETURNING m.room_id)
       SELECT DISTINCT room_id FROM dropped`,
      [graceSeconds],
    );
    return rows.map((r) => r.room_id);
  }

  async waitingMembers(roomId: string): Promise<MemberRow[]> {
    return this.dataSource.query<MemberRow[]>(
      `SELECT m.* FROM room_member m WHERE m.room_id = $1 AND m.state = 'waiting'
         AND EXISTS (SELECT 1 FROM room_connection c WHERE c.member_id = m.id)
       ORDER BY m.joined_at, m.id`,
      [roomId],
    );
  }

  /** Seconds present so far: earlier connections plus the current one(s). */
  async secondsPresent(memberId: string): Promise<number> {
    const rows = await this.dataSource.query<{ s: number }[]>(
      `SELECT (m.present_seconds + coalesce((SELECT extract(epoch FROM now() - min(c.connected_at))
                                              FROM room_connection c WHERE c.member_id = m.id), 0))::int AS s
       FROM room_member m WHERE m.id = $1`,
      [memberId],
    );
    return rows[0]?.s ?? 0;
  }

  /**
   * What an attendance certificate names: the meeting (or the room), its fellowship, and when
   * this sitting began (the current occurrence, or the room's opening).
   */
  async attendanceFacts(
    roomId: string,
    memberId: string,
  ): Promise<
    { meeting_name: string; fellowship_name: string | null; started_at: Date } | undefined
  > {
    const rows = await this.dataSource.query<
      { meeting_name: string; fellowship_name: string | null; started_at: Date }[]
    >(
      `SELECT coalesce(mt.name, r.name) AS meeting_name, f.name AS fellowship_name,
              coalesce(
                (SELECT o.starts_at FROM meeting_occurrence o
                 WHERE o.meeting_id = r.meeting_id AND o.starts_at <= now() + interval '1 hour'
                 ORDER BY o.starts_at DESC LIMIT 1),
                r.opens_at,
                (SELECT min(c.connected_at) FROM room_connection c WHERE c.member_id = $2),
                now()) AS started_at
       FROM room r LEFT JOIN meeting mt ON mt.id = r.meeting_id LEFT JOIN fellowship f ON f.id = mt.fellowship_id
       WHERE r.id = $1`,
      [roomId, memberId],
    );
    return rows[0];
  }

  /** A room that opens starts a new sitting: time present counts from zero again. */
  async resetPresence(roomId: string): Promise<void> {
    await this.dataSource.query(`UPDATE room_member SET present_seconds = 0 WHERE room_id = $1`, [
      roomId,
    ]);
  }

  // ---- connections ----

  async addConnection(
    q: Queryable,
    c: { socketId: string; roomId: string; memberId: string; nodeId: string },
  ): Promise<void> {
    await q.query(
      `INSERT INTO room_connection (socket_id, room_id, member_id, node_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (socket_id, room_id) DO UPDATE SET member_id = EXCLUDED.member_id`,
      [c.socketId, c.roomId, c.memberId, c.nodeId],
    );
    await q.query(`UPDATE room_member SET away_since = NULL WHERE id = $1`, [c.memberId]);
  }

  /**
   * Removes a socket's connection to a room and credits the time present to its member when it
   * was the member's last connection. Returns whether the member is now gone from the room.
   */
  async removeConnection(
    socketId: string,
    roomId: string,
  ): Promise<{ memberId: string; memberGone: boolean } | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<{ member_id: string; connected_at: Date }[]>(
        `WITH gone AS (DELETE FROM room_connection WHERE socket_id = $1 AND room_id = $2 RETURNING member_id, connected_at)
         SELECT member_id, connected_at FROM gone`,
        [socketId, roomId],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      const remaining = await tx.query<unknown[]>(
        `SELECT 1 FROM room_connection WHERE member_id = $1 LIMIT 1`,
        [row.member_id],
      );
      await tx.query(
        `UPDATE room_member SET present_seconds = present_seconds + greatest(0, extract(epoch FROM now() - $2::timestamptz))::int,
                                away_since = CASE WHEN $3 THEN now() ELSE away_since END
         WHERE id = $1`,
        [row.member_id, row.connected_at, remaining.length === 0],
      );
      return { memberId: row.member_id, memberGone: remaining.length === 0 };
    });
  }

  /** Everyone leaves a closing room; their time present is credited. */
  async endConnections(roomId: string): Promise<void> {
    await this.dataSource.query(
      `WITH gone AS (DELETE FROM room_connection WHERE room_id = $1 RETURNING member_id, connected_at),
       per_member AS (SELECT member_id, min(connected_at) AS since FROM gone GROUP BY member_id)
       UPDATE room_member m SET present_seconds = present_seconds + greatest(0, extract(epoch FROM now() - p.since))::int
       FROM per_member p WHERE m.id = p.member_id`,
      [roomId],
    );
  }

  /** Whether this socket is in the room (the database, not the socket, is the truth across instances). */
  async connectionMember(socketId: string, roomId: string): Promise<string | undefined> {
    const rows = await this.dataSource.query<{ member_id: string }[]>(
      `SELECT member_id FROM room_connection WHERE socket_id = $1 AND room_id = $2`,
      [socketId, roomId],
    );
    return rows[0]?.member_id;
  }

  /**
   * What sending a message needs to know, in one round trip: the member behind this socket in
   * this room, and the few room facts a send checks.
   */
  async findSender(
    socketId: string,
    roomId: string,
  ): Promise<{ room: SenderRoom; member: MemberRow } | undefined> {
    const rows = await this.dataSource.query<
      (MemberRow & { r_status: RoomStatus; r_slow: number; r_pinned: string | null })[]
    >(
      `SELECT m.*, r.status AS r_status, r.slow_mode_seconds AS r_slow, r.pinned_message_id AS r_pinned
       FROM room_connection c
       JOIN room_member m ON m.id = c.member_id
       JOIN room r ON r.id = c.room_id
       WHERE c.socket_id = $1 AND c.room_id = $2`,
      [socketId, roomId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const { r_status, r_slow, r_pinned, ...member } = row;
    return {
      room: {
        id: roomId,
        status: r_status,
        slow_mode_seconds: r_slow,
        pinned_message_id: r_pinned,
      },
      member,
    };
  }

  async socketRoomCount(socketId: string): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM room_connection WHERE socket_id = $1`,
      [socketId],
    );
    return rows[0]?.n ?? 0;
  }

  async roomsOfSocket(socketId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ room_id: string }[]>(
      `SELECT room_id FROM room_connection WHERE socket_id = $1`,
      [socketId],
    );
    return rows.map((r) => r.room_id);
  }

  /**
   * Connections of instances that stopped heart-beating: returns the rooms that lost members.
   * Their members are treated as having dropped off when their instance was last heard from
   * (see DEPARTED).
   */
  async removeConnectionsOfDeadNodes(staleSeconds: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ room_id: string }[]>(
      `WITH dead AS (
         DELETE FROM app_node WHERE heartbeat_at < now() - make_interval(secs => $1) RETURNING id, heartbeat_at),
       gone AS (
         DELETE FROM room_connection c
         WHERE c.node_id IN (SELECT id FROM dead) OR NOT EXISTS (SELECT 1 FROM app_node n WHERE n.id = c.node_id)
         RETURNING c.socket_id, c.room_id, c.member_id, c.connected_at,
                   coalesce((SELECT d.heartbeat_at FROM dead d WHERE d.id = c.node_id), now()) AS left_at),
       ${DEPARTED}
       SELECT DISTINCT room_id FROM gone`,
      [staleSeconds],
    );
    return rows.map((r) => r.room_id);
  }

  /** Returns whether this instance was known: false on its first beat, or once taken for dead. */
  async heartbeat(nodeId: string): Promise<boolean> {
    const rows = await this.dataSource.query<{ known: boolean }[]>(
      `WITH beat AS (UPDATE app_node SET heartbeat_at = now() WHERE id = $1 RETURNING id),
       added AS (
         INSERT INTO app_node (id, heartbeat_at) SELECT $1, now() WHERE NOT EXISTS (SELECT 1 FROM beat)
         ON CONFLICT (id) DO NOTHING)
       SELECT EXISTS (SELECT 1 FROM beat) AS known`,
      [nodeId],
    );
    return rows[0]?.known === true;
  }

  /** The other instances that have heart-beaten within staleSeconds. */
  async otherLiveNodes(nodeId: string, staleSeconds: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM app_node WHERE id <> $1 AND heartbeat_at >= now() - make_interval(secs => $2)`,
      [nodeId, staleSeconds],
    );
    return rows.map((r) => r.id);
  }

  /** The sockets this instance has connections recorded for. */
  async socketsOfNode(nodeId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ socket_id: string }[]>(
      `SELECT DISTINCT socket_id FROM room_connection WHERE node_id = $1`,
      [nodeId],
    );
    return rows.map((r) => r.socket_id);
  }

  /** Removes every connection of these sockets of this instance; returns the rooms. */
  async removeSockets(nodeId: string, socketIds: string[]): Promise<string[]> {
    const rows = await this.dataSource.query<{ room_id: string }[]>(
      `WITH gone AS (
         DELETE FROM room_connection c WHERE c.node_id = $1 AND c.socket_id = ANY($2::varchar[])
         RETURNING c.socket_id, c.room_id, c.member_id, c.connected_at, now() AS left_at),
       ${DEPARTED}
       SELECT DISTINCT room_id FROM gone`,
      [nodeId, socketIds],
    );
    return rows.map((r) => r.room_id);
  }

  /** This instance is stopping: its connections go; returns the rooms that lost members. */
  async forgetNode(nodeId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ room_id: string }[]>(
      `WITH gone AS (
         DELETE FROM room_connection c WHERE c.node_id = $1
         RETURNING c.socket_id, c.room_id, c.member_id, c.connected_at, now() AS left_at),
       ${DEPARTED}
       SELECT DISTINCT room_id FROM gone`,
      [nodeId],
    );
    await this.dataSource.query(`DELETE FROM app_node WHERE id = $1`, [nodeId]);
    return rows.map((r) => r.room_id);
  }

  // ---- messages ----

  async findMessageByClientId(
    roomId: string,
    memberId: string,
    clientId: string,
    q: Queryable = this.dataSource,
  ): Promise<MessageRow | undefined> {
    const rows = await q.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM message WHERE room_id = $1 AND member_id = $2 AND client_id = $3`,
      [roomId, memberId, clientId],
    );
    return rows[0];
  }

  /** Takes the room's next seq and stores the message in the same transaction: no gaps. */
  /**
   * Stores a message with the room's next seq and marks when its author last sent, in one
   * statement: one round trip, and atomic (a duplicate clientId undoes the seq too).
   */
  async storeMessage(m: {
    roomId: string;
    memberId: string;
    clientId: string;
    body: string;
    handle: string;
    role: MemberRole;
    at: Date;
  }): Promise<MessageRow> {
    const rows = await this.dataSource.query<MessageRow[]>(
      `WITH next AS (UPDATE room SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq),
            sender AS (UPDATE room_member SET last_sent_at = $7 WHERE id = $2 RETURNING id),
            stored AS (
              INSERT INTO message (room_id, seq, member_id, client_id, body, author_handle, author_role)
              SELECT $1, next.last_seq, $2, $3, $4, $5, $6 FROM next, sender
              RETURNING ${MESSAGE_COLUMNS})
       SELECT ${MESSAGE_COLUMNS} FROM stored`,
      [m.roomId, m.memberId, m.clientId, m.body, m.handle, m.role, m.at],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('room or member vanished while sending');
    return row;
  }

  /**
   * findSender and storeMessage in one round trip, for a send that is expected to go through:
   * the message is stored only if the socket is in the room as `memberId`, that member is active
   * and not muted, the room is open and slow mode allows it (the checks of sendRefusal, here in
   * SQL). Returns the message, or undefined when anything did not allow it; the caller then goes
   * the careful way, which words the refusal. Atomic like storeMessage: no seq is taken for a
   * message that is not stored.
   */
  async storeMessageIfAllowed(m: {
    socketId: string;
    roomId: string;
    memberId: string;
    clientId: string;
    body: string;
    at: Date;
  }): Promise<{ room: SenderRoom; message: MessageRow } | undefined> {
    const rows = await this.dataSource.query<
      (MessageRow & { r_status: RoomStatus; r_slow: number; r_pinned: string | null })[]
    >(
      // Named, so that PostgreSQL parses and plans it once per connection rather than on every
      // send: planning this statement costs it more than running it. TypeORM hands the query
      // object to pg as it is.
      { name: 'store-message-if-allowed', text: STORE_IF_ALLOWED } as unknown as string,
      [m.socketId, m.roomId, m.memberId, m.clientId, m.body, m.at],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const { r_status, r_slow, r_pinned, ...message } = row;
    return {
      room: {
        id: m.roomId,
        status: r_status,
        slow_mode_seconds: r_slow,
        pinned_message_id: r_pinned,
      },
      message,
    };
  }

  async messagesAfter(roomId: string, afterSeq: number, limit: number): Promise<MessageRow[]> {
    return this.dataSource.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM message WHERE room_id = $1 AND seq > $2 AND deleted_at IS NULL
       ORDER BY seq LIMIT $3`,
      [roomId, afterSeq, limit],
    );
  }

  /** The latest `limit` messages before `beforeSeq`, oldest first. */
  async messagesBefore(
    roomId: string,
    beforeSeq: number | null,
    limit: number,
  ): Promise<MessageRow[]> {
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM message
       WHERE room_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint) AND deleted_at IS NULL
       ORDER BY seq DESC LIMIT $3`,
      [roomId, beforeSeq, limit],
    );
    return rows.reverse();
  }

  async findMessage(roomId: string, messageId: string): Promise<MessageRow | undefined> {
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM message WHERE room_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [roomId, messageId],
    );
    return rows[0];
  }

  async insertReport(r: {
    roomId: string;
    messageId: string;
    reporterMemberId: string;
    reason: string;
  }): Promise<string> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO message_report (room_id, message_id, reporter_member_id, reason) VALUES ($1, $2, $3, $4) RETURNING id`,
      [r.roomId, r.messageId, r.reporterMemberId, r.reason],
    );
    return rows[0]?.id as string;
  }

  // ---- schedule and retention ----

  /**
   * Brings every room to the status its schedule says now and returns the rooms that changed.
   * Idempotent: run by one instance at a time (transaction lock); a missed run is caught up by
   * the next, because the target status is computed from the clock, not from events.
   */
  async applySchedule(
    openBeforeMinutes: number,
    closeAfterMinutes: number,
  ): Promise<{ id: string; status: RoomStatus }[]> {
    return this.dataSource.transaction(async (tx) => {
      const locked = await tx.query<{ ok: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock(hashtext('room-schedule')) AS ok`,
      );
      if (locked[0]?.ok !== true) return [];
      return tx.query<{ id: string; status: RoomStatus }[]>(
        `WITH target AS (
           SELECT r.id,
             CASE
               WHEN r.override_status IS NOT NULL AND r.override_until > now() THEN r.override_status
               WHEN r.meeting_id IS NOT NULL THEN
                 CASE WHEN EXISTS (
                        SELECT 1 FROM meeting_occurrence o
                        WHERE o.meeting_id = r.meeting_id
                          AND o.starts_at - make_interval(mins => $1) <= now()
                          AND o.ends_at + make_interval(mins => $2) > now())
                      THEN 'open'
                      WHEN r.status = 'open' THEN 'closed'
                      ELSE r.status END
               WHEN r.opens_at IS NOT NULL AND r.opens_at <= now() AND (r.closes_at IS NULL OR r.closes_at > now()) THEN 'open'
               WHEN r.closes_at IS NOT NULL AND r.closes_at <= now() THEN 'closed'
               ELSE r.status
             END AS status
           FROM room r)
         , changed AS (
         UPDATE room r SET status = t.status,
                           closed_at = CASE WHEN t.status = 'closed' THEN now() ELSE r.closed_at END,
                           override_status = CASE WHEN r.override_until <= now() THEN NULL ELSE r.override_status END,
                           override_until = CASE WHEN r.override_until <= now() THEN NULL ELSE r.override_until END,
                           updated_at = now()
         FROM target t WHERE r.id = t.id AND r.status <> t.status
         RETURNING r.id, r.status)
         -- Selected from a CTE: TypeORM returns [rows, count] for a bare UPDATE … RETURNING.
         SELECT id, status FROM changed`,
        [openBeforeMinutes, closeAfterMinutes],
      );
    });
  }

  /** When the room's current or next window (open/close) is, for a meeting-linked room. */
  async meetingWindow(
    meetingId: string,
    openBeforeMinutes: number,
    closeAfterMinutes: number,
  ): Promise<{ opens_at: Date; closes_at: Date } | undefined> {
    const rows = await this.dataSource.query<{ opens_at: Date; closes_at: Date }[]>(
      `SELECT o.starts_at - make_interval(mins => $2) AS opens_at, o.ends_at + make_interval(mins => $3) AS closes_at
       FROM meeting_occurrence o
       WHERE o.meeting_id = $1 AND o.ends_at + make_interval(mins => $3) > now()
       ORDER BY o.starts_at LIMIT 1`,
      [meetingId, openBeforeMinutes, closeAfterMinutes],
    );
    return rows[0];
  }

  /** Deletes messages past their room's retention; returns how many went. */
  async purgeExpiredMessages(): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      `WITH gone AS (
         DELETE FROM message m USING room r
         WHERE m.room_id = r.id AND (
           (r.retention_days > 0 AND m.created_at < now() - make_interval(days => r.retention_days))
           OR (r.retention_days = 0 AND r.status <> 'open' AND r.closed_at IS NOT NULL AND m.created_at <= r.closed_at))
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
    );
    return rows[0]?.n ?? 0;
  }
}
