import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQueryDto } from '../../common/dto/page-query.dto.js';

export class ListReportsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'resolved'] })
  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: 'open' | 'resolved';

  @ApiPropertyOptional({ description: 'Only this room’s reports' })
  @IsOptional()
  @IsUUID('all')
  roomId?: string;
}

export class ResolveReportDto {
  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  note?: string;

  @ApiPropertyOptional({
    description: 'What was done about it (free text, e.g. "deleted", "muted", "no action")',
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  action?: string;
}

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all')
  roomId?: string;
}

export class ReportDto {
  @ApiProperty() id!: string;
  @ApiProperty() roomId!: string;
  @ApiProperty() roomName!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty({
    description: 'The reported message as it is now (null once deleted)',
    nullable: true,
    type: Object,
  })
  message!: { seq: number; body: string | null; author: { memberId: string; handle: string } };
  @ApiProperty() reporterMemberId!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: 'open' | 'resolved';
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) resolutionNote!: string | null;
}

export class ReportPageDto {
  @ApiProperty({ type: [ReportDto] }) items!: ReportDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class AuditEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: string;
  @ApiProperty() actor!: { id: string; displayName: string };
  @ApiProperty() action!: string;
  @ApiProperty({ nullable: true, type: String }) roomId!: string | null;
  @ApiPropertyOptional() memberId?: string;
  @ApiPropertyOptional() messageId?: string;
  @ApiPropertyOptional() reason?: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items!: AuditEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
