import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { LowerCaseId, RoomRefDto } from '../../rooms/dto/room-event.dto.js';

/** Payloads of the facilitator-only events (CONTRACT.md §3). */

export class MemberActionDto extends RoomRefDto {
  @LowerCaseId()
  @IsUUID('all', { message: 'memberId must be a member id' })
  memberId!: string;

  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class MuteDto extends MemberActionDto {
  @IsOptional()
  @IsInt({ message: 'minutes must be a whole number (leave it out for a lasting mute)' })
  @Min(1)
  @Max(525600)
  minutes?: number;
}

export class BanDto extends MuteDto {
  @IsOptional()
  @IsIn(['room', 'group'])
  scope?: 'room' | 'group';
}

export class MessageActionDto extends RoomRefDto {
  @LowerCaseId()
  @IsUUID('all', { message: 'messageId must be a message id' })
  messageId!: string;

  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class PinDto extends RoomRefDto {
  @LowerCaseId()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID('all', { message: 'messageId must be a message id, or null to unpin' })
  messageId!: string | null;
}

export class AdmitDto extends RoomRefDto {
  @LowerCaseId()
  @IsUUID('all', { message: 'memberId must be a member id' })
  memberId!: string;
}

export class RoomUpdateDto extends RoomRefDto {
  @IsOptional() @IsBoolean() locked?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(3600) slowModeSeconds?: number;
  @IsOptional() @IsInt() @Min(10) @Max(3600) shareSeconds?: number;
  @IsOptional() @IsBoolean() waitingRoom?: boolean;
}
