import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DomainError } from '../common/errors/domain-error.js';
import { isoInstant } from '../common/instants.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { CONTROL_CHARACTERS } from '../meetings/meeting-record.js';
import type { SocketHandle } from '../rooms/room-sessions.service.js';
import { RoomsRepository } from '../rooms/rooms.repository.js';
import { AttendanceSigner } from './attendance-signer.js';
import type { CertificateRequestDto, VerificationDto } from './dto/attendance.dto.js';

export interface CertificateView {
  code: string;
  verifyUrl: string;
  meetingName: string;
  fellowship: string | null;
  startedAt: string;
  minutesPresent: number;
}

/** What a certificate says: only the meeting, the date, the minutes, and a name if asked for. */
interface CertificatePayload {
  v: 1;
  id: string;
  m: string;
  f: string | null;
  s: string;
  p: number;
  n?: string;
  i: string;
}

function isPayload(value: unknown): value is CertificatePayload {
  const p = value as Partial<CertificatePayload> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    p.v === 1 &&
    typeof p.m === 'string' &&
    (p.f === null || typeof p.f === 'string') &&
    typeof p.s === 'string' &&
    typeof p.p === 'number' &&
    typeof p.i === 'string' &&
    (p.n === undefined || typeof p.n === 'string')
  );
}

/**
 * Proof of attendance that reveals no identity: presence is measured by the server, the
 * certificate is signed, and whoever holds the code can have it confirmed publicly.
 */
@Injectable()
export class AttendanceService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly signer: AttendanceSigner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async certificate(socket: SocketHandle, dto: CertificateRequestDto): Promise<CertificateView> {
    const memberId = await this.rooms.connectionMember(socket.id, dto.roomId);
    if (memberId === undefined) {
      throw new DomainError('NOT_IN_ROOM', 'Join the room first (room:join)');
    }
    if ((await this.rooms.findMember(memberId))?.state !== 'active') {
      throw new DomainError('WAITING_FOR_ADMISSION', 'A facilitator has not let you in yet');
    }
    const name = dto.nameOnCertificate?.trim();
    if (name !== undefined && (name === '' || CONTROL_CHARACTERS.test(name))) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'nameOnCertificate must be 1 to 80 printable characters',
        [{ field: 'nameOnCertificate', message: 'printable text, 1 to 80 characters' }],
      );
    }
    const seconds = await this.rooms.secondsPresent(memberId);
    const minutes = Math.floor(seconds / 60);
    if (minutes < this.config.attendanceMinMinutes) {
      throw new DomainError(
        'FORBIDDEN',
        `A certificate needs ${this.config.attendanceMinMinutes} minutes in the room; you have been here ${minutes === 1 ? '1 minute' : `${minutes} minutes`}`,
      );
    }
    const facts = await this.rooms.attendanceFacts(dto.roomId, memberId);
    if (facts === undefined) throw new DomainError('NOT_FOUND', 'No such room');
    const payload: CertificatePayload = {
      v: 1,
      id: randomBytes(9).toString('base64url'),
      m: facts.meeting_name,
      f: facts.fellowship_name,
      s: isoInstant(facts.started_at),
      p: minutes,
      i: isoInstant(new Date()),
      ...(name === undefined ? {} : { n: name }),
    };
    const code = await this.signer.sign(payload);
    const path = `/api/v1/attendance/verify/${code}`;
    return {
      code,
      verifyUrl: `${this.config.publicUrl ?? ''}${path}`,
      meetingName: payload.m,
      fellowship: payload.f,
      startedAt: payload.s,
      minutesPresent: minutes,
    };
  }

  async verify(code: string): Promise<VerificationDto> {
    const payload = await this.signer.open(code);
    if (!isPayload(payload)) return { valid: false };
    return {
      valid: true,
      meetingName: payload.m,
      fellowship: payload.f,
      startedAt: payload.s,
      minutesPresent: payload.p,
      issuedAt: payload.i,
      ...(payload.n === undefined ? {} : { nameOnCertificate: payload.n }),
    };
  }
}
