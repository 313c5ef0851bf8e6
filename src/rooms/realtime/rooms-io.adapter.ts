import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../../config/config.js';
import { withTimeout } from '../../common/with-timeout.js';

const logger = new Logger('RoomsIoAdapter');

/**
 * Socket.IO for every instance of the service: broadcasts travel through PostgreSQL
 * (LISTEN/NOTIFY, via @socket.io/postgres-adapter), so no Redis is needed; WebSocket transport
 * only, so a load balancer needs no sticky sessions.
 */
export class RoomsIoAdapter extends IoAdapter {
  private pool: pg.Pool | undefined;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly databaseUrl: string,
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
      client.on('error', (err) =>
        logger.warn('socket.io adapter connection lost', { error: err.message }),
      );
      // Nor does it give that client back once its connection is gone (it takes a new one):
      // the pool would go on counting every dead one, be full after two database restarts,
      // and from then on every broadcast to the other instances would wait for ever. A query's
      // own client is released by pg first (before setImmediate), so only the LISTEN one is.
      client.once('end', () => {
        setImmediate(() => {
          if (checkedOut.delete(client)) client.release(new Error('connection ended'));
        });
      });
    });
    server.adapter(
      createAdapter(this.pool, {
        errorHandler: (err) => logger.warn('socket.io adapter error', { error: err.message }),
      }),
    );
    return server;
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
