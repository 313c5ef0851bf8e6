import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { RoomRefDto } from '../../rooms/dto/room-event.dto.js';

export class CertificateRequestDto extends RoomRefDto {
  /** Printed on the certificate only: never stored, never shown to the room. */
  @IsOptional()
  @IsString()
  @Length(1, 80)
  nameOnCertificate?: string;
}

export class VerificationDto {
  @ApiProperty() valid!: boolean;
  @ApiPropertyOptional() meetingName?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) fellowship?: string | null;
  @ApiPropertyOptional({ description: 'When the meeting (or the room) started' })
  startedAt?: string;
  @ApiPropertyOptional() minutesPresent?: number;
  @ApiPropertyOptional() nameOnCertificate?: string;
  @ApiPropertyOptional() issuedAt?: string;
}
