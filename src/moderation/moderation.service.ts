import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error.js';
import { isoInstant } from '../common/instants.js';
import type { Account } from '../facilitators/account.entity.js';
import { AccountsService } from '../facilitators/accounts.service.js';
import type { RoomRefDto } from '../rooms/dto/room-event.dto.js';
import { RoomBroadcaster } from '../rooms/realtime/room-broadcaster.js';
import type { RoomStateView } from '../rooms/room-events.js';
import type { SocketHandle } from '../rooms/room-sessions.service.js';
import { RoomSessionsService } from '../rooms/room-sessions.service.js';
import { RoomsRepository, type MemberRow, type RoomRow } from '../rooms/rooms.repository.js';
import { RoomsService } from '../rooms/rooms.service.js';
import type {
  AdmitDto,
  BanDto,
  MemberActionDto,
  MessageActionDto,
  MuteDto,
  PinDto,
  RoomUpdateDto,
} from './dto/moderation-event.dto.js';
import { ModerationRepository } from './moderation.repository.js';

type Empty = Record<string, never>;

/** The facilitator side of a live room: every `mod:*`, `room:update`, `share:*`, `room:close`. */
@Injectable()
export class ModerationService {
  private readonly floorTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly roomsService: RoomsService,
    private readonly sessions: RoomSessionsService,
    private readonly broadcaster: RoomBroadcaster,
    private readonly moderation: ModerationRepository,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * The acting account, checked again on every action: a disabled or re-roled account loses
   * its powers at once, even on a socket that was opened before.
   */
  private async requireModerator(
    socket: SocketHandle,
    roomId: string,
  ): Promise<{ room: RoomRow; actor: Account }> {
    const identity = socket.identity;
    if (identity.kind !== 'account')
      throw new DomainError('FORBIDDEN', 'Only the room’s facilitators may do this');
    // Powers last as long as the token the socket was opened with.
    if (identity.expiresAt <= Date.now()) {
      throw new DomainError(
        'UNAUTHORIZED',
        'Your sign-in has expired; sign in again and reconnect',
      );
    }
    const actor = await this.accounts.findEnabled(identity.accountId);
    if (actor === undefined) throw new DomainError('FORBIDDEN', 'This account is disabled');
    const room = await this.roomsService.require(roomId);
    if (!(await this.rooms.canModerate(actor.id, actor.role, room))) {
      throw new DomainError(
        'FORBIDDEN',
        'You are not assigned to this room, its meeting or its group',
      );
    }
    return { room, actor };
  }

  private async targetMember(room: RoomRow, memberId: string, action: string): Promise<MemberRow> {
    const member = await this.rooms.findMember(memberId);
    if (member === undefined || member.room_id !== room.id)
      throw new DomainError('NOT_FOUND', 'No such member in this room');
    if (member.role === 'facilitator' && action !== 'admit') {
      throw new DomainError('FORBIDDEN', 'Facilitators cannot be muted, kicked or banned');
    }
    return member;
  }

  private async record(
    actor: Account,
    action: string,
    room: RoomRow,
    extra: { memberId?: string; messageId?: string; reason?: string | undefined },
  ): Promise<void> {
    await this.moderation.audit({
      actorId: actor.id,
      actorDisplayName: actor.displayName,
      action,
      roomId: room.id,
      memberId: extra.memberId ?? null,
      messageId: extra.messageId ?? null,
      reason: extra.reason ?? null,
    });
  }

  async mute(socket: SocketHandle, dto: MuteDto): Promise<Empty> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    const member = await this.targetMember(room, dto.memberId, 'mute');
    const until = dto.minutes === undefined ? null : new Date(Date.now() + dto.minutes * 60_000);
    await this.rooms.setMuted(member.id, until ?? 'infinity');
    await this.record(actor, 'mute', room, { memberId: member.id, reason: dto.reason });
    this.broadcaster.toMember(member.id, 'moderation', {
      roomId: room.id,
      action: 'muted',
      ...(until === null ? {} : { until: isoInstant(until) }),
      ...(dto.reason === undefined ? {} : { reason: dto.reason }),
    });
    this.sessions.announcePresence(room.id);
    return {};
  }

  async unmute(socket: SocketHandle, dto: MemberActionDto): Promise<Empty> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    const member = await this.targetMember(room, dto.memberId, 'unmute');
    await this.rooms.setMuted(member.id, null);
    await this.record(actor, 'unmute', room, { memberId: member.id, reason: dto.reason });
    this.broadcaster.toMember(member.id, 'moderation', {
      roomId: room.id,
      action: 'unmuted',
      ...(dto.reason === undefined ? {} : { reason: dto.reason }),
    });
    this.sessions.announcePresence(room.id);
    return {};
  }

  /** Out of the room now, on every instance; they may come back (unless banned). */
  private async remove(room: RoomRow, member: MemberRow): Promise<void> {
    await this.rooms.endMemberConnections(room.id, member.id);
    await this.rooms.setMemberState(member.id, 'left');
    if (room.floor_member_id === member.id) await this.rooms.setFloor(room.id, null, null);
    this.broadcaster.removeMember(member.id, room.id);
    this.sessions.announcePresence(room.id);
    await this.roomsService.broadcastState(room.id);
  }

  async kick(socket: SocketHandle, dto: MemberActionDto): Promise<Empty> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    const member = await this.targetMember(room, dto.memberId, 'kick');
    await this.record(actor, 'kick', room, { memberId: member.id, reason: dto.reason });
    this.broadcaster.toMember(member.id, 'moderation', {
      roomId: room.id,
      action: 'kicked',
      ...(dto.reason === undefined ? {} : { reason: dto.reason }),
    });
    await this.remove(room, member);
    return {};
  }

  async ban(socket: SocketHandle, dto: BanDto): Promise<Empty> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    const member = await this.targetMember(room, dto.memberId, 'ban');
    if (member.participant_id === null)
      throw new DomainError('FORBIDDEN', 'Only participants can be banned');
    const scope = dto.scope ?? 'room';
    if (scope === 'group' && room.meeting_group_id === null) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'This room belongs to no group; ban from the room instead',
        [{ field: 'scope', message: 'this room has no group' }],
      );
    }
    const until = dto.minutes === undefined ? null : new Date(Date.now() + dto.minutes * 60_000);
    await this.moderation.ban({
      participantId: member.participant_id,
      roomId: scope === 'room' ? room.id : null,
      groupId: scope === 'group' ? room.meeting_group_id : null,
      expiresAt: until,
      reason: dto.reason ?? null,
    });
    await this.record(actor, scope === 'group' ? 'ban:group' : 'ban', room, {
      memberId: member.id,
      reason: dto.reason,
    });
    const banned = (target: RoomRow, targetMember: MemberRow): void =>
      this.broadcaster.toMember(targetMember.id, 'moderation', {
        roomId: target.id,
        action: 'banned',
        ...(until === null ? {} : { until: isoInstant(until) }),
        ...(dto.reason === undefined ? {} : { reason: dto.reason }),
      });
    banned(room, member);
    await this.remove(room, member);
    if (scope === 'group') {
      // Out of the group's other rooms too, right now: not just barred from coming back.
      for (const other of await this.rooms.presentMembershipsInGroup(
        member.participant_id,
        room.meeting_group_id as string,
      )) {
        if (other.room_id === room.id) continue;
        const otherRoom = await this.rooms.findRoom(other.room_id);
        if (otherRoom === undefined) continue;
        banned(otherRoom, other);
        await this.remove(otherRoom, other);
      }
    }
    return {};
  }

  async deleteMessage(socket: SocketHandle, dto: MessageActionDto): Promise<Empty> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    if (!(await this.rooms.deleteMessage(room.id, dto.messageId)))
      throw new DomainError('NOT_FOUND', 'No such message in this room');
    await this.record(actor, 'delete', room, { messageId: dto.messageId, reason: dto.reason });
    this.broadcaster.messageDeleted({ roomId: room.id, messageId: dto.messageId });
    if (room.pinned_message_id === dto.messageId) {
      await this.rooms.updateRoom(room.id, { pinned_message_id: null });
      await this.roomsService.broadcastState(room.id);
    }
    return {};
  }

  async pin(socket: SocketHandle, dto: PinDto): Promise<RoomStateView> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    if (
      dto.messageId !== null &&
      (await this.rooms.findMessage(room.id, dto.messageId)) === undefined
    ) {
      throw new DomainError('NOT_FOUND', 'No such message in this room');
    }
    await this.rooms.updateRoom(room.id, { pinned_message_id: dto.messageId });
    await this.record(actor, dto.messageId === null ? 'unpin' : 'pin', room, {
      ...(dto.messageId === null ? {} : { messageId: dto.messageId }),
    });
    return this.stateChanged(room.id);
  }

  async admit(socket: SocketHandle, dto: AdmitDto): Promise<Empty> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    const member = await this.targetMember(room, dto.memberId, 'admit');
    if (member.state !== 'waiting') throw new DomainError('CONFLICT', 'This member is not waiting');
    await this.rooms.setMemberState(member.id, 'active');
    // Time in the waiting room is not time in the meeting.
    await this.rooms.startPresence(member.id);
    await this.record(actor, 'admit', room, { memberId: member.id });
    this.broadcaster.toMember(member.id, 'moderation', { roomId: room.id, action: 'admitted' });
    await this.sessions.announceWaiting(room.id);
    return {};
  }

  async updateRoom(socket: SocketHandle, dto: RoomUpdateDto): Promise<RoomStateView> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    const changes: Record<string, unknown> = {};
    if (dto.locked !== undefined) changes.locked = dto.locked;
    if (dto.slowModeSeconds !== undefined) changes.slow_mode_seconds = dto.slowModeSeconds;
    if (dto.shareSeconds !== undefined) changes.share_seconds = dto.shareSeconds;
    if (dto.waitingRoom !== undefined) changes.waiting_room = dto.waitingRoom;
    await this.rooms.updateRoom(room.id, changes);
    const summary = Object.entries(changes)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    await this.record(actor, 'room:update', room, { reason: summary === '' ? undefined : summary });
    return this.stateChanged(room.id);
  }

  /** The first raised hand gets the floor for the room's share time; their hand comes down. */
  async shareNext(socket: SocketHandle, dto: RoomRefDto): Promise<RoomStateView> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    // The first raised hand of someone here now; those who dropped keep their place, not the turn.
    const next = (await this.rooms.shareQueuePresent(room.id))[0];
    if (next === undefined) throw new DomainError('CONFLICT', 'No one here has a hand raised');
    const endsAt = new Date(Date.now() + room.share_seconds * 1000);
    await this.rooms.setHandRaised(next, false);
    await this.rooms.setFloor(room.id, next, endsAt);
    this.scheduleFloorEnd(room.id, endsAt);
    await this.record(actor, 'share:next', room, { memberId: next });
    await this.presenceAndState(room.id);
    return this.roomsService.state(room.id);
  }

  async shareEnd(socket: SocketHandle, dto: RoomRefDto): Promise<RoomStateView> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    await this.rooms.setFloor(room.id, null, null);
    await this.record(actor, 'share:end', room, {
      ...(room.floor_member_id === null ? {} : { memberId: room.floor_member_id }),
    });
    clearTimeout(this.floorTimers.get(room.id));
    return this.stateChanged(room.id);
  }

  async closeRoom(socket: SocketHandle, dto: RoomRefDto): Promise<Empty> {
    const { room, actor } = await this.requireModerator(socket, dto.roomId);
    await this.record(actor, 'room:close', room, {});
    await this.roomsService.closeByHand(room);
    return {};
  }

  /** When the share time runs out the floor clears itself (the scheduler catches any miss). */
  private scheduleFloorEnd(roomId: string, endsAt: Date): void {
    clearTimeout(this.floorTimers.get(roomId));
    const timer = setTimeout(
      () => {
        this.floorTimers.delete(roomId);
        void this.rooms
          .clearExpiredFloors()
          .then((rooms) => Promise.all(rooms.map((id) => this.roomsService.broadcastState(id))))
          .catch(() => undefined);
      },
      Math.max(0, endsAt.getTime() - Date.now()) + 50,
    );
    timer.unref();
    this.floorTimers.set(roomId, timer);
  }

  private async presenceAndState(roomId: string): Promise<void> {
    this.sessions.announcePresence(roomId);
    await this.roomsService.broadcastState(roomId);
  }

  private async stateChanged(roomId: string): Promise<RoomStateView> {
    const state = await this.roomsService.state(roomId);
    this.broadcaster.roomState(state);
    return state;
  }
}
