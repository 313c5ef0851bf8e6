import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import { ATTENDANCE_OPTIONS, MEETING_TEXT_FIELDS, SLUG_PATTERN } from '../meeting-record.js';

function IsDayValue(options?: ValidationOptions): PropertyDecorator {
  const isDay = (d: unknown): boolean =>
    Number.isInteger(d) && (d as number) >= 0 && (d as number) <= 6;
  return ValidateBy(
    {
      name: 'isDayValue',
      validator: {
        validate: (value: unknown) =>
          isDay(value) ||
          (Array.isArray(value) && value.length >= 1 && value.length <= 7 && value.every(isDay)),
        defaultMessage: () =>
          'day must be an integer 0–6 (0 = Sunday) or a non-empty array of them',
      },
    },
    options,
  );
}

/** Absent leaves the field as it is; null clears it (on update). */
function OptionalText(max: number): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    IsOptional()(target, key);
    ValidateIf((_o, v) => v !== null)(target, key);
    IsString()(target, key);
    MaxLength(max)(target, key);
  };
}

/** The body of POST /meetings: the contract's meeting fields, in Meeting Guide naming. */
export class CreateMeetingDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ description: 'Generated from the name when absent; must be unique' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case letters, digits and single hyphens' })
  slug?: string;

  @ApiProperty({ example: 'na' })
  @IsString()
  @MaxLength(40)
  fellowship!: string;

  @ApiProperty({
    oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }],
    example: 2,
  })
  @IsDayValue()
  day!: number | number[];

  @ApiProperty({ example: '19:00' })
  @IsString()
  @MaxLength(5)
  time!: string;

  @ApiPropertyOptional({
    example: '20:00',
    description: 'Default: start + 60 min; earlier than time = next day',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(5)
  end_time?: string | null;

  @ApiProperty({ example: 'America/New_York' })
  @IsString()
  @MaxLength(64)
  timezone!: string;

  @ApiPropertyOptional({ type: [String], example: ['O', 'D'] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  types?: string[];

  @ApiPropertyOptional({
    enum: ATTENDANCE_OPTIONS,
    description: 'Derived from the address and conference fields when absent',
  })
  @IsOptional()
  @IsIn(ATTENDANCE_OPTIONS)
  attendance_option?: string;

  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.location) location?: string | null;
  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.formatted_address) formatted_address?:
    string | null;
  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.address) address?: string | null;
  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.city) city?: string | null;
  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.state) state?: string | null;
  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.postal_code) postal_code?: string | null;
  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.country) country?: string | null;

  @ApiPropertyOptional({ minimum: -90, maximum: 90 })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  latitude?: number | null;

  @ApiPropertyOptional({ minimum: -180, maximum: 180 })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  longitude?: number | null;

  @ApiPropertyOptional({ enum: ['yes', 'no'] })
  @IsOptional()
  @ValidateIf((_o, v) => typeof v !== 'boolean')
  @IsIn(['yes', 'no'])
  approximate?: 'yes' | 'no' | boolean;

  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.region) region?: string | null;
  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.sub_region) sub_region?: string | null;
  @ApiPropertyOptional() @OptionalText(2000) conference_url?: string | null;
  @ApiPropertyOptional()
  @OptionalText(MEETING_TEXT_FIELDS.conference_url_notes)
  conference_url_notes?: string | null;
  @ApiPropertyOptional() @OptionalText(60) conference_phone?: string | null;
  @ApiPropertyOptional()
  @OptionalText(MEETING_TEXT_FIELDS.conference_phone_notes)
  conference_phone_notes?: string | null;
  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.notes) notes?: string | null;
  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.location_notes) location_notes?:
    string | null;
  @ApiPropertyOptional({ description: 'Group name; the group is created when new' })
  @OptionalText(MEETING_TEXT_FIELDS.group)
  group?: string | null;
  @ApiPropertyOptional() @OptionalText(MEETING_TEXT_FIELDS.group_notes) group_notes?: string | null;
  @ApiPropertyOptional() @OptionalText(2000) url?: string | null;
}

/** PATCH /meetings/:slug: any subset; null clears an optional field. */
export class UpdateMeetingDto extends PartialType(CreateMeetingDto) {}
