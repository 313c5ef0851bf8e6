import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { isObservable, type Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { AppConfig } from '../../config/config.js';
import { withTimeout } from '../../common/with-timeout.js';
import {
  ADAPTER_HEARTBEAT_MS,
  ADAPTER_HEARTBEAT_TIMEOUT_MS,
  peerAwareAdapter,
  type ClusterPeers,
} from './cluster-peers.js';

const logger = new Logger('RoomsIoAdapter');

/**
 * Socket.IO for every instance of the service: broadcasts travel through PostgreSQL
 * (LISTEN/NOTIFY, via @socket.io/postgres-adapter), so no Redis is needed; WebSocket transport
 * only, so a load balancer needs no sticky sessions. A lone instance skips the publishing
 * (ClusterPeers).
 */
export class RoomsIoAdapter extends IoAdapter {
  private pool: pg.Pool | undefined;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly databaseUrl: string,
    private readonly peers: ClusterPeers,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const cors =
      this.config.corsOrigins === '*'
        ? { origin: '*' }
        : this.config.corsOrigins.length > 0
          ? { origin: this.config.corsOrigins, credentials: true }
          : undefined;
    const merged: Partial<ServerOptions> = {
      ...options,
      transports: ['websocket'],
      // The contract's limit: a bigger frame may close that one connection.
      maxHttpBufferSize: 1_000_000,
      serveClient: false,
    };
    if (cors !== undefined) merged.cors = cors;
    const server = super.createIOServer(port, merged as ServerOptions);
    this.pool = new pg.Pool({
      connectionString: this.databaseUrl,
      max: 3,
      application_name: 'meetinghouse-socket.io',
      // A broadcast waits this long at most for a connection, never for ever.
      connectionTimeoutMillis: 5000,
    });
    this.pool.on('error', (err) =>
      logger.warn('socket.io adapter pool error', { error: err.message }),
    );
    // Which clients someone holds: see the 'end' handler below.
    const checkedOut = new Set<pg.PoolClient>();
    this.pool.on('acquire', (client) => checkedOut.add(client));
    this.pool.on('release', (_err, client) => checkedOut.delete(client));
    // The adapter keeps one client checked out for LISTEN and listens for its 'end' (then it
    // reconnects), but not for its 'error': without this, a database restart would be an
    // unhandled error that takes the whole process down.
    this.pool.on('connect', (client) => {
      // Only the adapter's LISTEN connection ever gets one: ClusterPeers learns which it is.
      client.on('notification', () => this.peers.notification(client));
      client.on('error', (err) =>
        logger.warn('socket.io adapter connection lost', { error: err.message }),
      );
      // Nor does it give that client back once its connection is gone (it takes a new one):
      // the pool would go on counting every dead one, be full after two database restarts,
      // and from then on every broadcast to the other instances would wait for ever. A query's
      // own client is released by pg first (before setImmediate), so only the LISTEN one is.
      client.once('end', () => {
        this.peers.connectionEnded(client);
        setImmediate(() => {
          if (checkedOut.delete(client)) client.release(new Error('connection ended'));
        });
      });
    });
    server.adapter(
      peerAwareAdapter(
        createAdapter(this.pool, {
          errorHandler: (err) => logger.warn('socket.io adapter error', { error: err.message }),
          heartbeatInterval: ADAPTER_HEARTBEAT_MS,
          heartbeatTimeout: ADAPTER_HEARTBEAT_TIMEOUT_MS,
        }),
        this.peers,
      ),
    );
    return server;
  }

  /**
   * Nest's own version runs every event through an rxjs chain per socket and handler (fromEvent,
   * mergeMap, defer, filter, map, catchError, takeUntil), several objects and hops per event,
   * which on the rooms' busiest event cost more than the event's own checks. This one calls the
   * same handler (with the gateway's pipes, filters and guards, which live in `callback`) and
   * answers as Nest does: the result, unless nil, is sent back as an ack, or as an event when it
   * names one, and nothing once the socket is gone. Observable results take Nest's way.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        // As rxjs's fromEvent hands them to Nest: one argument as it is, several as an array.
        const payload = this.mapPayload(args.length > 1 ? args : args[0]) as {
          data: unknown;
          ack?: unknown;
        };
        const { data, ack } = payload;
        const respond = (response: unknown): void => {
          if (response === null || response === undefined || socket.disconnected) return;
          const named = response as { event?: unknown; data?: unknown };
          if (named.event) {
            socket.emit(named.event as string, named.data);
            return;
          }
          if (!isAckHandledManually && typeof ack === 'function')
            (ack as (reply: unknown) => void)(response);
        };
        const failed = (err: unknown): void =>
          logger.error('socket event handler failed', { error: (err as Error).message });
        let pending: unknown;
        try {
          pending = callback(data, ack);
        } catch (err) {
          failed(err);
          return;
        }
        Promise.resolve(pending)
          .then((result: unknown) => {
            if (isObservable(result)) transform(result).subscribe({ next: respond, error: failed });
            else respond(result);
          })
          .catch(failed);
      });
    }
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    // The adapter may still hold its LISTEN client (reconnecting after a database restart, say):
    // ending the pool waits for it, so bound the wait and let process exit close the socket.
    await withTimeout(this.pool?.end().catch(() => undefined) ?? Promise.resolve(), 2000, () => {
      logger.warn('socket.io adapter pool did not end in time');
    });
    this.pool = undefined;
  }
}
