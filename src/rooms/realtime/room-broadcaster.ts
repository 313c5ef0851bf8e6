import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { NodeIdentity } from './node-identity.js';
import {
  channels,
  type MessageView,
  type RoomStateView,
  type ServerEvents,
} from '../room-events.js';

/** Instance-to-instance messages (serverSideEmit), never seen by clients. */
const ROOM_CLOSED = 'mh:room-closed';
const MEMBER_REMOVED = 'mh:member-removed';
/** A starting instance's hello, and the others' answer (see introduce). */
const HELLO = 'mh:hello';
const WELCOME = 'mh:welcome';
/** A hello may be lost while this instance's LISTEN connection is still starting: say it again. */
const HELLO_EVERY_MS = 500;

/**
 * Emits to rooms, members and facilitators. Through the Postgres adapter every emit reaches
 * the sockets on all instances. Before the gateway is up (the seed CLI, say) emits go nowhere.
 */
@Injectable()
export class RoomBroadcaster {
  private namespace: Namespace | undefined;
  /** Instances whose welcome the running introduction still waits for. */
  private readonly awaitingWelcome = new Set<string>();
  private welcomed: (() => void) | undefined;

  constructor(private readonly node: NodeIdentity) {}

  attach(namespace: Namespace): void {
    this.namespace = namespace;
    // The adapter has noted the sender before this runs: from now on this instance publishes
    // its broadcasts to it (ClusterPeers), which the welcome tells it.
    namespace.on(HELLO, (from: unknown) => {
      if (typeof from === 'string' && from !== this.node.id)
        namespace.serverSideEmit(WELCOME, from, this.node.id);
    });
    namespace.on(WELCOME, (to: unknown, from: unknown) => {
      if (to !== this.node.id || typeof from !== 'string') return;
      this.awaitingWelcome.delete(from);
      if (this.awaitingWelcome.size === 0) this.welcomed?.();
    });
    // Sent to every other instance; each does its part locally, in order (see roomClosed).
    namespace.on(ROOM_CLOSED, (roomId: unknown) => {
      if (typeof roomId === 'string') this.closeLocally(roomId);
    });
    namespace.on(MEMBER_REMOVED, (memberId: unknown, roomId: unknown) => {
      if (typeof memberId === 'string' && typeof roomId === 'string')
        this.removeLocally(memberId, roomId);
    });
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

  /**
   * Takes a member's sockets, on every instance, out of the room's channels. Each instance does
   * it for its own sockets, after any event sent to the member before it: a cluster-wide
   * "leave" travels separately from the event and could overtake it.
   */
  removeMember(memberId: string, roomId: string): void {
    if (this.namespace === undefined) return;
    this.removeLocally(memberId, roomId);
    this.namespace.serverSideEmit(MEMBER_REMOVED, memberId, roomId);
  }

  private removeLocally(memberId: string, roomId: string): void {
    this.namespace?.local
      .in(channels.member(memberId))
      .socketsLeave([channels.room(roomId), channels.facilitators(roomId)]);
  }

  /**
   * Says hello to these instances (their ids, from the database) and waits until each has
   * answered, or for timeoutMs; returns those that did not. Until an instance has heard from this
   * one it may take itself for alone and keep its broadcasts to itself, so this runs before this
   * one serves anybody. One that does not answer is gone, or cannot hear anyone (its LISTEN
   * connection is down or dead): it publishes everything until it has heard from us.
   */
  async introduce(instances: string[], timeoutMs: number): Promise<string[]> {
    const namespace = this.namespace;
    if (namespace === undefined || instances.length === 0) return [];
    for (const id of instances) this.awaitingWelcome.add(id);
    let repeat: NodeJS.Timeout | undefined;
    let timeout: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve) => {
        this.welcomed = resolve;
        const hello = (): void => void namespace.serverSideEmit(HELLO, this.node.id);
        hello();
        repeat = setInterval(hello, HELLO_EVERY_MS);
        timeout = setTimeout(resolve, timeoutMs);
      });
      return [...this.awaitingWelcome];
    } finally {
      clearInterval(repeat);
      clearTimeout(timeout);
      this.welcomed = undefined;
      this.awaitingWelcome.clear();
    }
  }

  /** Whether this socket is connected to this instance. */
  hasLocalSocket(socketId: string): boolean {
    return this.namespace?.sockets.has(socketId) ?? false;
  }

  /** Ends every connection to this instance (those of the others stay). */
  disconnectLocal(): void {
    this.namespace?.local.disconnectSockets(true);
  }

  /** Ends every connection of an account (disabled, or its role changed). */
  disconnectAccount(accountId: string): void {
    this.namespace?.in(channels.account(accountId)).disconnectSockets(true);
  }

  /**
   * Tells the room it closed and takes every socket, on every instance, out of it: each instance
   * sends room:closed to its own sockets and only then removes them, so nobody misses the news.
   */
  roomClosed(roomId: string): void {
    if (this.namespace === undefined) return;
    this.closeLocally(roomId);
    this.namespace.serverSideEmit(ROOM_CLOSED, roomId);
  }

  private closeLocally(roomId: string): void {
    const local = this.namespace?.local;
    if (local === undefined) return;
    local.to(channels.room(roomId)).emit('room:closed', { roomId });
    local
      .in(channels.room(roomId))
      .socketsLeave([channels.room(roomId), channels.facilitators(roomId)]);
  }
}
