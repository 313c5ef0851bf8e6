import { Transform } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { registerPlainValidation } from '../../common/validation.js';

/** Payloads of the client → server events (see room-events.ts for the whole contract). */

/** Ids compare as the database writes them: lower case (a UUID in capitals is the same id). */
export const LowerCaseId = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );

export class RoomRefDto {
  @LowerCaseId()
  @IsUUID('all', { message: 'roomId must be a room id' })
  roomId!: string;
}

export class JoinRoomDto extends RoomRefDto {
  @IsString({ message: 'handle must be a string' })
  @Length(1, 24, { message: 'handle must be 1 to 24 characters' })
  handle!: string;
}

export class SendMessageDto extends RoomRefDto {
  @IsUUID('all', { message: 'clientId must be a UUID you generate per message (retries reuse it)' })
  clientId!: string;

  @IsString({ message: 'body must be a string' })
  @MinLength(1, { message: 'body must not be empty' })
  @MaxLength(2000, { message: 'body must be at most 2000 characters' })
  body!: string;
}

/** What IsUUID('all') accepts, in lower case only (a UUID in capitals takes the long way). */
const LOWER_CASE_UUID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
/** Variation selectors shorten a string as class-validator counts its length. */
const VARIATION_SELECTOR = /[\uFE0E\uFE0F]/;
const SEND_FIELDS = new Set(['roomId', 'clientId', 'body']);

// message:send is every room's busiest event, and class-validator costs a tenth of a millisecond
// or more a payload (twice: the global pipe and the gateway's both run). A payload with exactly these three fields, both ids UUIDs and a body of 1 to
// 2000 characters without variation selectors (so that its length is the one class-validator
// counts, or more) is valid by the rules above; anything else takes the usual way.
registerPlainValidation(SendMessageDto, (value) => {
  if (typeof value !== 'object' || value === null) return undefined;
  // Or a DTO already: on sockets the global pipe runs first, and the gateway's gets its result.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== SendMessageDto.prototype) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== SEND_FIELDS.size || !keys.every((key) => SEND_FIELDS.has(key)))
    return undefined;
  const { roomId, clientId, body } = value as Record<string, unknown>;
  if (typeof roomId !== 'string' || typeof clientId !== 'string' || typeof body !== 'string')
    return undefined;
  const room = roomId.toLowerCase();
  if (!LOWER_CASE_UUID.test(room) || !LOWER_CASE_UUID.test(clientId)) return undefined;
  if (body.length < 1 || body.length > 2000 || VARIATION_SELECTOR.test(body)) return undefined;
  return Object.assign(new SendMessageDto(), { roomId: room, clientId, body });
});

export class SyncDto extends RoomRefDto {
  @IsInt({ message: 'afterSeq must be a whole number' })
  @Min(0)
  afterSeq!: number;
}

export class HistoryDto extends RoomRefDto {
  @IsOptional()
  @IsInt({ message: 'beforeSeq must be a whole number' })
  @Min(1)
  beforeSeq?: number;

  @IsOptional()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ReportMessageDto extends RoomRefDto {
  @LowerCaseId()
  @IsUUID('all', { message: 'messageId must be a message id' })
  messageId!: string;

  @IsString({ message: 'reason must be a string' })
  @Length(1, 500, { message: 'reason must be 1 to 500 characters' })
  reason!: string;
}
