import { UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { payloadShapeProblem } from '../common/payload-shape.js';
import { TokenBuckets } from '../common/rate-limit/token-buckets.js';
import {
  HistoryDto,
  JoinRoomDto,
  ReportMessageDto,
  RoomRefDto,
  SendMessageDto,
  SyncDto,
} from './dto/room-event.dto.js';
import { RoomBroadcaster } from './realtime/room-broadcaster.js';
import { SocketAuth, type RoomSocketData } from './realtime/socket-auth.js';
import { errorAck, WsAckExceptionFilter, wsValidationPipe } from './realtime/ws-errors.js';
import { channels, CLIENT_EVENT_NAMES, type Ack, type ClientEvents } from './room-events.js';
import { RoomSessionsService, type SocketHandle } from './room-sessions.service.js';
import { DomainError } from '../common/errors/domain-error.js';
import { CertificateRequestDto } from '../attendance/dto/attendance.dto.js';
import { AttendanceService } from '../attendance/attendance.service.js';
import {
  AdmitDto,
  BanDto,
  MemberActionDto,
  MessageActionDto,
  MuteDto,
  PinDto,
  RoomUpdateDto,
} from '../moderation/dto/moderation-event.dto.js';
import { ModerationService } from '../moderation/moderation.service.js';

/** Events per socket: a burst of 40, then 20 a second. Beyond that, events are refused. */
const socketEvents = new TokenBuckets(40, 20);

function ok<T>(data: T): Ack<T> {
  return { ok: true, data };
}

function handleOf(socket: Socket): SocketHandle {
  return {
    id: socket.id,
    identity: (socket.data as RoomSocketData).identity,
    join: (rooms) => void socket.join(rooms),
    leave: (rooms) => {
      for (const room of rooms) void socket.leave(room);
    },
    emit: (event, payload) => socket.emit(event, payload),
    typing: (roomId, payload) => socket.to(channels.room(roomId)).volatile.emit('typing', payload),
  };
}

/** Namespace /rooms. Thin: each event hands its validated payload to RoomSessionsService. */
@WebSocketGateway({ namespace: '/rooms' })
@UseFilters(WsAckExceptionFilter)
@UsePipes(wsValidationPipe)
export class RoomsGateway
  implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket>
{
  constructor(
    private readonly sessions: RoomSessionsService,
    private readonly auth: SocketAuth,
    private readonly broadcaster: RoomBroadcaster,
    private readonly moderation: ModerationService,
    private readonly attendance: AttendanceService,
  ) {}

  afterInit(namespace: Namespace): void {
    this.broadcaster.attach(namespace);
    // Before the WebSocket upgrade: floods of connections are refused there, at a fraction of
    // the cost of a refused handshake.
    namespace.server.engine.use(this.auth.upgradeMiddleware());
    namespace.use(this.auth.middleware());
  }

  handleConnection(socket: Socket): void {
    const identity = (socket.data as RoomSocketData).identity;
    // So that disabling an account can end its sockets on every instance.
    if (identity.kind === 'account') void socket.join(channels.account(identity.accountId));
    // A flooding client is cut off at its own socket, before any work is done for it.
    socket.use((packet, next) => {
      const ack: unknown = packet.at(-1);
      const refuse = (error: DomainError): void => {
        if (typeof ack === 'function') (ack as (reply: Ack<never>) => void)(errorAck(error));
      };
      if (!socketEvents.take(socket.id)) {
        refuse(new DomainError('RATE_LIMITED', 'Too many events; slow down'));
        return;
      }
      if (typeof packet[0] !== 'string' || !CLIENT_EVENT_NAMES.has(packet[0])) {
        refuse(new DomainError('VALIDATION_FAILED', 'Unknown event'));
        return;
      }
      const args: unknown[] = typeof ack === 'function' ? packet.slice(1, -1) : packet.slice(1);
      const problem = args
        .map((arg) => payloadShapeProblem(arg, { prototypeKeys: true }))
        .find((found) => found !== undefined);
      if (problem !== undefined) {
        refuse(
          new DomainError(
            'VALIDATION_FAILED',
            problem === 'too-deep'
              ? 'Payload is nested too deeply'
              : 'Payload must not contain __proto__, constructor or prototype keys',
          ),
        );
        return;
      }
      next();
    });
  }

  handleDisconnect(socket: Socket): void {
    socketEvents.forget(socket.id);
    void this.sessions.disconnect(socket.id).catch(() => undefined);
  }

  @SubscribeMessage('room:join')
  async join(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: JoinRoomDto,
  ): Promise<Ack<ClientEvents['room:join']>> {
    return ok(await this.sessions.join(handleOf(socket), dto));
  }

  @SubscribeMessage('room:leave')
  async leave(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<ClientEvents['room:leave']>> {
    return ok(await this.sessions.leave(handleOf(socket), dto));
  }

  @SubscribeMessage('message:send')
  async send(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: SendMessageDto,
  ): Promise<Ack<ClientEvents['message:send']>> {
    return ok(await this.sessions.send(handleOf(socket), dto));
  }

  @SubscribeMessage('room:sync')
  async sync(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: SyncDto,
  ): Promise<Ack<ClientEvents['room:sync']>> {
    return ok(await this.sessions.sync(handleOf(socket), dto));
  }

  @SubscribeMessage('message:history')
  async history(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: HistoryDto,
  ): Promise<Ack<ClientEvents['message:history']>> {
    return ok(await this.sessions.history(handleOf(socket), dto));
  }

  @SubscribeMessage('message:report')
  async report(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: ReportMessageDto,
  ): Promise<Ack<ClientEvents['message:report']>> {
    return ok(await this.sessions.report(handleOf(socket), dto));
  }

  @SubscribeMessage('hand:raise')
  async raiseHand(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<ClientEvents['hand:raise']>> {
    return ok(await this.sessions.raiseHand(handleOf(socket), dto));
  }

  @SubscribeMessage('hand:lower')
  async lowerHand(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<ClientEvents['hand:lower']>> {
    return ok(await this.sessions.lowerHand(handleOf(socket), dto));
  }

  @SubscribeMessage('typing')
  /** Needs no ack; one that is given is answered, so a client awaiting it does not hang. */
  async typing(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<Record<string, never>>> {
    await this.sessions.typing(handleOf(socket), dto);
    return ok({});
  }

  @SubscribeMessage('attendance:certificate')
  async certificate(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: CertificateRequestDto,
  ): Promise<Ack<ClientEvents['attendance:certificate']>> {
    return ok(await this.attendance.certificate(handleOf(socket), dto));
  }

  @SubscribeMessage('mod:mute')
  async mute(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: MuteDto,
  ): Promise<Ack<ClientEvents['mod:mute']>> {
    return ok(await this.moderation.mute(handleOf(socket), dto));
  }

  // The contract gives mute and unmute one payload; an unmute's `minutes` is checked, not used.
  @SubscribeMessage('mod:unmute')
  async unmute(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: MuteDto,
  ): Promise<Ack<ClientEvents['mod:unmute']>> {
    return ok(await this.moderation.unmute(handleOf(socket), dto));
  }

  @SubscribeMessage('mod:kick')
  async kick(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: MemberActionDto,
  ): Promise<Ack<ClientEvents['mod:kick']>> {
    return ok(await this.moderation.kick(handleOf(socket), dto));
  }

  @SubscribeMessage('mod:ban')
  async ban(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: BanDto,
  ): Promise<Ack<ClientEvents['mod:ban']>> {
    return ok(await this.moderation.ban(handleOf(socket), dto));
  }

  @SubscribeMessage('mod:delete')
  async deleteMessage(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: MessageActionDto,
  ): Promise<Ack<ClientEvents['mod:delete']>> {
    return ok(await this.moderation.deleteMessage(handleOf(socket), dto));
  }

  @SubscribeMessage('mod:pin')
  async pin(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: PinDto,
  ): Promise<Ack<ClientEvents['mod:pin']>> {
    return ok(await this.moderation.pin(handleOf(socket), dto));
  }

  @SubscribeMessage('mod:admit')
  async admit(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: AdmitDto,
  ): Promise<Ack<ClientEvents['mod:admit']>> {
    return ok(await this.moderation.admit(handleOf(socket), dto));
  }

  @SubscribeMessage('room:update')
  async updateRoom(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: RoomUpdateDto,
  ): Promise<Ack<ClientEvents['room:update']>> {
    return ok(await this.moderation.updateRoom(handleOf(socket), dto));
  }

  @SubscribeMessage('share:next')
  async shareNext(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<ClientEvents['share:next']>> {
    return ok(await this.moderation.shareNext(handleOf(socket), dto));
  }

  @SubscribeMessage('share:end')
  async shareEnd(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<ClientEvents['share:end']>> {
    return ok(await this.moderation.shareEnd(handleOf(socket), dto));
  }

  @SubscribeMessage('room:close')
  async closeRoom(
    @ConnectedSocket() socket: Socket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<ClientEvents['room:close']>> {
    return ok(await this.moderation.closeRoom(handleOf(socket), dto));
  }
}
