import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'socket.io';
import { AccessTokensService } from '../../auth/access-tokens.service.js';
import { AuthService } from '../../auth/auth.service.js';
import { describeError, loggableError } from '../../common/errors/describe-error.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { clientKeyOf, type TrustProxy } from '../../common/http/client-address.js';
import type { ErrorCode } from '../../common/errors/error-codes.js';
import type { AppConfig } from '../../config/config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import {
  hashParticipantToken,
  ParticipantsService,
} from '../../participants/participants.service.js';
import type { SocketIdentity } from '../room-sessions.service.js';
import { ConnectionCounts } from './connection-counts.js';
import { refuseUpgrade, UpgradeGuard } from './upgrade-guard.js';

export interface RoomSocketData {
  identity: SocketIdentity;
}

type Middleware = (socket: Socket, next: (err?: Error) => void) => void;
/** Engine.IO's middleware (`engine.use`), run on every request before Engine.IO handles it. */
type EngineMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: Error) => void,
) => void;

const logger = new Logger('SocketAuth');

/** Tells Engine.IO to abandon an upgrade already answered (one object: refusals must be cheap). */
const ANSWERED_BEFORE_UPGRADE = new Error('refused before the upgrade');

/** What the client receives as `connect_error`: `err.data` is `{ code, message }`. */
function refusal(
  code: ErrorCode,
  message: string,
): Error & { data: { code: ErrorCode; message: string } } {
  return Object.assign(new Error(message), { data: { code, message } });
}

function checkFailed(err: unknown): Error & { data: { code: ErrorCode; message: string } } {
  if (describeError(err).code === 'UNAVAILABLE') {
    return refusal(
      'UNAVAILABLE',
      'The service cannot check tokens right now (its database is unavailable); try again shortly',
    );
  }
  logger.error('socket handshake failed', loggableError(err));
  return refusal(
    'INTERNAL',
    'Could not check the token because of a problem on our side; try again',
  );
}

function unauthorized(message: string): Error & { data: { code: ErrorCode; message: string } } {
  return refusal('UNAUTHORIZED', message);
}

/**
 * Authentication at the handshake (Nest guards do not run on connect): a participant token or
 * a facilitator access token in `auth.token`, else `connect_error` with `data.code`
 * UNAUTHORIZED. Also the limits that protect everyone else from one client: open connections
 * per participant and per client address, and failed token checks per address (RATE_LIMITED);
 * and, before the upgrade, addresses that flood the service with connections (UpgradeGuard).
 * The address is only a key in memory while it has connections open or failures counted:
 * never stored or logged.
 */
@Injectable()
export class SocketAuth implements OnModuleDestroy {
  private readonly perParticipant: ConnectionCounts;
  private readonly perAddress: ConnectionCounts;
  private readonly upgrades: UpgradeGuard;

  constructor(
    private readonly auth: AuthService,
    private readonly participants: ParticipantsService,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly http: HttpAdapterHost,
  ) {
    this.perParticipant = new ConnectionCounts(config.rooms.socketsPerParticipant);
    this.perAddress = new ConnectionCounts(config.rooms.socketsPerAddress);
    this.upgrades = new UpgradeGuard({
      // As many at once as an address may hold open: a household or an office all coming back
      // after a restart is not refused.
      connectBurst: config.rooms.socketsPerAddress,
      connectsPerMinute: config.rooms.connectsPerMinute,
      refusalsPerMinute: config.rooms.handshakeRefusalsPerMinute,
    });
  }

  onModuleDestroy(): void {
    this.upgrades.close();
  }

  /** Open connections being counted (participants, addresses): for tests and diagnostics. */
  get tracked(): { participants: number; addresses: number } {
    return { participants: this.perParticipant.size, addresses: this.perAddress.size };
  }

  /** The upgrade guard's memory of addresses: for tests and diagnostics. */
  get upgradeGuard(): UpgradeGuard {
    return this.upgrades;
  }

  /**
   * For Engine.IO (`engine.use`): refuses a WebSocket upgrade from an address that keeps
   * opening connections after being refused, or opens them too fast, with a 429 before the
   * upgrade (see UpgradeGuard). Other requests go on to Engine.IO, which refuses anything but
   * a WebSocket anyway.
   */
  upgradeMiddleware(): EngineMiddleware {
    return (req, _res, next) => {
      if (req.headers.upgrade === undefined) {
        next();
        return;
      }
      const wait = this.upgrades.admit(this.addressOf(req));
      if (wait === 0) {
        next();
        return;
      }
      refuseUpgrade(
        req.socket,
        wait,
        'Too many connections from this address, or too many of them refused; wait before connecting again',
      );
      // Engine.IO then abandons the request; the connection is already closed.
      next(ANSWERED_BEFORE_UPGRADE);
    };
  }

  async identify(token: unknown): Promise<SocketIdentity | undefined> {
    if (typeof token !== 'string' || token.length > 2048) return undefined;
    if (AccessTokensService.looksLikeJwt(token)) {
      const found = await this.auth.authenticateWithExpiry(token);
      return found === undefined
        ? undefined
        : {
            kind: 'account',
            accountId: found.account.id,
            role: found.account.role,
            expiresAt: found.expiresAt,
          };
    }
    const participant = await this.participants.authenticate(token);
    return participant === undefined
      ? undefined
      : { kind: 'participant', participantId: participant.id };
  }

  middleware(): Middleware {
    return (socket, next) => {
      const address = this.addressOf(socket.request);
      const auth = socket.handshake.auth as Record<string, unknown> | undefined;
      // A participant has one token for life (refresh keeps it), so its hash keys the
      // participant's connections before the database has been asked who it is.
      const participantKey =
        typeof auth?.token === 'string' && ParticipantsService.looksLikeParticipantToken(auth.token)
          ? hashParticipantToken(auth.token)
          : undefined;
      const refuse = (err: Error): void => {
        this.upgrades.noteRefusal(address);
        next(err);
      };
      // Checked before the token too, so that a refused client costs no database work.
      const early = this.limitRefusal(address, participantKey);
      if (early !== undefined) {
        refuse(early);
        return;
      }
      // The slots are taken now, while the token is checked: otherwise a client opening
      // hundreds of connections at once would have every one of them pass the check above
      // and cost a database lookup before the first was counted.
      const release = this.reserve(address, participantKey);
      this.identify(auth?.token).then(
        (identity) => {
          if (identity === undefined) {
            release();
            this.participants.noteTokenFailure(address);
            refuse(
              unauthorized(
                'A valid participant token or facilitator access token is required (auth: { token })',
              ),
            );
            return;
          }
          (socket.data as RoomSocketData).identity = identity;
          this.holdUntilClosed(socket, release);
          next();
        },
        // Nothing is known to be wrong with the token (the database is down, say): a client
        // told UNAUTHORIZED would throw its identity away, so say what really happened.
        (err: unknown) => {
          release();
          next(checkFailed(err));
        },
      );
    };
  }

  /** Through the proxies TRUST_PROXY names, as Express does for REST (one setting for both). */
  private addressOf(req: IncomingMessage): string {
    const express = this.http.httpAdapter.getInstance<{ get(setting: string): unknown }>();
    const trust = express.get('trust proxy fn') as TrustProxy | undefined;
    return clientKeyOf(req, trust);
  }

  private limitRefusal(
    address: string,
    participantKey: string | undefined,
  ): (Error & { data: { code: ErrorCode; message: string } }) | undefined {
    try {
      this.participants.checkTokenFailures(address);
    } catch (err) {
      if (err instanceof DomainError) return refusal(err.code, err.message);
      throw err;
    }
    if (this.perAddress.full(address)) {
      return refusal(
        'RATE_LIMITED',
        `Too many connections from this address (at most ${this.perAddress.limit}); close one first`,
      );
    }
    if (participantKey !== undefined && this.perParticipant.full(participantKey)) {
      return refusal(
        'RATE_LIMITED',
        `This participant token has ${this.perParticipant.limit} connections open already; close one first`,
      );
    }
    return undefined;
  }

  /** Counts a connection (of a participant, when the key is given); the function gives it back. */
  private reserve(address: string, participantKey: string | undefined): () => void {
    this.perAddress.open(address);
    if (participantKey !== undefined) this.perParticipant.open(participantKey);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.perAddress.close(address);
      if (participantKey !== undefined) this.perParticipant.close(participantKey);
    };
  }

  /** Keeps the connection counted until it ends, however it ends. */
  private holdUntilClosed(socket: Socket, release: () => void): void {
    // Socket.IO drops a handshake whose client left while the token was checked, with no
    // 'disconnect' to come: such a connection is not counted any longer.
    if (socket.conn.readyState !== 'open') {
      release();
      return;
    }
    const conn = socket.conn;
    const done = (): void => {
      // One transport may carry many sockets in turn: leave no listener behind on it.
      conn.off('close', done);
      release();
    };
    socket.once('disconnect', done);
    // The transport's end as well, in case it closes before Socket.IO has connected the socket.
    conn.once('close', done);
  }
}
