import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { isoInstant } from '../common/instants.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Account } from '../facilitators/account.entity.js';
import { MeetingsRepository } from '../meetings/meetings.repository.js';
import type {
  CreateRoomDto,
  ListRoomsQueryDto,
  RoomDto,
  RoomPageDto,
  UpdateRoomDto,
} from './dto/room-rest.dto.js';
import { RoomBroadcaster } from './realtime/room-broadcaster.js';
import type { RoomStateView } from './room-events.js';
import { toMessageView } from './room.mapper.js';
import { RoomsRepository, type RoomRow } from './rooms.repository.js';

/** Rooms as REST resources, and the state every member sees (room:state). */
@Injectable()
export class RoomsService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly meetings: MeetingsRepository,
    private readonly broadcaster: RoomBroadcaster,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(query: ListRoomsQueryDto): Promise<RoomPageDto> {
    const limit = query.limit ?? 25;
    const rows = await this.rooms.listRooms(decodeRoomCursor(query.cursor), limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await Promise.all(page.map((row) => this.toDto(row))),
      nextCursor: rows.length > limit && last !== undefined ? encodeRoomCursor(last) : null,
    };
  }

  async get(id: string): Promise<RoomDto> {
    return this.toDto(await this.require(id));
  }

  async require(id: string): Promise<RoomRow> {
    const room = /^[0-9a-f-]{36}$/i.test(id) ? await this.rooms.findRoom(id) : undefined;
    if (room === undefined) throw new DomainError('NOT_FOUND', `No room with id "${id}"`);
    return room;
  }

  async create(dto: CreateRoomDto, account: Account): Promise<RoomDto> {
    let meetingId: string | null = null;
    if (dto.meetingSlug !== undefined) {
      const meeting = await this.meetings.findStoredBySlug(dto.meetingSlug);
      if (meeting === undefined)
        throw new DomainError('NOT_FOUND', `No meeting with slug "${dto.meetingSlug}"`);
      if (account.role !== 'admin' && !(await this.meetings.isAssigned(account.id, meeting))) {
        throw new DomainError('FORBIDDEN', 'You are not assigned to this meeting or its group');
      }
      if ((await this.rooms.roomIdForMeeting(meeting.id)) !== undefined) {
        throw new DomainError('CONFLICT', 'This meeting already has a room');
      }
      meetingId = meeting.id;
    }
    const opensAt = dto.opensAt == null ? null : new Date(dto.opensAt);
    const closesAt = dto.closesAt == null ? null : new Date(dto.closesAt);
    checkWindow(opensAt, closesAt);
    const id = await this.rooms.insertRoom({
      name: dto.name.trim(),
      meetingId,
      opensAt: meetingId === null ? opensAt : null,
      closesAt: meetingId === null ? closesAt : null,
      waitingRoom: dto.waitingRoom ?? false,
      shareSeconds: dto.shareSeconds ?? 180,
      retentionDays: dto.retentionDays ?? 30,
      guidelines: blankToNull(dto.guidelines),
    });
    // Whoever creates a room looks after it.
    if (account.role !== 'admin' && meetingId === null) await this.rooms.assignRoom(account.id, id);
    await this.applySchedule();
    return this.get(id);
  }

  async update(id: string, dto: UpdateRoomDto, account: Account): Promise<RoomDto> {
    const room = await this.requireModerated(id, account);
    const changes: Record<string, unknown> = {};
    if (dto.name !== undefined) changes.name = dto.name.trim();
    if (dto.waitingRoom !== undefined) changes.waiting_room = dto.waitingRoom;
    if (dto.shareSeconds !== undefined) changes.share_seconds = dto.shareSeconds;
    if (dto.retentionDays !== undefined) changes.retention_days = dto.retentionDays;
    if (dto.guidelines !== undefined) changes.guidelines = blankToNull(dto.guidelines);
    if (dto.opensAt !== undefined || dto.closesAt !== undefined) {
      if (room.meeting_id !== null) {
        throw new DomainError(
          'VALIDATION_FAILED',
          'A room that hosts a meeting follows the meeting’s schedule',
          [
            {
              field: dto.opensAt !== undefined ? 'opensAt' : 'closesAt',
              message: 'not settable for a meeting’s room',
            },
          ],
        );
      }
      const opensAt =
        dto.opensAt === undefined
          ? room.opens_at
          : dto.opensAt === null
            ? null
            : new Date(dto.opensAt);
      const closesAt =
        dto.closesAt === undefined
          ? room.closes_at
          : dto.closesAt === null
            ? null
            : new Date(dto.closesAt);
      checkWindow(opensAt, closesAt);
      Object.assign(changes, {
        opens_at: opensAt,
        closes_at: closesAt,
        override_status: null,
        override_until: null,
      });
    }
    if (dto.status !== undefined) Object.assign(changes, await this.overrideFor(room, dto.status));
    await this.rooms.updateRoom(room.id, changes);
    await this.applySchedule();
    await this.broadcastState(room.id);
    return this.get(room.id);
  }

  /** Opening or closing by hand holds until the room's next scheduled change. */
  private async overrideFor(
    room: RoomRow,
    status: 'open' | 'closed',
  ): Promise<Record<string, unknown>> {
    let until: Date | string = 'infinity';
    if (room.meeting_id !== null) {
      const window = await this.rooms.meetingWindow(
        room.meeting_id,
        this.config.rooms.openBeforeMinutes,
        this.config.rooms.closeAfterMinutes,
      );
      if (window !== undefined) {
        const inWindow = window.opens_at.getTime() <= Date.now();
        until =
          status === 'closed' ? window.closes_at : inWindow ? window.closes_at : window.opens_at;
      }
    }
    return { override_status: status, override_until: until };
  }

  /** Closed by a facilitator: everyone leaves, and it stays closed until its next opening. */
  async closeByHand(room: RoomRow): Promise<void> {
    await this.rooms.updateRoom(room.id, await this.overrideFor(room, 'closed'));
    await this.applySchedule();
  }

  async requireModerated(id: string, account: Account): Promise<RoomRow> {
    const room = await this.require(id);
    if (!(await this.rooms.canModerate(account.id, account.role, room))) {
      throw new DomainError(
        'FORBIDDEN',
        'You are not assigned to this room, its meeting or its group',
      );
    }
    return room;
  }

  /** Applies the schedule now and tells the affected rooms. */
  async applySchedule(): Promise<void> {
    const changed = await this.rooms.applySchedule(
      this.config.rooms.openBeforeMinutes,
      this.config.rooms.closeAfterMinutes,
    );
    for (const room of changed) {
      if (room.status === 'closed') {
        await this.rooms.endConnections(room.id);
        this.broadcaster.roomClosed(room.id);
      } else {
        if (room.status === 'open') await this.rooms.resetPresence(room.id);
        await this.broadcastState(room.id);
      }
    }
  }

  async state(roomId: string): Promise<RoomStateView> {
    const room = await this.require(roomId);
    const [pinned, shareQueue] = await Promise.all([
      room.pinned_message_id === null
        ? undefined
        : this.rooms.findMessage(room.id, room.pinned_message_id),
      this.rooms.shareQueue(room.id),
    ]);
    return {
      id: room.id,
      name: room.name,
      status: room.status,
      locked: room.locked,
      slowModeSeconds: room.slow_mode_seconds,
      waitingRoom: room.waiting_room,
      pinned: pinned === undefined ? null : toMessageView(pinned, room.pinned_message_id),
      shareQueue,
      floor:
        room.floor_member_id !== null &&
        room.floor_ends_at !== null &&
        room.floor_ends_at.getTime() > Date.now()
          ? { memberId: room.floor_member_id, endsAt: isoInstant(room.floor_ends_at) }
          : null,
    };
  }

  async broadcastState(roomId: string): Promise<void> {
    this.broadcaster.roomState(await this.state(roomId));
  }

  private async toDto(room: RoomRow): Promise<RoomDto> {
    let opensAt = room.opens_at;
    let closesAt = room.closes_at;
    if (room.meeting_id !== null) {
      const window = await this.rooms.meetingWindow(
        room.meeting_id,
        this.config.rooms.openBeforeMinutes,
        this.config.rooms.closeAfterMinutes,
      );
      opensAt = window?.opens_at ?? null;
      closesAt = window?.closes_at ?? null;
    }
    return {
      id: room.id,
      name: room.name,
      meetingSlug: room.meeting_slug,
      status: room.status,
      opensAt: opensAt === null ? null : isoInstant(opensAt),
      closesAt: closesAt === null ? null : isoInstant(closesAt),
      memberCount: room.member_count,
      locked: room.locked,
      waitingRoom: room.waiting_room,
      slowModeSeconds: room.slow_mode_seconds,
      shareSeconds: room.share_seconds,
      retentionDays: room.retention_days,
      guidelines: room.guidelines,
    };
  }
}

/** Guidelines that are only whitespace mean "use the general ones". */
function blankToNull(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function checkWindow(opensAt: Date | null, closesAt: Date | null): void {
  if (opensAt !== null && closesAt !== null && closesAt.getTime() <= opensAt.getTime()) {
    throw new DomainError('VALIDATION_FAILED', 'closesAt must be after opensAt', [
      { field: 'closesAt', message: 'must be after opensAt' },
    ]);
  }
}

function encodeRoomCursor(room: RoomRow): string {
  return Buffer.from(JSON.stringify({ n: room.name, i: room.id })).toString('base64url');
}

function decodeRoomCursor(cursor: string | undefined): { name: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { n, i } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      n?: unknown;
      i?: unknown;
    };
    if (typeof n === 'string' && typeof i === 'string' && /^[0-9a-f-]{36}$/.test(i))
      return { name: n, id: i };
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API gave out', [
    { field: 'cursor', message: 'pass nextCursor from the previous page unchanged' },
  ]);
}
