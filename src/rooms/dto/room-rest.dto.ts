import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsInstant } from '../../common/validators.js';
import { PageQueryDto } from '../../common/dto/page-query.dto.js';
import { SLUG_PATTERN } from '../../meetings/meeting-record.js';

export class RoomDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) meetingSlug!: string | null;
  @ApiProperty({ enum: ['scheduled', 'open', 'closed'] }) status!: 'scheduled' | 'open' | 'closed';
  @ApiProperty({ nullable: true, type: String, description: 'When it opens next (or opened)' })
  opensAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) closesAt!: string | null;
  @ApiProperty({ description: 'Members present now' }) memberCount!: number;
  @ApiProperty() locked!: boolean;
  @ApiProperty() waitingRoom!: boolean;
  @ApiProperty() slowModeSeconds!: number;
  @ApiProperty() shareSeconds!: number;
  @ApiProperty() retentionDays!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'The room’s own guidelines (plain text), shown before joining; null: the general ones',
  })
  guidelines!: string | null;
}

export class RoomPageDto {
  @ApiProperty({ type: [RoomDto] }) items!: RoomDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class ListRoomsQueryDto extends PageQueryDto {}

export class CreateRoomDto {
  @ApiProperty({ maxLength: 120 })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiPropertyOptional({
    description: 'Host this meeting: the room then opens and closes around each occurrence',
  })
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: 'meetingSlug must be a meeting slug' })
  meetingSlug?: string;

  @ApiPropertyOptional({ description: 'For a room without a meeting: when it opens (ISO 8601)' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInstant()
  opensAt?: string | null;

  @ApiPropertyOptional({ description: 'For a room without a meeting: when it closes (ISO 8601)' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInstant()
  closesAt?: string | null;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  waitingRoom?: boolean;

  @ApiPropertyOptional({ default: 180, minimum: 10, maximum: 3600 })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(3600)
  shareSeconds?: number;

  @ApiPropertyOptional({
    default: 30,
    description: 'Days messages are kept; 0 = not kept once the room closes',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  retentionDays?: number;

  @ApiPropertyOptional({ maxLength: 4000, nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(4000)
  guidelines?: string | null;
}

export class UpdateRoomDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 120) name?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInstant()
  opensAt?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInstant()
  closesAt?: string | null;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() waitingRoom?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(10) @Max(3600) shareSeconds?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(3650) retentionDays?: number;

  @ApiPropertyOptional({
    maxLength: 4000,
    nullable: true,
    type: String,
    description: 'null or blank: back to the general guidelines',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(4000)
  guidelines?: string | null;

  @ApiPropertyOptional({
    enum: ['open', 'closed'],
    description: 'Open or close by hand, until the next scheduled change',
  })
  @IsOptional()
  @IsIn(['open', 'closed'])
  status?: 'open' | 'closed';
}
