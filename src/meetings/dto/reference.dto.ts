import { ApiProperty } from '@nestjs/swagger';

export class FellowshipDto {
  @ApiProperty({ example: 'na' }) slug!: string;
  @ApiProperty({ example: 'Narcotics Anonymous' }) name!: string;
  @ApiProperty({ enum: ['twelve-step', 'non-twelve-step'] }) program!: string;
}

export class MeetingTypeDto {
  @ApiProperty({ example: 'O' }) code!: string;
  @ApiProperty({ example: 'Open' }) name!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'null: a Meeting Guide code, valid for every fellowship',
  })
  fellowship!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
}
