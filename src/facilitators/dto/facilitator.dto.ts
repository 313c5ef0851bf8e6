import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { SLUG_PATTERN } from '../../meetings/meeting-record.js';
import { ROLES, type Role } from '../account.entity.js';

export class CreateFacilitatorDto {
  @ApiProperty()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;
  @ApiProperty() @IsString() @Length(1, 80) displayName!: string;
  @ApiProperty({ minLength: 12 })
  @IsString()
  @Length(12, 200, { message: 'password must be 12 to 200 characters' })
  password!: string;
  @ApiPropertyOptional({ enum: ROLES, default: 'facilitator' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

export class UpdateFacilitatorDto {
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional({
    description: 'Disabled accounts lose access at once, also on open sockets',
  })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 80) displayName?: string;
  @ApiPropertyOptional({ minLength: 12 })
  @IsOptional()
  @IsString()
  @Length(12, 200)
  password?: string;
}

/** Exactly one of the three. */
export class CreateAssignmentDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') groupId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(SLUG_PATTERN, { message: 'meetingSlug must be a meeting slug' })
  meetingSlug?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') roomId?: string;
}

export class AssignmentDto {
  @ApiProperty() id!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) groupId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) groupName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) meetingSlug!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) roomId!: string | null;
  @ApiProperty() createdAt!: string;
}

export class FacilitatorDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty() disabled!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: [AssignmentDto] }) assignments!: AssignmentDto[];
}

export class FacilitatorListDto {
  @ApiProperty({ type: [FacilitatorDto] }) items!: FacilitatorDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
