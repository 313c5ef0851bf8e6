import { ApiProperty } from '@nestjs/swagger';

export class ParticipantTokenDto {
  @ApiProperty({
    description: 'Identifies the participant to the service only; rooms see memberIds',
  })
  participantId!: string;

  @ApiProperty({
    description:
      'Bearer secret for REST and the Socket.IO handshake (auth: { token }). Shown once.',
  })
  token!: string;

  @ApiProperty({ example: '2026-11-25T18:30:00Z' })
  expiresAt!: string;
}
