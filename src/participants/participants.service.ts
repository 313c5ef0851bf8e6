import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { MoreThan, type Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { isoInstant } from '../common/instants.js';
import { TokenBuckets } from '../common/rate-limit/token-buckets.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ParticipantTokenDto } from './dto/participant-token.dto.js';
import { Participant } from './participant.entity.js';

export function hashParticipantToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Participant tokens: 32 random bytes, base64url (never a JWT, so the two kinds never mix). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

@Injectable()
export class ParticipantsService implements OnModuleDestroy {
  private readonly issuance: TokenBuckets;
  /** Failed token checks per client address, from the socket handshake and from refresh. */
  private readonly tokenFailures: TokenBuckets;
  private readonly ttlMs: number;

  constructor(
    @InjectRepository(Participant) private readonly participants: Repository<Participant>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const perMinute = config.participants.issuePerMinute;
    this.issuance = new TokenBuckets(perMinute, perMinute / 60);
    const failures = config.participants.tokenFailuresPerMinute;
    this.tokenFailures = new TokenBuckets(failures, failures / 60);
    this.ttlMs = config.participants.tokenTtlHours * 3_600_000;
  }

  onModuleDestroy(): void {
    this.issuance.close();
    this.tokenFailures.close();
  }

  /**
   * A new anonymous identity. The client address only keys an in-memory rate limit: it is
   * neither stored nor logged.
   */
  async issue(clientAddress: string): Promise<ParticipantTokenDto> {
    if (!this.issuance.take(clientAddress)) {
      throw new DomainError(
        'RATE_LIMITED',
        'Too many new identities from this address; try again in a minute',
      );
    }
    const token = randomBytes(32).toString('base64url');
    const participant = await this.participants.save(
      this.participants.create({
        tokenHash: hashParticipantToken(token),
        expiresAt: new Date(Date.now() + this.ttlMs),
      }),
    );
    return { participantId: participant.id, token, expiresAt: isoInstant(participant.expiresAt) };
  }

  /**
   * Extends a valid token's life; an expired or unknown token gets UNAUTHORIZED, and an address
   * that has failed too often RATE_LIMITED, without a look at the database.
   */
  async refresh(token: string | undefined, clientAddress: string): Promise<ParticipantTokenDto> {
    this.checkTokenFailures(clientAddress);
    const participant = token === undefined ? undefined : await this.authenticate(token);
    if (participant === undefined || token === undefined) {
      this.noteTokenFailure(clientAddress);
      throw new DomainError(
        'UNAUTHORIZED',
        'The participant token is invalid or expired; request a new one',
      );
    }
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.participants.update({ id: participant.id }, { expiresAt });
    return { participantId: participant.id, token, expiresAt: isoInstant(expiresAt) };
  }

  /**
   * Guessing tokens is hopeless (32 random bytes), but each guess still costs a query: an
   * address that keeps failing is refused before any. The address is only an in-memory key.
   */
  checkTokenFailures(clientAddress: string): void {
    const wait = this.tokenFailures.waitMs(clientAddress);
    if (wait > 0) {
      throw new DomainError(
        'RATE_LIMITED',
        `Too many invalid tokens from this address; try again in ${Math.ceil(wait / 1000)} s`,
      );
    }
  }

  noteTokenFailure(clientAddress: string): void {
    this.tokenFailures.take(clientAddress);
  }

  async authenticate(token: string): Promise<Participant | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const participant = await this.participants.findOne({
      where: { tokenHash: hashParticipantToken(token), expiresAt: MoreThan(new Date()) },
    });
    return participant ?? undefined;
  }

  static looksLikeParticipantToken(token: string): boolean {
    return TOKEN_PATTERN.test(token);
  }
}
