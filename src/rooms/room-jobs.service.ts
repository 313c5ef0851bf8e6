import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ClusterPeers } from './realtime/cluster-peers.js';
import { NodeIdentity } from './realtime/node-identity.js';
import { RoomBroadcaster } from './realtime/room-broadcaster.js';
import { RoomsRepository } from './rooms.repository.js';
import { RoomsService } from './rooms.service.js';
import { RoomSessionsService } from './room-sessions.service.js';

const SCHEDULE_EVERY_MS = 15_000;
const HEARTBEAT_EVERY_MS = 10_000;
/** An instance silent for this long is taken for dead and its connections are dropped. */
const NODE_STALE_SECONDS = 45;
const PURGE_EVERY_MS = 10 * 60_000;
/**
 * How long a starting instance waits for the others' welcome before serving anyone: longer than
 * an instance whose LISTEN connection died unnoticed takes to stop taking itself for alone
 * (ClusterPeers), so even then nothing is missed.
 */
const INTRODUCTION_TIMEOUT_MS = 5_000;
/** A member who drops keeps a raised hand's place in the queue this long. */
const HAND_GRACE_SECONDS = 120;

const logger = new Logger('RoomJobs');

/**
 * The rooms' clockwork, on every instance: open and close rooms on schedule (one instance at a
 * time does it, under a transaction lock), heartbeat this instance, drop the connections of
 * dead ones, and purge messages past their room's retention.
 */
@Injectable()
export class RoomJobsService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly roomsService: RoomsService,
    private readonly sessions: RoomSessionsService,
    private readonly broadcaster: RoomBroadcaster,
    private readonly node: NodeIdentity,
    private readonly peers: ClusterPeers,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.rooms.heartbeat(this.node.id);
    // Not caught, like the heartbeat above: serving before the others know of us could cost
    // members messages.
    await this.introduce();
    await this.run('schedule', () => this.roomsService.applySchedule());
    this.every(SCHEDULE_EVERY_MS, 'schedule', () => this.roomsService.applySchedule());
    this.every(SCHEDULE_EVERY_MS, 'share queue', () => this.tidyShareQueues());
    this.every(HEARTBEAT_EVERY_MS, 'heartbeat', () => this.heartbeat());
    this.every(PURGE_EVERY_MS, 'retention', async () => {
      await this.purge();
    });
  }

  /**
   * Before the sockets close (and the adapter with them): drop this instance's connections and
   * tell the rooms, so members elsewhere see these people go now rather than after the timeout.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopTimers();
    try {
      for (const roomId of await this.rooms.forgetNode(this.node.id)) {
        // Now, not coalesced: the adapter closes right after this.
        this.broadcaster.presence({ roomId, members: await this.sessions.presentViews(roomId) });
      }
    } catch (err) {
      logger.warn('could not release this instance’s connections', {
        error: (err as Error).message,
      });
    }
  }

  onApplicationShutdown(): void {
    this.stopTimers();
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  private every(ms: number, name: string, job: () => Promise<void>): void {
    const timer = setInterval(() => void this.run(name, job), ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async run(name: string, job: () => Promise<void>): Promise<void> {
    try {
      await job();
    } catch (err) {
      logger.warn('room job failed', { job: name, error: (err as Error).message });
    }
  }

  /**
   * Before this instance serves anyone, every other live one must know it exists: one that takes
   * itself for alone keeps its broadcasts to itself (ClusterPeers).
   */
  private async introduce(): Promise<void> {
    const others = await this.rooms.otherLiveNodes(this.node.id, NODE_STALE_SECONDS);
    this.peers.databaseSaw(others.length);
    const silent = await this.broadcaster.introduce(others, INTRODUCTION_TIMEOUT_MS);
    if (silent.length > 0)
      logger.warn('instances did not answer this one’s hello; starting anyway', {
        count: silent.length,
      });
  }

  private async heartbeat(): Promise<void> {
    if (!(await this.rooms.heartbeat(this.node.id))) {
      // Another instance took this one for dead (the database was out of its reach for longer
      // than NODE_STALE_SECONDS) and removed its connections: its sockets are still open but in
      // no room any more, and their sends fail. Ending them makes the clients reconnect, join
      // again and catch up.
      logger.warn('this instance was taken for dead by another; ending its connections');
      this.broadcaster.disconnectLocal();
    }
    for (const roomId of await this.rooms.removeConnectionsOfDeadNodes(NODE_STALE_SECONDS)) {
      this.sessions.announcePresence(roomId);
    }
    this.peers.databaseSaw(
      (await this.rooms.otherLiveNodes(this.node.id, NODE_STALE_SECONDS)).length,
    );
    // A disconnect that could not be recorded (the database was down at that moment) leaves
    // connections that nobody else would ever remove, this instance being alive: they would
    // keep a member listed, their handle taken and a seat used. A recorded connection whose
    // socket this instance no longer has is such a one (read first: a socket exists before any
    // connection of it is recorded, so a live one cannot be missed).
    const stale = (await this.rooms.socketsOfNode(this.node.id)).filter(
      (socketId) => !this.broadcaster.hasLocalSocket(socketId),
    );
    if (stale.length > 0) {
      for (const roomId of await this.rooms.removeSockets(this.node.id, stale))
        this.sessions.announcePresence(roomId);
    }
  }

  /** Expired share floors clear, and hands of members gone longer than two minutes come down. */
  private async tidyShareQueues(): Promise<void> {
    const rooms = new Set([
      ...(await this.rooms.clearExpiredFloors()),
      ...(await this.rooms.dropStaleHands(HAND_GRACE_SECONDS)),
    ]);
    for (const roomId of rooms) await this.roomsService.broadcastState(roomId);
  }

  async purge(): Promise<number> {
    const removed = await this.rooms.purgeExpiredMessages();
    if (removed > 0) logger.log('messages past retention removed', { count: removed });
    return removed;
  }
}
