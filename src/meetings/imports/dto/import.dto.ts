import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  NotEquals,
  ValidateBy,
} from 'class-validator';

export const IMPORT_FORMATS = ['meeting-guide', 'bmlt', 'csv'] as const;

export class ImportRequestDto {
  @ApiProperty({ enum: IMPORT_FORMATS })
  @IsIn(IMPORT_FORMATS)
  format!: (typeof IMPORT_FORMATS)[number];

  @ApiProperty({
    description:
      'Name of the source of record (e.g. `seattle-intergroup`). Imports are idempotent per source and row slug; `prune` removes only this source’s meetings.',
    example: 'seattle-intergroup',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/, {
    message: 'source must be 1–100 letters, digits and . _ : @ / -',
  })
  @NotEquals('manual', {
    message: 'source "manual" is reserved for meetings entered through the API',
  })
  source!: string;

  @ApiPropertyOptional({
    description:
      'The payload: a JSON array (meeting-guide, bmlt) or the CSV text as a string (csv)',
  })
  @IsOptional()
  @ValidateBy({
    name: 'isImportPayload',
    validator: {
      validate: (v: unknown) => typeof v === 'string' || (typeof v === 'object' && v !== null),
      defaultMessage: () => 'data must be a JSON array or object, or CSV text',
    },
  })
  data?: unknown;

  @ApiPropertyOptional({
    description:
      'Fetch the payload from this http(s) URL instead. Only public addresses are fetched (also after redirects): loopback, private, link-local and other non-public addresses are refused with VALIDATION_FAILED unless IMPORT_ALLOW_PRIVATE_NETWORKS lists them',
  })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ description: 'Fellowship slug for rows that name none', example: 'na' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  fellowship?: string;

  @ApiPropertyOptional({
    description: 'IANA zone for rows that name none',
    example: 'America/New_York',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({
    description: 'Remove this source’s meetings that are absent from the data',
  })
  @IsOptional()
  @IsBoolean()
  prune?: boolean;
}

export class ImportRowErrorDto {
  @ApiProperty({ description: '0-based row position in the data' }) index!: number;
  @ApiPropertyOptional() slug?: string | undefined;
  @ApiProperty() message!: string;
}

export class ImportResultDto {
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty() removed!: number;
  @ApiProperty({ type: [ImportRowErrorDto] }) errors!: ImportRowErrorDto[];
}
