import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
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

export interface RoomSocketData {
  identity: SocketIdentity;
}

type Middleware = (socket: Socket, next: (err?: Error) => void) => void;

const logger = new Logger('SocketAuth');

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
 * per participant and per client address, and failed token checks per address (RATE_LIMITED).
 * The address is only a key in memory while it has connections open or failures counted:
 * never stored or logged.
 */
@Injectable()
export class SocketAuth {
  private readonly perParticipant: ConnectionCounts;
  private readonly perAddress: ConnectionCounts;

  constructor(
    private readonly auth: AuthService,
    private readonly participants: ParticipantsService,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly http: HttpAdapterHost,
  ) {
    this.perParticipant = new ConnectionCounts(config.rooms.socketsPerParticipant);
    this.perAddress = new ConnectionCounts(config.rooms.socketsPerAddress);
  }

  /** Open connections being counted (participants, addresses): for tests and diagnostics. */
  get tracked(): { participants: number; addresses: number } {
    return { participants: this.perParticipant.size, addresses: this.perAddress.size };
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
      const address = this.clientAddress(socket);
      const auth = socket.handshake.auth as Record<string, unknown> | undefined;
      // A participant has one token for life (refresh keeps it), so its hash keys the
      // participant's connections before the database has been asked who it is.
      const participantKey =
        typeof auth?.token === 'string' && ParticipantsService.looksLikeParticipantToken(auth.token)
          ? hashParticipantToken(auth.token)
          : undefined;
      // Checked before the token too, so that a refused client costs no database work.
      const early = this.limitRefusal(address, participantKey);
      if (early !== undefined) {
        next(early);
        return;
      }
      this.identify(auth?.token).then(
        (identity) => {
          if (identity === undefined) {
            this.participants.noteTokenFailure(address);
            next(
              unauthorized(
                'A valid participant token or facilitator access token is required (auth: { token })',
              ),
            );
            return;
          }
          // Again: other handshakes of this client may have completed while the token was checked.
          const key = identity.kind === 'participant' ? participantKey : undefined;
          const refused = this.limitRefusal(address, key);
          if (refused !== undefined) {
            next(refused);
            return;
          }
          (socket.data as RoomSocketData).identity = identity;
          this.count(socket, address, key);
          next();
        },
        // Nothing is known to be wrong with the token (the database is down, say): a client
        // told UNAUTHORIZED would throw its identity away, so say what really happened.
        (err: unknown) => next(checkFailed(err)),
      );
    };
  }

  /** Through the proxies TRUST_PROXY names, as Express does for REST (one setting for both). */
  private clientAddress(socket: Socket): string {
    const express = this.http.httpAdapter.getInstance<{ get(setting: string): unknown }>();
    const trust = express.get('trust proxy fn') as TrustProxy | undefined;
    return clientKeyOf(socket.request, trust);
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

  /** Counts the connection until it ends, however it ends. */
  private count(socket: Socket, address: string, participantKey: string | undefined): void {
    // Socket.IO drops a handshake whose client left while the token was checked, with no
    // 'disconnect' to come: such a connection is never counted.
    if (socket.conn.readyState !== 'open') return;
    this.perAddress.open(address);
    if (participantKey !== undefined) this.perParticipant.open(participantKey);
    const conn = socket.conn;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      // One transport may carry many sockets in turn: leave no listener behind on it.
      conn.off('close', release);
      this.perAddress.close(address);
      if (participantKey !== undefined) this.perParticipant.close(participantKey);
    };
    socket.once('disconnect', release);
    // The transport's end as well, in case it closes before Socket.IO has connected the socket.
    conn.once('close', release);
  }
}
