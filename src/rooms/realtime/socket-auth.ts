import { Injectable } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { AccessTokensService } from '../../auth/access-tokens.service.js';
import { AuthService } from '../../auth/auth.service.js';
import { ParticipantsService } from '../../participants/participants.service.js';
import type { SocketIdentity } from '../room-sessions.service.js';

export interface RoomSocketData {
  identity: SocketIdentity;
}

type Middleware = (socket: Socket, next: (err?: Error) => void) => void;

function unauthorized(
  message: string,
): Error & { data: { code: 'UNAUTHORIZED'; message: string } } {
  return Object.assign(new Error(message), { data: { code: 'UNAUTHORIZED' as const, message } });
}

/**
 * Authentication at the handshake (Nest guards do not run on connect): a participant token or
 * a facilitator access token in `auth.token`, else `connect_error` with `data.code`
 * UNAUTHORIZED. Nothing about the connection (address, user agent) is kept.
 */
@Injectable()
export class SocketAuth {
  constructor(
    private readonly auth: AuthService,
    private readonly participants: ParticipantsService,
  ) {}

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
      const auth = socket.handshake.auth as Record<string, unknown> | undefined;
      this.identify(auth?.token).then(
        (identity) => {
          if (identity === undefined) {
            next(
              unauthorized(
                'A valid participant token or facilitator access token is required (auth: { token })',
              ),
            );
            return;
          }
          (socket.data as RoomSocketData).identity = identity;
          next();
        },
        () => next(unauthorized('Could not check the token right now; try again')),
      );
    };
  }
}
