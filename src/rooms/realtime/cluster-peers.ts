import { Injectable } from '@nestjs/common';
import { PostgresAdapter } from '@socket.io/postgres-adapter';
import { performance } from 'node:perf_hooks';
import {
  Adapter,
  MessageType,
  type BroadcastOptions,
  type ClusterMessage,
} from 'socket.io-adapter';

/**
 * How often every instance's adapter says it is alive (the library's default is 5 s): a
 * notification a second, which bounds how long a dead LISTEN connection goes unnoticed.
 */
export const ADAPTER_HEARTBEAT_MS = 1_000;
/** An instance silent this long is dropped from the adapter's list of peers. */
export const ADAPTER_HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * Our own heartbeat comes back through LISTEN at least every ADAPTER_HEARTBEAT_MS. When it has
 * not for this long, the LISTEN connection may be dead without having said so (a half-open TCP
 * connection): we would not hear an instance that starts now.
 */
const ECHO_MS = 3 * ADAPTER_HEARTBEAT_MS;
/**
 * After LISTEN starts (at start-up, after a reconnection) we may have missed an instance's
 * hello; each live instance is heard within ADAPTER_HEARTBEAT_MS (a few seconds more when its
 * pool is busy), so until this has passed everything is published.
 */
const LISTEN_GRACE_MS = 2 * ADAPTER_HEARTBEAT_TIMEOUT_MS;
/**
 * How long after the last word from another instance we go on publishing: longer than the
 * adapter takes to drop a silent peer, so that one that was only slow (a long pause, a busy
 * pool) does not miss anything meanwhile.
 */
const PEER_MEMORY_MS = 3 * ADAPTER_HEARTBEAT_TIMEOUT_MS;
/** The database's list of live instances counts only this long after it was read. */
const DATABASE_FRESH_MS = 25_000;

/** The adapter's id for messages from an emitter (a process that only sends, with no sockets). */
const EMITTER_UID = 'emitter';

/**
 * Whether this instance must publish its broadcasts to the others through PostgreSQL.
 *
 * Every broadcast costs a NOTIFY round trip and a JSON copy, and every instance, this one included,
 * receives and decodes it. A lone instance has nobody to tell, so it skips that, but only while it
 * can be sure it is alone: every one of these must hold, otherwise everything is published.
 * - its LISTEN connection has delivered our own heartbeat lately (it works), and has been up for
 *   LISTEN_GRACE_MS (anyone who started before it came up has been heard since);
 * - no other instance has said anything for PEER_MEMORY_MS;
 * - the database's list of live instances (app_node), read at most DATABASE_FRESH_MS ago, has no
 *   other: an instance whose notifications do not arrive still counts there.
 * An instance that starts while another is alone says hello and waits for a welcome before it
 * serves anyone (RoomJobsService): the welcome is sent after the other has noted it, so from
 * then on it publishes.
 */
@Injectable()
export class ClusterPeers {
  private listener: object | undefined;
  private listeningSince = Number.NaN;
  private lastNotificationAt = Number.NEGATIVE_INFINITY;
  private lastPeerAt = Number.NEGATIVE_INFINITY;
  private databaseReadAt = Number.NEGATIVE_INFINITY;
  private databasePeers = 0;

  /** A notification arrived on this database connection: it is the one that LISTENs. */
  notification(connection: object, now = performance.now()): void {
    if (connection !== this.listener) {
      this.listener = connection;
      this.listeningSince = now;
    }
    this.lastNotificationAt = now;
  }

  /** A database connection ended; if it was the LISTEN one, nothing is heard until the next. */
  connectionEnded(connection: object): void {
    if (connection !== this.listener) return;
    this.listener = undefined;
    this.listeningSince = Number.NaN;
  }

  /** Another instance said something (a heartbeat, a broadcast, a hello). */
  peerHeard(now = performance.now()): void {
    this.lastPeerAt = now;
  }

  /** The database lists this many other live instances. */
  databaseSaw(otherInstances: number, now = performance.now()): void {
    this.databasePeers = otherInstances;
    this.databaseReadAt = now;
  }

  mustPublish(now = performance.now()): boolean {
    return !(
      this.listener !== undefined &&
      now - this.listeningSince >= LISTEN_GRACE_MS &&
      now - this.lastNotificationAt <= ECHO_MS &&
      now - this.lastPeerAt >= PEER_MEMORY_MS &&
      now - this.databaseReadAt <= DATABASE_FRESH_MS &&
      this.databasePeers === 0
    );
  }
}

/**
 * The Postgres adapter, with two changes to broadcasting:
 * - a broadcast is published to the other instances only when ClusterPeers says someone may be
 *   listening;
 * - this instance's own sockets get it at once, in the order of the calls. The library first
 *   waits for the NOTIFY round trip, on one of several pool connections, so two broadcasts could
 *   reach local members in either order (a seq 7 before a seq 6), and a member leaving a channel
 *   right after a broadcast to it could miss it.
 * Everything else (heartbeats, server-side emits, joins and leaves across instances) is the
 * library's.
 */
class PeerAwarePostgresAdapter extends PostgresAdapter {
  declare peers: ClusterPeers;

  override onMessage(message: ClusterMessage, offset?: string): void {
    // Our own notifications never get here (the pub/sub client drops them).
    if (message.uid !== this.uid && message.uid !== EMITTER_UID) this.peers.peerHeard();
    super.onMessage(message, offset);
  }

  override broadcast(packet: unknown, opts: BroadcastOptions): Promise<void> {
    let published: Promise<unknown> = Promise.resolve();
    if (opts.flags?.local !== true && this.peers.mustPublish()) {
      // Encoded before the local delivery below, which is free to touch the packet.
      published = this.publishAndReturnOffset({
        type: MessageType.BROADCAST,
        data: {
          packet,
          opts: {
            rooms: [...opts.rooms],
            except: [...(opts.except ?? [])],
            flags: opts.flags ?? {},
          },
        },
      }).catch(() => undefined);
    }
    Adapter.prototype.broadcast.call(this, packet, opts);
    return published.then(() => undefined);
  }
}

/**
 * Wraps createAdapter's factory: the adapters it makes broadcast as PeerAwarePostgresAdapter
 * does. They are made by the library (which wires them to its one LISTEN client) and then given
 * this behaviour, rather than constructed here, so that nothing of the library is reimplemented.
 */
export function peerAwareAdapter(
  make: (nsp: unknown) => PostgresAdapter,
  peers: ClusterPeers,
): (nsp: unknown) => PostgresAdapter {
  // A function, not an arrow: Socket.IO calls it with `new`.
  return function (nsp) {
    const adapter = Object.setPrototypeOf(
      make(nsp),
      PeerAwarePostgresAdapter.prototype,
    ) as PeerAwarePostgresAdapter;
    adapter.peers = peers;
    return adapter;
  };
}
