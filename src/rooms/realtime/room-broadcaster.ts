import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import {
  channels,
  type MessageView,
  type RoomStateView,
  type ServerEvents,
} from '../room-events.js';

/**
 * Emits to rooms, members and facilitators. Through the Postgres adapter every emit reaches
 * the sockets on all instances. Before the gateway is up (the seed CLI, say) emits go nowhere.
 */
@Injectable()
export class RoomBroadcaster {
  private namespace: Namespace | undefined;

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  private emit<E extends keyof ServerEvents>(
    channel: string,
    event: E,
    payload: ServerEvents[E],
    exceptSocket?: string,
  ): void {
    if (this.namespace === undefined) return;
    const target =
      exceptSocket === undefined
        ? this.namespace.to(channel)
        : this.namespace.to(channel).except(exceptSocket);
    target.emit(event, payload);
  }

  roomState(state: RoomStateView): void {
    this.emit(channels.room(state.id), 'room:state', state);
  }

  messageNew(message: MessageView, exceptSocket?: string): void {
    this.emit(channels.room(message.roomId), 'message:new', message, exceptSocket);
  }

  presence(payload: ServerEvents['presence']): void {
    this.emit(channels.room(payload.roomId), 'presence', payload);
  }

  toMember<E extends keyof ServerEvents>(
    memberId: string,
    event: E,
    payload: ServerEvents[E],
  ): void {
    this.emit(channels.member(memberId), event, payload);
  }

  toFacilitators<E extends keyof ServerEvents>(
    roomId: string,
    event: E,
    payload: ServerEvents[E],
  ): void {
    this.emit(channels.facilitators(roomId), event, payload);
  }

  messageDeleted(payload: ServerEvents['message:deleted']): void {
    this.emit(channels.room(payload.roomId), 'message:deleted', payload);
  }

  /** Takes a member's sockets, on every instance, out of the room's channels. */
  removeMember(memberId: string, roomId: string): void {
    this.namespace
      ?.in(channels.member(memberId))
      .socketsLeave([channels.room(roomId), channels.facilitators(roomId)]);
  }

  /** Ends every connection of an account (disabled, or its role changed). */
  disconnectAccount(accountId: string): void {
    this.namespace?.in(channels.account(accountId)).disconnectSockets(true);
  }

  /** Tells the room it closed and takes every socket, on every instance, out of it. */
  roomClosed(roomId: string): void {
    if (this.namespace === undefined) return;
    this.emit(channels.room(roomId), 'room:closed', { roomId });
    this.namespace
      .in(channels.room(roomId))
      .socketsLeave([channels.room(roomId), channels.facilitators(roomId)]);
  }
}
