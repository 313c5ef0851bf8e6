import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FellowshipDto, MeetingTypeDto } from './dto/reference.dto.js';
import { MeetingsService } from './meetings.service.js';

@ApiTags('meetings')
@Controller()
export class ReferenceController {
  constructor(private readonly meetings: MeetingsService) {}

  @Get('fellowships')
  @ApiOkResponse({ type: [FellowshipDto] })
  async fellowships(): Promise<FellowshipDto[]> {
    return (await this.meetings.listFellowships()).map(({ slug, name, program }) => ({
      slug,
      name,
      program,
    }));
  }

  @Get('types')
  @ApiOkResponse({ type: [MeetingTypeDto] })
  types(): readonly MeetingTypeDto[] {
    return this.meetings.listTypes();
  }
}
