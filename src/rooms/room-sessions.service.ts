import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { isoInstant } from '../common/instants.js';
import { OneAtATime } from '../common/one-at-a-time.js';
import { TokenBuckets } from '../common/rate-limit/token-buckets.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Role } from '../facilitators/account.entity.js';
import { CONTROL_CHARACTERS } from '../meetings/meeting-record.js';
import type {
  HistoryDto,
  JoinRoomDto,
  ReportMessageDto,
  RoomRefDto,
  SendMessageDto,
  SyncDto,
} from './dto/room-event.dto.js';
import { NodeIdentity } from './realtime/node-identity.js';
import { RoomBroadcaster } from './realtime/room-broadcaster.js';
import { channels, type ClientEvents, type MemberRole, type MessageView } from './room-events.js';
import { isMuted, toMemberView, toMessageView } from './room.mapper.js';
import {
  RoomsRepository,
  type MemberRow,
  type RoomRow,
  type SenderRoom,
} from './rooms.repository.js';
import { RoomsService } from './rooms.service.js';
import { assessCrisis } from './safety/crisis.js';
import { crisisResources } from './safety/crisis-resources.js';
import { redactPersonalInfo } from './safety/redaction.js';
import { SeqOrder, type SeqTicket } from './seq-order.js';

export type SocketIdentity =
  | { kind: 'participant'; participantId: string }
  | { kind: 'account'; accountId: string; role: Role; expiresAt: number };

/** What the sessions need of a socket; the gateway adapts a Socket.IO socket to it. */
export interface SocketHandle {
  id: string;
  identity: SocketIdentity;
  join(rooms: string[]): void;
  leave(rooms: string[]): void;
  emit(
    event: 'safety',
    payload: { roomId: string; resources: ReturnType<typeof crisisResources> },
  ): void;
  typing(roomId: string, payload: { roomId: string; memberId: string; handle: string }): void;
}

const JOIN_HISTORY = 50;
const PRESENCE_COALESCE_MS = 100;
/** How long after dropping off someone still counts as present for locked or full rooms. */
const RETURNING_GRACE_SECONDS = 120;
const SYNC_LIMIT = 500;
const TYPING_EVERY_MS = 1500;
/**
 * Hand changes per member: 6 at once, then one every 3 s. Each one sends the whole room a new
 * room:state, so one member raising and lowering at the socket's event rate would have the
 * service push 20 updates a second to everyone present.
 */
const HAND_BURST = 6;
const HAND_CHANGES_PER_SECOND = 1 / 3;
/** Participants may not pass themselves off as the people who keep the room safe. */
const RESERVED_HANDLE = /\b(facilitator|moderator|admin|staff|host)\b/i;

function isDuplicateClientId(err: unknown): boolean {
  return (
    err instanceof QueryFailedError &&
    (err.driverError as { constraint?: string }).constraint === 'message_client_id_unique'
  );
}

function normalizeHandle(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ');
}

/** The participant side of a live room: everything a socket does between join and leave. */
@Injectable()
export class RoomSessionsService implements OnModuleDestroy {
  private readonly messageBuckets: TokenBuckets;
  private readonly handBuckets = new TokenBuckets(HAND_BURST, HAND_CHANGES_PER_SECOND);
  private readonly lastTyping = new Map<string, number>();
  private readonly pendingPresence = new Map<string, NodeJS.Timeout>();
  /** This instance's members see a room's messages in seq order. */
  private readonly seqOrder = new SeqOrder();
  /**
   * The member behind each of this instance's sockets in each of its rooms (socket id, then room
   * id), as joining recorded it: what a quick send checks and rate-limits before its one round
   * trip. A stale entry costs nothing but that: the statement checks it again.
   */
  private readonly connectionMembers = new Map<string, Map<string, string>>();
  /**
   * Joins to one room wait for each other anyway (the advisory lock in their transaction, for
   * every instance); here they wait in memory, so that a crowd arriving at once holds one of
   * the database pool's connections, not all of them, and the members already in the room are
   * not kept waiting for one to send a message.
   */
  private readonly joinsByRoom = new OneAtATime();

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly roomsService: RoomsService,
    private readonly broadcaster: RoomBroadcaster,
    private readonly node: NodeIdentity,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.messageBuckets = new TokenBuckets(
      config.rooms.messageBurst,
      config.rooms.messagesPerMinute / 60,
    );
  }

  onModuleDestroy(): void {
    this.messageBuckets.close();
    this.handBuckets.close();
    for (const timer of this.pendingPresence.values()) clearTimeout(timer);
  }

  async join(socket: SocketHandle, dto: JoinRoomDto): Promise<ClientEvents['room:join']> {
    const handle = normalizeHandle(dto.handle);
    this.checkHandle(handle, socket.identity);
    const room = await this.roomsService.require(dto.roomId);
    const role: MemberRole =
      socket.identity.kind === 'account' &&
      (await this.rooms.canModerate(socket.identity.accountId, socket.identity.role, room))
        ? 'facilitator'
        : 'participant';
    if (room.status === 'closed' || (room.status === 'scheduled' && role !== 'facilitator')) {
      throw new DomainError(
        'ROOM_CLOSED',
        room.status === 'closed' ? 'This room is closed' : 'This room has not opened yet',
      );
    }
    if (socket.identity.kind === 'participant') {
      const ban = await this.rooms.activeBan(
        socket.identity.participantId,
        room.id,
        room.meeting_group_id,
      );
      if (ban !== undefined) {
        throw new DomainError(
          'BANNED',
          ban.expires_at === null
            ? 'You are banned from this room'
            : `You are banned from this room until ${isoInstant(ban.expires_at)}`,
        );
      }
    }
    const alreadyHere = (await this.rooms.connectionMember(socket.id, room.id)) !== undefined;
    if (
      !alreadyHere &&
      (await this.rooms.socketRoomCount(socket.id)) >= this.config.rooms.maxRoomsPerSocket
    ) {
      throw new DomainError(
        'RATE_LIMITED',
        `One connection may be in at most ${this.config.rooms.maxRoomsPerSocket} rooms at once`,
      );
    }

    const member = await this.joinsByRoom.run(room.id, () =>
      this.rooms.transaction(async (tx) => {
        await this.rooms.lockRoomForJoin(tx, room.id);
        const identity =
          socket.identity.kind === 'participant'
            ? { participantId: socket.identity.participantId }
            : { accountId: socket.identity.accountId };
        const existing = await this.rooms.findMemberByIdentity(tx, room.id, identity);
        if (await this.rooms.handleTakenByOther(tx, room.id, handle, existing?.id ?? null)) {
          throw new DomainError(
            'HANDLE_TAKEN',
            `Someone in this room is already called "${handle}"`,
          );
        }
        // Someone who is here, or dropped off moments ago (a flaky connection), is not a newcomer.
        const returning =
          existing !== undefined &&
          existing.state === 'active' &&
          (await this.rooms.isPresentOrJustLeft(tx, existing.id, RETURNING_GRACE_SECONDS));
        if (role !== 'facilitator' && !returning) {
          if (room.locked)
            throw new DomainError(
              'ROOM_LOCKED',
              'This room is locked: no one new can join right now',
            );
          if ((await this.rooms.countPresent(tx, room.id)) >= this.config.rooms.maxMembers) {
            throw new DomainError('ROOM_LOCKED', 'This room is full');
          }
        }
        const state =
          role === 'participant' && room.waiting_room && !returning ? 'waiting' : 'active';
        const id = existing?.id ?? randomUUID();
        if (existing === undefined) {
          await this.rooms.insertMember(tx, {
            id,
            roomId: room.id,
            participantId:
              socket.identity.kind === 'participant' ? socket.identity.participantId : null,
            accountId: socket.identity.kind === 'account' ? socket.identity.accountId : null,
            handle,
            role,
            state,
          });
        } else {
          await this.rooms.updateMember(tx, id, {
            handle,
            role,
            state: existing.state === 'waiting' || state === 'waiting' ? state : 'active',
          });
        }
        await this.rooms.addConnection(tx, {
          socketId: socket.id,
          roomId: room.id,
          memberId: id,
          nodeId: this.node.id,
        });
        return (await this.rooms.findMember(id, tx)) as MemberRow;
      }),
    );

    // The member channel carries private events (admission, moderation, safety) to every
    // socket of this member, on any instance.
    socket.join([channels.member(member.id)]);
    this.rememberMember(socket.id, room.id, member.id);
    if (member.state === 'waiting') {
      await this.announceWaiting(room.id);
      throw new DomainError('WAITING_FOR_ADMISSION', 'A facilitator will let you in shortly');
    }
    socket.join(
      role === 'facilitator'
        ? [channels.room(room.id), channels.facilitators(room.id)]
        : [channels.room(room.id)],
    );
    const [state, members, messages] = await Promise.all([
      this.roomsService.state(room.id),
      this.presentViews(room.id),
      this.rooms.messagesBefore(room.id, null, JOIN_HISTORY),
    ]);
    this.announcePresence(room.id);
    return {
      room: state,
      self: toMemberView(member),
      members,
      messages: messages.map((m) => toMessageView(m, room.pinned_message_id)),
      ...(role === 'facilitator'
        ? { waiting: (await this.rooms.waitingMembers(room.id)).map((m) => toMemberView(m)) }
        : {}),
    };
  }

  async leave(socket: SocketHandle, dto: RoomRefDto): Promise<ClientEvents['room:leave']> {
    const memberId = await this.requireMembership(socket, dto.roomId);
    socket.leave([
      channels.room(dto.roomId),
      channels.facilitators(dto.roomId),
      channels.member(memberId),
    ]);
    this.connectionMembers.get(socket.id)?.delete(dto.roomId);
    await this.dropConnection(socket.id, dto.roomId);
    // Leaving on purpose is not dropping off: no grace for a seat or a raised hand.
    await this.rooms.leftOnPurpose(memberId);
    return {};
  }

  /** A socket went away: it leaves every room it was in. */
  async disconnect(socketId: string): Promise<void> {
    this.connectionMembers.delete(socketId);
    for (const roomId of await this.rooms.roomsOfSocket(socketId))
      await this.dropConnection(socketId, roomId);
  }

  private rememberMember(socketId: string, roomId: string, memberId: string): void {
    // A socket that went away meanwhile has been forgotten already (disconnect).
    if (!this.broadcaster.hasLocalSocket(socketId)) return;
    let rooms = this.connectionMembers.get(socketId);
    if (rooms === undefined) {
      rooms = new Map();
      this.connectionMembers.set(socketId, rooms);
    }
    rooms.set(roomId, memberId);
  }

  private async dropConnection(socketId: string, roomId: string): Promise<void> {
    const result = await this.rooms.removeConnection(socketId, roomId);
    if (result?.memberGone === true) {
      this.announcePresence(roomId);
    }
  }

  async send(socket: SocketHandle, dto: SendMessageDto): Promise<ClientEvents['message:send']> {
    return (await this.sendQuickly(socket, dto)) ?? (await this.sendCarefully(socket, dto));
  }

  /**
   * The common case in one round trip instead of two: a member this instance saw join, a body
   * with nothing to check against the room (no @mention) and nothing to refuse, within the rate
   * limit. The statement stores it only if the member may send now (storeMessageIfAllowed, the
   * checks of sendRefusal); anything else gives its token back and goes the careful way, which
   * words every refusal and answers retries, exactly as before.
   */
  private async sendQuickly(
    socket: SocketHandle,
    dto: SendMessageDto,
  ): Promise<ClientEvents['message:send'] | undefined> {
    const memberId = this.connectionMembers.get(socket.id)?.get(dto.roomId);
    if (memberId === undefined || dto.body.includes('@') || CONTROL_CHARACTERS.test(dto.body))
      return undefined;
    const redaction = redactPersonalInfo(dto.body);
    const body = redaction.text.trim();
    if (body === '' || !this.messageBuckets.take(memberId)) return undefined;
    const crisis = assessCrisis(dto.body);
    // Settled on every path below, as in sendCarefully.
    const ticket = this.seqOrder.begin(dto.roomId);
    let view: MessageView | undefined;
    try {
      const stored = await this.rooms.storeMessageIfAllowed({
        socketId: socket.id,
        roomId: dto.roomId,
        memberId,
        clientId: dto.clientId,
        body,
        at: new Date(),
      });
      if (stored !== undefined) view = toMessageView(stored.message, stored.room.pinned_message_id);
    } catch (err) {
      // A retry of a stored message is answered the careful way, with the first one.
      if (!isDuplicateClientId(err)) {
        ticket.cancel();
        throw err;
      }
    }
    if (view === undefined) {
      ticket.cancel();
      this.messageBuckets.putBack(memberId);
      return undefined;
    }
    this.deliver(ticket, socket, view, crisis);
    return { ...view, redactions: redaction.redacted };
  }

  private async sendCarefully(
    socket: SocketHandle,
    dto: SendMessageDto,
  ): Promise<ClientEvents['message:send']> {
    // Forgotten until it is found again: a member kicked out of the room stays out of the
    // quick way.
    this.connectionMembers.get(socket.id)?.delete(dto.roomId);
    const { room, member } = await this.sender(socket, dto.roomId);
    this.rememberMember(socket.id, room.id, member.id);
    const now = new Date();
    const refusal = this.sendRefusal(room, member, now, dto.body);
    if (refusal !== undefined) {
      // A retry of a message already stored gets that message, whatever has changed since.
      const existing = await this.rooms.findMessageByClientId(room.id, member.id, dto.clientId);
      if (existing !== undefined)
        return { ...toMessageView(existing, room.pinned_message_id), redactions: [] };
      throw refusal;
    }
    const redaction = await this.redactKeepingMentions(room.id, dto.body);
    const body = redaction.text.trim();
    if (body === '') throw new DomainError('VALIDATION_FAILED', 'body must not be empty');

    const crisis = assessCrisis(dto.body);
    // Settled on every path below: an unsettled ticket would hold up the room's later messages.
    const ticket = this.seqOrder.begin(room.id);
    let view: MessageView;
    try {
      const stored = await this.rooms.storeMessage({
        roomId: room.id,
        memberId: member.id,
        clientId: dto.clientId,
        body,
        handle: member.handle,
        role: member.role,
        at: now,
      });
      view = toMessageView(stored, room.pinned_message_id);
    } catch (err) {
      ticket.cancel();
      // A retry (or one racing its first attempt): the first one won, answer with it.
      if (isDuplicateClientId(err)) {
        const first = await this.rooms.findMessageByClientId(room.id, member.id, dto.clientId);
        if (first !== undefined)
          return { ...toMessageView(first, room.pinned_message_id), redactions: [] };
      }
      throw err;
    }
    this.deliver(ticket, socket, view, crisis);
    return { ...view, redactions: redaction.redacted };
  }

  /** A stored message goes to the room (in seq order), and crisis resources to its sender. */
  private deliver(
    ticket: SeqTicket,
    socket: SocketHandle,
    view: MessageView,
    crisis: ReturnType<typeof assessCrisis>,
  ): void {
    ticket.deliver(view.seq, () => {
      this.broadcaster.messageNew(view, socket.id);
      // After the message, so that facilitators know what it is about.
      if (crisis.atRisk)
        this.broadcaster.toFacilitators(view.roomId, 'safety:alert', {
          roomId: view.roomId,
          memberId: view.author.memberId,
          messageId: view.id,
          kinds: crisis.kinds,
        });
    });
    if (crisis.atRisk)
      socket.emit('safety', { roomId: view.roomId, resources: crisisResources(crisis.kinds) });
  }

  /**
   * Contact details go; @mentions of people in this room stay (a handle is only known inside
   * the room, so mentioning one shares nothing). Mentions are set aside before redaction and put
   * back after it.
   */
  private async redactKeepingMentions(
    roomId: string,
    body: string,
  ): Promise<ReturnType<typeof redactPersonalInfo>> {
    if (!body.includes('@')) return redactPersonalInfo(body);
    const handles = (await this.rooms.presentMembers(roomId))
      .map((m) => m.handle)
      .sort((a, b) => b.length - a.length);
    const kept: string[] = [];
    let text = body;
    for (const handle of handles) {
      const escaped = handle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      // Only a mention that starts a word and is not the domain part of an address.
      const pattern = new RegExp(
        `(?<![\\p{L}\\p{N}_.@+-])@${escaped}(?![\\p{L}\\p{N}_]|[.-][\\p{L}\\p{N}])`,
        'giu',
      );
      text = text.replace(pattern, (mention) => {
        kept.push(mention);
        return `\uE000${kept.length - 1}\uE001`;
      });
    }
    const result = redactPersonalInfo(text);
    return {
      ...result,
      text: result.text.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => kept[Number(i)] ?? ''),
    };
  }

  async sync(socket: SocketHandle, dto: SyncDto): Promise<ClientEvents['room:sync']> {
    const { room } = await this.activeMember(socket, dto.roomId);
    const rows = await this.rooms.messagesAfter(room.id, dto.afterSeq, SYNC_LIMIT + 1);
    return {
      messages: rows.slice(0, SYNC_LIMIT).map((m) => toMessageView(m, room.pinned_message_id)),
      hasMore: rows.length > SYNC_LIMIT,
    };
  }

  async history(socket: SocketHandle, dto: HistoryDto): Promise<ClientEvents['message:history']> {
    const { room } = await this.activeMember(socket, dto.roomId);
    const rows = await this.rooms.messagesBefore(room.id, dto.beforeSeq ?? null, dto.limit ?? 50);
    return { messages: rows.map((m) => toMessageView(m, room.pinned_message_id)) };
  }

  async report(
    socket: SocketHandle,
    dto: ReportMessageDto,
  ): Promise<ClientEvents['message:report']> {
    const { room, member } = await this.activeMember(socket, dto.roomId);
    const message = await this.rooms.findMessage(room.id, dto.messageId);
    if (message === undefined) throw new DomainError('NOT_FOUND', 'No such message in this room');
    const reason = redactPersonalInfo(dto.reason.trim()).text;
    const reportId = await this.rooms.insertReport({
      roomId: room.id,
      messageId: message.id,
      reporterMemberId: member.id,
      reason,
    });
    this.broadcaster.toFacilitators(room.id, 'report:new', {
      reportId,
      roomId: room.id,
      messageId: message.id,
      reason,
    });
    return { reportId };
  }

  async raiseHand(socket: SocketHandle, dto: RoomRefDto): Promise<ClientEvents['hand:raise']> {
    const { room, member } = await this.activeMember(socket, dto.roomId);
    this.takeHandChange(member.id);
    await this.rooms.setHandRaised(member.id, true);
    const position = await this.rooms.handPosition(room.id, member.id);
    await this.afterHandChange(room.id);
    return { position };
  }

  async lowerHand(socket: SocketHandle, dto: RoomRefDto): Promise<ClientEvents['hand:lower']> {
    const { room, member } = await this.activeMember(socket, dto.roomId);
    this.takeHandChange(member.id);
    await this.rooms.setHandRaised(member.id, false);
    await this.afterHandChange(room.id);
    return {};
  }

  private takeHandChange(memberId: string): void {
    if (!this.handBuckets.take(memberId))
      throw new DomainError(
        'RATE_LIMITED',
        'You are raising and lowering your hand too often; wait a moment',
      );
  }

  private async afterHandChange(roomId: string): Promise<void> {
    this.announcePresence(roomId);
    await this.roomsService.broadcastState(roomId);
  }

  /** Typing is best effort: throttled, volatile, and silent when not allowed. */
  async typing(socket: SocketHandle, dto: RoomRefDto): Promise<void> {
    // Throttled before any database work: a client flooding typing events costs a map lookup
    // each, not a query.
    const key = `${socket.id} ${dto.roomId}`;
    const now = Date.now();
    if (now - (this.lastTyping.get(key) ?? 0) < TYPING_EVERY_MS) return;
    this.lastTyping.set(key, now);
    if (this.lastTyping.size > 50_000) {
      for (const [k, at] of this.lastTyping)
        if (now - at >= TYPING_EVERY_MS) this.lastTyping.delete(k);
    }
    const memberId = await this.rooms.connectionMember(socket.id, dto.roomId);
    if (memberId === undefined) return;
    const member = await this.rooms.findMember(memberId);
    if (member === undefined || member.state !== 'active') return;
    socket.typing(dto.roomId, { roomId: dto.roomId, memberId, handle: member.handle });
  }

  /** Why this member may not send now, or undefined. Takes a token from the rate limit. */
  private sendRefusal(
    room: SenderRoom,
    member: MemberRow,
    now: Date,
    body: string,
  ): DomainError | undefined {
    if (room.status !== 'open') return new DomainError('ROOM_CLOSED', 'This room is not open');
    if (isMuted(member, now))
      return new DomainError('MUTED', 'A facilitator has muted you for now');
    if (
      member.role !== 'facilitator' &&
      room.slow_mode_seconds > 0 &&
      member.last_sent_at !== null
    ) {
      const waitMs = member.last_sent_at.getTime() + room.slow_mode_seconds * 1000 - now.getTime();
      if (waitMs > 0)
        return new DomainError(
          'SLOW_MODE',
          `Slow mode: you can send again in ${Math.ceil(waitMs / 1000)} s`,
        );
    }
    if (!this.messageBuckets.take(member.id))
      return new DomainError('RATE_LIMITED', 'You are sending messages too fast; wait a moment');
    if (CONTROL_CHARACTERS.test(body))
      return new DomainError('VALIDATION_FAILED', 'body must not contain control characters');
    return undefined;
  }

  private async sender(
    socket: SocketHandle,
    roomId: string,
  ): Promise<{ room: SenderRoom; member: MemberRow }> {
    const found = await this.rooms.findSender(socket.id, roomId);
    if (found === undefined)
      throw new DomainError('NOT_IN_ROOM', 'Join the room first (room:join)');
    if (found.member.state === 'waiting')
      throw new DomainError('WAITING_FOR_ADMISSION', 'A facilitator will let you in shortly');
    if (found.member.state !== 'active')
      throw new DomainError('NOT_IN_ROOM', 'Join the room first (room:join)');
    return found;
  }

  private async requireMembership(socket: SocketHandle, roomId: string): Promise<string> {
    const memberId = await this.rooms.connectionMember(socket.id, roomId);
    if (memberId === undefined)
      throw new DomainError('NOT_IN_ROOM', 'Join the room first (room:join)');
    return memberId;
  }

  private async activeMember(
    socket: SocketHandle,
    roomId: string,
  ): Promise<{ room: RoomRow; member: MemberRow }> {
    const memberId = await this.requireMembership(socket, roomId);
    const [room, member] = await Promise.all([
      this.rooms.findRoom(roomId),
      this.rooms.findMember(memberId),
    ]);
    if (room === undefined || member === undefined)
      throw new DomainError('NOT_FOUND', 'No such room');
    if (member.state === 'waiting')
      throw new DomainError('WAITING_FOR_ADMISSION', 'A facilitator will let you in shortly');
    if (member.state !== 'active')
      throw new DomainError('NOT_IN_ROOM', 'Join the room first (room:join)');
    return { room, member };
  }

  /**
   * Tells the room who is here, shortly: changes within PRESENCE_COALESCE_MS go out as one
   * update. Without that, 500 people arriving would send 500 lists of up to 500 members to up
   * to 500 people, and everything else would queue behind them.
   */
  announcePresence(roomId: string): void {
    if (this.pendingPresence.has(roomId)) return;
    const timer = setTimeout(() => {
      this.pendingPresence.delete(roomId);
      this.presentViews(roomId).then(
        (members) => this.broadcaster.presence({ roomId, members }),
        () => undefined,
      );
    }, PRESENCE_COALESCE_MS);
    timer.unref();
    this.pendingPresence.set(roomId, timer);
  }

  /** Facilitators see who waits to be admitted (room:waiting), whenever that changes. */
  async announceWaiting(roomId: string): Promise<void> {
    const now = new Date();
    const members = (await this.rooms.waitingMembers(roomId)).map((m) => toMemberView(m, now));
    this.broadcaster.toFacilitators(roomId, 'room:waiting', { roomId, members });
  }

  async presentViews(roomId: string): Promise<ReturnType<typeof toMemberView>[]> {
    const now = new Date();
    return (await this.rooms.presentMembers(roomId)).map((m) => toMemberView(m, now));
  }

  private checkHandle(handle: string, identity: SocketIdentity): void {
    const fail = (message: string): never => {
      throw new DomainError('VALIDATION_FAILED', message, [{ field: 'handle', message }]);
    };
    if (handle.length < 1 || handle.length > 24) fail('handle must be 1 to 24 characters');
    if (CONTROL_CHARACTERS.test(handle)) fail('handle must not contain control characters');
    // Handles are public within the room: no way to reach the person outside it.
    if (redactPersonalInfo(handle).count > 0)
      fail('handle must not contain an email address, phone number, link or social handle');
    if (identity.kind === 'participant' && RESERVED_HANDLE.test(handle))
      fail('handle must not suggest you run the room');
  }
}
