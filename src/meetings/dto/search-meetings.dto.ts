import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { IsInstant } from '../../common/validators.js';
import { CommaList, QueryBoolean, QueryNumber } from '../../common/query-transforms.js';
import { PROGRAMS, type Program } from '../fellowship.entity.js';
import { CONTROL_CHARACTERS } from '../meeting-record.js';

export const SORTS = ['next_start', 'distance', 'name'] as const;
export type MeetingSort = (typeof SORTS)[number];
const SEARCHABLE_ATTENDANCE = ['in_person', 'online', 'hybrid'] as const;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Query of GET /meetings; every filter optional, all combined with AND. */
export class SearchMeetingsDto {
  @ApiPropertyOptional({
    description: 'Words that must all appear in name, location, address, notes or group',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @ValidateBy({
    name: 'noControlCharacters',
    validator: {
      validate: (v: unknown) => typeof v !== 'string' || !CONTROL_CHARACTERS.test(v),
      defaultMessage: () => 'q must not contain control characters',
    },
  })
  q?: string;

  @ApiPropertyOptional({
    description: 'Fellowship slugs, comma-separated (e.g. `aa,na`)',
    type: String,
  })
  @IsOptional()
  @CommaList()
  @ArrayMaxSize(20)
  @Matches(/^[a-z0-9-]{1,40}$/, {
    each: true,
    message: 'fellowship must be a comma list of fellowship slugs',
  })
  fellowship?: string[];

  @ApiPropertyOptional({ enum: PROGRAMS })
  @IsOptional()
  @IsIn(PROGRAMS)
  program?: Program;

  @ApiPropertyOptional({
    description: 'Meeting-local weekdays, comma-separated: 0 = Sunday … 6 = Saturday',
    type: String,
  })
  @IsOptional()
  @CommaList()
  @ArrayMaxSize(7)
  @IsIn(['0', '1', '2', '3', '4', '5', '6'], {
    each: true,
    message: 'day must be a comma list of 0–6 (0 = Sunday)',
  })
  day?: string[];

  @ApiPropertyOptional({ description: 'Earliest meeting-local start time, "HH:MM"' })
  @IsOptional()
  @Matches(HHMM, { message: 'time_from must be "HH:MM" (00:00–23:59)' })
  time_from?: string;

  @ApiPropertyOptional({
    description:
      'Latest meeting-local start time, "HH:MM" (earlier than time_from wraps past midnight)',
  })
  @IsOptional()
  @Matches(HHMM, { message: 'time_to must be "HH:MM" (00:00–23:59)' })
  time_to?: string;

  @ApiPropertyOptional({
    description: 'Only meetings whose next start is within this many minutes from now',
  })
  @IsOptional()
  @QueryNumber()
  @IsInt({ message: 'starting_within must be a whole number of minutes' })
  @Min(0)
  @Max(10080)
  starting_within?: number;

  @ApiPropertyOptional({
    description: '`true`: only meetings in progress now; `false`: none that are',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'in_progress must be true or false' })
  in_progress?: boolean;

  @ApiPropertyOptional({
    description: 'Type codes, comma-separated; a meeting must have all of them',
    type: String,
  })
  @IsOptional()
  @CommaList()
  @ArrayMaxSize(20)
  @Matches(/^[A-Za-z0-9-]{1,20}$/, {
    each: true,
    message: 'types must be a comma list of type codes',
  })
  types?: string[];

  @ApiPropertyOptional({ description: 'Comma list of in_person, online, hybrid', type: String })
  @IsOptional()
  @CommaList()
  @IsIn(SEARCHABLE_ATTENDANCE, {
    each: true,
    message: 'attendance must be a comma list of in_person, online, hybrid',
  })
  attendance?: string[];

  @ApiPropertyOptional({ description: 'Latitude of the searcher (with lng)' })
  @IsOptional()
  @QueryNumber()
  @IsNumber({}, { message: 'lat must be a number' })
  @Min(-90)
  @Max(90)
  lat?: number;

  @ApiPropertyOptional({ description: 'Longitude of the searcher (with lat)' })
  @IsOptional()
  @QueryNumber()
  @IsNumber({}, { message: 'lng must be a number' })
  @Min(-180)
  @Max(180)
  lng?: number;

  @ApiPropertyOptional({
    description: 'Great-circle radius around lat/lng; meetings without coordinates drop out',
  })
  @IsOptional()
  @QueryNumber()
  @IsNumber({}, { message: 'radius_km must be a number' })
  @Min(0.1)
  @Max(20000)
  radius_km?: number;

  @ApiPropertyOptional({ enum: SORTS, default: 'next_start' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: MeetingSort;

  @ApiPropertyOptional({
    description:
      'Evaluate time-relative filters at this ISO 8601 instant instead of the server clock',
  })
  @IsOptional()
  @IsInstant()
  now?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @QueryNumber()
  @IsInt({ message: 'limit must be a whole number from 1 to 100' })
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}
