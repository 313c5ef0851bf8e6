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
