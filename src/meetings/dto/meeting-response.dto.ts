import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ATTENDANCE_OPTIONS } from '../meeting-record.js';

/** A meeting as returned everywhere (CONTRACT.md §2): Meeting Guide field names, plus ours. */
export class MeetingResponseDto {
  @ApiProperty() slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'na' }) fellowship!: string;
  @ApiProperty({
    description: '0 = Sunday … 6 = Saturday; an array when the meeting is on several days',
    oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }],
  })
  day!: number | number[];
  @ApiProperty({ example: '19:00' }) time!: string;
  @ApiProperty({ example: '20:00' }) end_time!: string;
  @ApiProperty({ example: 'America/New_York' }) timezone!: string;
  @ApiProperty({ type: [String], example: ['O', 'D'] }) types!: string[];
  @ApiProperty({ enum: ATTENDANCE_OPTIONS }) attendance_option!: string;
  @ApiProperty({ nullable: true, type: String }) location!: string | null;
  @ApiProperty({ nullable: true, type: String }) formatted_address!: string | null;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty({ nullable: true, type: String }) city!: string | null;
  @ApiProperty({ nullable: true, type: String }) state!: string | null;
  @ApiProperty({ nullable: true, type: String }) postal_code!: string | null;
  @ApiProperty({ nullable: true, type: String }) country!: string | null;
  @ApiProperty({ nullable: true, type: Number }) latitude!: number | null;
  @ApiProperty({ nullable: true, type: Number }) longitude!: number | null;
  @ApiProperty({ enum: ['yes', 'no'] }) approximate!: 'yes' | 'no';
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ nullable: true, type: String }) sub_region!: string | null;
  @ApiProperty({ nullable: true, type: String }) conference_url!: string | null;
  @ApiProperty({ nullable: true, type: String }) conference_url_notes!: string | null;
  @ApiProperty({ nullable: true, type: String }) conference_phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) conference_phone_notes!: string | null;
  @ApiProperty({ nullable: true, type: String }) notes!: string | null;
  @ApiProperty({ nullable: true, type: String }) location_notes!: string | null;
  @ApiProperty({ nullable: true, type: String }) group!: string | null;
  @ApiProperty({ nullable: true, type: String }) group_notes!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The group, for facilitator assignments',
  })
  groupId!: string | null;
  @ApiProperty({ nullable: true, type: String }) url!: string | null;
  @ApiProperty({ description: 'Last change (ISO 8601, UTC)' }) updated!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The hosted anonymous room, if any' })
  roomId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Start of the next (or current) occurrence',
  })
  nextStart!: string | null;
  @ApiProperty({ nullable: true, type: String }) nextEnd!: string | null;
  @ApiProperty() inProgress!: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'From lat/lng, when given' })
  distanceKm!: number | null;
}

export class MeetingPageDto {
  @ApiProperty({ type: [MeetingResponseDto] }) items!: MeetingResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
